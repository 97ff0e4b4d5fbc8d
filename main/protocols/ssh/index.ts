// SSH client over ssh2. Plain Node; no Electron.
//
//   const auth = prepareAuth({ username, privateKey, passphrase }, 'credential lab-ssh');   // decrypts once
//   const pool = new SshPool();
//   const r = await runCommand(pool, { target: { host, port, auth }, jumps: [...], tag: 'node001' }, 'hostname', {
//     hostKeys, policy: 'ask' | 'accept-new', connectTimeoutMs: 10_000, commandTimeoutMs: 0, signal });
//   // r = { exitCode, signal, stdout, stderr, truncated, ... }
//   await pool.close();
//
// Host keys: `hostKeys` (HostKeyStore) answers which keys are known for host:port (main/services/
// hostkeys reads ~/.ssh/known_hosts and ClusterDeck's store). Unknown keys are refused with
// SSH_HOSTKEY_UNKNOWN under 'ask' and stored under 'accept-new'; a changed key is always refused
// with SSH_HOSTKEY_CHANGED before any login is attempted. Every hop of a jump chain is checked.
//
// Errors are AppError with codes SSH_* (errors.ts): UNREACHABLE (refused / unknown host / no
// route; params.reason), TIMEOUT (params.phase connect|command), AUTH_FAILED (params.methods
// tried), KEY_PASSPHRASE, AGENT_UNAVAILABLE, JUMP_FAILED (params.hop), HOSTKEY_UNKNOWN,
// HOSTKEY_CHANGED, CANCELLED, CHANNEL_FAILED, BAD_KEY, CLOSED. No message holds a secret.
import { AppError } from '../../../shared/errors';
import { SSH_ERROR } from './errors';
import { execCommand, type ExecResult } from './exec';
import type { ConnectOptions, SshPool, SshTarget } from './pool';

export { prepareAuth, agentSocket, type SshCredentials, type PreparedAuth, type AuthMethod } from './auth';
export { connectHop, fetchHostKey, type SshHop, type HopOptions } from './connect';
export { execCommand, DEFAULT_MAX_OUTPUT_BYTES, type ExecOptions, type ExecResult } from './exec';
export { SshPool, forwardTo, type SshTarget, type PoolHop, type Lease, type ConnectOptions } from './pool';
export {
  fingerprint,
  keyTypeOf,
  judgeHostKey,
  hostKeyChangedError,
  hostKeyRevokedError,
  type HostKey,
  type KnownHostKey,
  type HostKeyStore,
  type HostKeyPolicy,
  type HostKeyVerdict,
} from './hostKeys';
export { KnownHostsFile, parseKnownHosts, knownHostsName, entryMatches, keysFor, type KnownHostsEntry } from './knownHostsFile';
export { SSH_ERROR, isSshError, hostPort, type SshErrorCode } from './errors';

export interface RunCommandOptions extends Omit<ConnectOptions, 'timeoutMs'> {
  connectTimeoutMs: number;
  /** 0: none. */
  commandTimeoutMs?: number;
  maxOutputBytes?: number;
  /** For messages. */
  where?: string;
  /**
   * false: close the target's connection after the command. Batches over many nodes say so (a run
   * over 10,000 nodes must not hold 10,000 sockets open; its jump hosts stay pooled). Default true:
   * the next command to the same target (a login node polled for jobs) reuses it.
   */
  keepConnection?: boolean;
}

/**
 * Connects (or reuses a pooled connection) and runs one command. A connection reused from the
 * pool that turns out to be dead is replaced once; a connection whose command failed to run, timed
 * out or was cancelled leaves the pool (closed once no other command uses it).
 */
export async function runCommand(pool: SshPool, target: SshTarget, command: string, opts: RunCommandOptions): Promise<ExecResult> {
  for (let attempt = 1; ; attempt++) {
    const lease = await pool.connect(target, { ...opts, timeoutMs: opts.connectTimeoutMs });
    try {
      const result = await execCommand(lease.client, command, {
        timeoutMs: opts.commandTimeoutMs,
        signal: opts.signal,
        maxOutputBytes: opts.maxOutputBytes,
        where: opts.where,
      });
      if (opts.keepConnection === false) lease.discard();
      else lease.release();
      return result;
    } catch (error) {
      lease.discard();
      const stale = AppError.is(error) && (error.code === SSH_ERROR.CLOSED || error.code === SSH_ERROR.CHANNEL);
      if (stale && !lease.fresh && attempt === 1) continue;
      throw error;
    }
  }
}
