// One SSH hop: TCP (or a stream forwarded by the previous hop), host key check, login. The whole
// of it is bounded by one connect timeout and cancelled by an AbortSignal.
import type { Duplex } from 'node:stream';
import { Client } from 'ssh2';
import { AppError } from '../../../shared/errors';
import { makeAuthHandler, type AuthMethod, type AuthTracker, type PreparedAuth } from './auth';
import { SSH_ERROR, cancelledError, hostPort, socketError, sshError, timeoutError } from './errors';
import {
  algorithmsForKeyType,
  hostKeyChangedError,
  hostKeyRevokedError,
  hostKeyUnknownError,
  judgeHostKey,
  keyTypeOf,
  type HostKey,
  type HostKeyPolicy,
  type HostKeyStore,
} from './hostKeys';

export interface SshHop {
  host: string;
  port: number;
  auth: PreparedAuth;
}

export interface HopOptions {
  hostKeys: HostKeyStore;
  policy: HostKeyPolicy;
  timeoutMs: number;
  /** 0 turns keepalive off. Default 15 s, 3 missed answers end the connection. */
  keepaliveIntervalMs?: number;
  signal?: AbortSignal;
  /** A stream to the host opened by the previous hop (ProxyJump). */
  sock?: Duplex;
  /** Position in a jump chain, for messages (0 = first jump host). */
  hop?: number;
  onAuthAttempt?: (method: AuthMethod, host: string, port: number) => void;
  /** Called when accept-new stored a key. */
  onHostKeyAdded?: (host: string, port: number, key: HostKey) => void;
}

export interface HostKeyProbe {
  key: HostKey;
}

// What ssh2 offers, with the types we already hold for the host moved to the front (OpenSSH does
// the same), so a server with several host keys presents one we can check.
const DEFAULT_HOST_KEY_ALGS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

function hostKeyAlgorithms(knownTypes: string[]): string[] {
  const first = knownTypes.flatMap(algorithmsForKeyType).filter((a) => DEFAULT_HOST_KEY_ALGS.includes(a));
  return [...new Set([...first, ...DEFAULT_HOST_KEY_ALGS])];
}

/** Connects and logs in; resolves with a ready ssh2 Client. */
export function connectHop(hop: SshHop, opts: HopOptions): Promise<Client> {
  return handshake(hop, opts, false) as Promise<Client>;
}

/** Connects only far enough to see the host key, then hangs up: no login, no credentials needed. */
export function fetchHostKey(host: string, port: number, opts: Omit<HopOptions, 'policy' | 'onAuthAttempt' | 'hostKeys'>): Promise<HostKey> {
  const noAuth: PreparedAuth = { username: 'clusterdeck-keyscan', methods: [] };
  const none: HostKeyStore = { lookup: () => [], add: () => undefined };
  return handshake({ host, port, auth: noAuth }, { ...opts, hostKeys: none, policy: 'ask' }, true) as Promise<HostKey>;
}

function handshake(hop: SshHop, opts: HopOptions, probeOnly: boolean): Promise<Client | HostKey> {
  const { host, port } = hop;
  const where = hostPort(host, port);
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(cancelledError(where));
    const client = new Client();
    const tracker: AuthTracker = { tried: [], serverAllows: null };
    let verdictError: AppError | null = null;
    let probed: HostKey | null = null;
    let settled = false;
    let known: ReturnType<HostKeyStore['lookup']> = [];
    try {
      known = probeOnly ? [] : opts.hostKeys.lookup(host, port);
    } catch (error) {
      return reject(error);
    }

    const finish = (error: Error | null, value?: Client | HostKey): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (error) {
        client.removeAllListeners('ready');
        client.on('error', () => undefined); // late errors after we gave up are expected
        client.destroy();
        opts.sock?.destroy();
        reject(error);
      } else resolve(value!);
    };
    const onAbort = (): void => finish(cancelledError(where));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => finish(timeoutError(where, 'connect', opts.timeoutMs)), opts.timeoutMs);

    client.on('ready', () => {
      if (probeOnly) return finish(new Error('login should not have happened during a host key probe'));
      // Terminals send single keystrokes: without TCP_NODELAY, Nagle's algorithm holds each one until the previous
      // segment is acknowledged (~40 ms with delayed ACKs), as OpenSSH avoids for interactive sessions too.
      client.setNoDelay(true);
      finish(null, client);
    });
    client.on('error', (err: Error & { level?: string }) => finish(mapError(err)));
    client.on('close', () => {
      finish(verdictError ?? (probed ? null : sshError(SSH_ERROR.UNREACHABLE, `SSH: ${where} closed the connection during the handshake.`, { host, port, cause: 'CLOSED', reason: 'network' })), probed ?? undefined);
    });

    function mapError(err: Error & { level?: string }): AppError {
      if (verdictError) return verdictError;
      const level = err.level ?? '';
      if (level === 'client-socket' || level === 'client-dns') return socketError(host, port, err, opts.timeoutMs);
      if (level === 'client-timeout') return timeoutError(where, 'connect', opts.timeoutMs);
      if (level === 'agent') {
        return sshError(SSH_ERROR.AGENT_UNAVAILABLE, `The ssh-agent at ${hop.auth.agentPath ?? 'SSH_AUTH_SOCK'} did not answer (${err.message}). Start ssh-agent and ssh-add your key.`, { host, port, reason: 'absent' });
      }
      if (level === 'client-authentication') {
        const tried = tracker.tried.join(',') || 'none';
        const allowed = tracker.serverAllows?.join(',') ?? 'unknown';
        const why = tracker.tried.length
          ? `tried: ${tried}; the server accepts: ${allowed}). Check the user name and the key or password stored in the node's credential.`
          : `the server accepts: ${allowed}; the credential offers: ${hop.auth.methods.join(',') || 'nothing'}, so nothing was tried). Store a credential of a kind the server accepts.`;
        return sshError(
          SSH_ERROR.AUTH_FAILED,
          `${where} refused the login as "${hop.auth.username}" (${why}`,
          { host, port, user: hop.auth.username, methods: tried, serverAllows: allowed },
        );
      }
      return sshError(SSH_ERROR.UNREACHABLE, `SSH handshake with ${where} failed: ${err.message}.`, { host, port, cause: 'HANDSHAKE', reason: 'handshake', detail: err.message });
    }

    const hostVerifier = (blob: Buffer, verify: (ok: boolean) => void): void => {
      const type = keyTypeOf(blob);
      if (!type) {
        verdictError = sshError(SSH_ERROR.UNREACHABLE, `${where} sent a malformed host key.`, { host, port, cause: 'BAD_HOSTKEY', reason: 'handshake' });
        return verify(false);
      }
      const key: HostKey = { type, blob: Buffer.from(blob) };
      if (probeOnly) {
        probed = key;
        finish(null, key); // settle first: refusing the key below makes ssh2 emit an error
        verify(false); // hang up before any login
        client.destroy();
        return;
      }
      // Look again: a parallel connection may have stored this endpoint's key meanwhile.
      try {
        known = opts.hostKeys.lookup(host, port);
      } catch (error) {
        verdictError = AppError.is(error) ? error : sshError(SSH_ERROR.UNREACHABLE, `Could not read the known host keys: ${(error as Error).message}`, { host, port });
        return verify(false);
      }
      const verdict = judgeHostKey(key, known);
      if (verdict.status === 'known') return verify(true);
      if (verdict.status === 'unknown' && opts.policy === 'accept-new') {
        try {
          opts.hostKeys.add(host, port, key);
        } catch (error) {
          verdictError = AppError.is(error) ? error : sshError(SSH_ERROR.UNREACHABLE, `Could not store the host key of ${where}: ${(error as Error).message}`, { host, port });
          return verify(false);
        }
        opts.onHostKeyAdded?.(host, port, key);
        return verify(true);
      }
      if (verdict.status === 'unknown') verdictError = hostKeyUnknownError(host, port, key, opts.hop);
      else if (verdict.status === 'revoked') verdictError = hostKeyRevokedError(host, port, verdict.key, opts.hop);
      else verdictError = hostKeyChangedError(host, port, key, verdict.stored, opts.hop);
      verify(false);
      finish(verdictError);
    };

    try {
      client.connect({
        host,
        port,
        sock: opts.sock,
        username: hop.auth.username,
        readyTimeout: 0, // our own timer covers TCP, handshake and login together
        keepaliveInterval: opts.keepaliveIntervalMs ?? 15_000,
        keepaliveCountMax: 3,
        hostVerifier,
        authHandler: makeAuthHandler(hop.auth, tracker, (m) => opts.onAuthAttempt?.(m, host, port)) as never,
        algorithms: {
          serverHostKey: hostKeyAlgorithms([...new Set(known.filter((k) => !k.revoked).map((k) => k.type))]) as never,
          // AES-GCM first: Node's native AES beats ssh2's JavaScript chacha20 here.
          cipher: ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'aes128-ctr', 'aes256-ctr', 'chacha20-poly1305@openssh.com'] as never,
        },
      });
    } catch (error) {
      finish(sshError(SSH_ERROR.UNREACHABLE, `Could not start an SSH connection to ${where}: ${(error as Error).message}`, { host, port, cause: 'CONFIG', reason: 'config' }));
    }
  });
}
