// The vault agent (`clusterdeck agent start`), like ssh-agent or gpg-agent: one process derives
// the passphrase's key once (scrypt, ~0.1 s of CPU) and hands it to the CLI runs of the same user
// over a unix socket in the data folder, mode 0600. A `clusterdeck power status` then skips the
// derivation. The passphrase is never written anywhere; the key lives in the agent's memory only
// and is wiped when it stops. Trade-off (README "Vault agent"): while it runs, any process of
// this user that can open the socket can unlock the vault, as with ssh-agent.
//
// Besides its three verbs (key, status, stop) the socket takes JSON requests, which a
// `requests` handler serves (the CLI's batch runner, main/hosts/cli/agentRunner.ts): a
// connection whose first line starts with `{` is handed to it for as long as it lasts.
//
// Who may connect: Node cannot read the peer's credentials (SO_PEERCRED / getpeereid are not
// exposed), so, as for ssh-agent's socket, the boundary is the file system: the socket is made
// 0600 and the data folder must not be writable by other users (checked at start; it is created
// 0700). Only this user (and root) can connect or put another socket in its place.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../../../shared/errors';
import { DB_FILE } from '../../store/db';
import { deriveKeyAsync, unseal, VAULT_KEY_AAD, type ScryptParams } from './crypto';
import type { PrederivedKey } from './vaultService';
import { agentSocketPath, askAgent } from './agentClient';

// sun_path is 108 bytes on Linux, 104 on macOS.
const MAX_SOCKET_PATH = 103;

interface PassphraseRow { salt: Buffer | null; params: string; wrapped_key: Buffer }

/**
 * Derives `passphrase`'s key for the vault in `dataDir` and checks it opens the vault (the stored
 * data key unwraps with it). Throws VAULT_WRONG_PASSPHRASE, VAULT_NO_PASSPHRASE or VAULT_LOCKED.
 */
export async function deriveCheckedKey(dataDir: string, passphrase: string): Promise<PrederivedKey> {
  let row: PassphraseRow | undefined;
  try {
    const db = new Database(path.join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
    try {
      row = db.prepare("SELECT salt, params, wrapped_key FROM vault_keys WHERE kind = 'passphrase'").get() as PassphraseRow | undefined;
    } finally {
      db.close();
    }
  } catch {
    throw new AppError('VAULT_LOCKED', `There is no vault in ${dataDir} yet: store a credential first (clusterdeck creds add, or the desktop app), then start the agent.`);
  }
  if (!row?.salt) throw new AppError('VAULT_NO_PASSPHRASE', 'This vault is protected by the OS keychain only. Set a vault passphrase in Settings on the desktop first.');
  const params = JSON.parse(row.params) as ScryptParams;
  const key = await deriveKeyAsync(passphrase, row.salt, params);
  try {
    unseal(key, row.wrapped_key, VAULT_KEY_AAD).fill(0);
  } catch {
    key.fill(0);
    throw new AppError('VAULT_WRONG_PASSPHRASE', 'Wrong vault passphrase. Enter the passphrase this data folder was created with (CLUSTERDECK_PASSPHRASE or the prompt).');
  }
  return { salt: row.salt, params, key };
}

/** Serves the socket's JSON requests (see above). */
export interface AgentRequestHandler {
  /** Takes over a connection whose first line is `line` (`rest`: what followed it in the same read). */
  serve(sock: net.Socket, line: string, rest: string): void;
  /** The agent is stopping for `reason`: end what runs and resolve once every connection got its answer. */
  stop(reason: string): Promise<void>;
}

/** A line of a verb, or a JSON request up to this size; longer is refused. */
const MAX_LINE = 256 * 1024;

/** The data folder must be ours and closed to other users' writes (they could swap the socket). */
function checkFolder(dataDir: string): void {
  const st = fs.statSync(dataDir);
  const foreign = typeof process.getuid === 'function' && st.uid !== process.getuid();
  if (foreign || (st.mode & 0o022) !== 0) {
    throw new AppError('VAULT_AGENT_FOLDER', `The data folder ${dataDir} is ${foreign ? 'owned by another user' : 'writable by other users'}: the agent's socket must not be reachable by them. Run chmod 700 on it (or use a folder of your own), then start the agent.`, { path: dataDir });
  }
}

export interface VaultAgent {
  readonly socketPath: string;
  /** Resolves when the agent stopped (stop(), `clusterdeck agent stop`, or its lifetime ran out). */
  readonly stopped: Promise<void>;
  /** `reason` is what running batches' CLIs are told (e.g. "clusterdeck agent stop"). */
  stop(reason?: string): void;
}

/**
 * Serves `key` on the data folder's socket until stopped or `lifetimeMs` has passed; JSON
 * requests go to `requests` (without one they are refused like any unknown verb).
 */
export async function startVaultAgent(dataDir: string, key: PrederivedKey, lifetimeMs: number, requests?: AgentRequestHandler): Promise<VaultAgent> {
  const socketPath = agentSocketPath(dataDir);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    throw new AppError('VAULT_AGENT_PATH', `The agent's socket path ${socketPath} is longer than a unix socket allows (${MAX_SOCKET_PATH} bytes): use a shorter --data-dir.`, { path: socketPath });
  }
  checkFolder(dataDir);
  if (await askAgent(socketPath, 'status')) {
    throw new AppError('VAULT_AGENT_RUNNING', `A vault agent already serves ${dataDir}: stop it first (clusterdeck agent stop).`, { path: socketPath });
  }
  fs.rmSync(socketPath, { force: true }); // left by an agent that was killed
  // Built per request, so no long-lived string copy of the key stays in memory.
  const answer = (): string => JSON.stringify({ salt: key.salt.toString('base64'), params: key.params, key: key.key.toString('base64') });
  let finish!: () => void;
  const stopped = new Promise<void>((resolve) => (finish = resolve));
  const server = net.createServer((sock) => {
    sock.setTimeout(2000, () => sock.destroy());
    sock.on('error', () => undefined);
    let request = '';
    const onData = (chunk: Buffer): void => {
      request += chunk.toString('utf8');
      const nl = request.indexOf('\n');
      if (nl < 0) {
        if (request.length > MAX_LINE) sock.destroy();
        return;
      }
      const line = request.slice(0, nl);
      const verb = line.trim();
      if (verb === 'key') sock.end(`${answer()}\n`);
      else if (verb === 'status') sock.end(`${JSON.stringify({ pid: process.pid })}\n`);
      else if (verb === 'stop') {
        sock.end(`${JSON.stringify({ stopping: true })}\n`);
        stop('clusterdeck agent stop');
      } else if (requests && !done && verb.startsWith('{')) {
        sock.off('data', onData);
        sock.setTimeout(0); // a batch takes as long as it takes; the handler watches the socket
        requests.serve(sock, line, request.slice(nl + 1));
      } else sock.destroy();
    };
    sock.on('data', onData);
  });
  // Created 0600 (umask) and checked: nobody but this user may connect.
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
  } finally {
    process.umask(umask);
  }
  fs.chmodSync(socketPath, 0o600);
  const timer = setTimeout(() => stop(`its lifetime ran out`), lifetimeMs);
  timer.unref?.();
  let done = false;
  /** New connections are refused at once; batches running end (their CLIs get a message and their results) first. */
  function stop(reason = 'it was stopped'): void {
    if (done) return;
    done = true;
    clearTimeout(timer);
    key.key.fill(0);
    fs.rmSync(socketPath, { force: true });
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    void Promise.all([closed, requests?.stop(reason).catch(() => undefined)]).then(() => finish());
  }
  // The timer is unref'd: the listening server keeps the process alive, and stop() ends both.
  return { socketPath, stopped, stop };
}
