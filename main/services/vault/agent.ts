// The vault agent (`clusterdeck agent start`), like ssh-agent or gpg-agent: one process derives
// the passphrase's key once (scrypt, ~0.1 s of CPU) and hands it to the CLI runs of the same user
// over a unix socket in the data folder, mode 0600. A `clusterdeck power status` then skips the
// derivation. The passphrase is never written anywhere; the key lives in the agent's memory only
// and is wiped when it stops. Trade-off (README "Vault agent"): while it runs, any process of
// this user that can open the socket can unlock the vault, as with ssh-agent.
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

export interface VaultAgent {
  readonly socketPath: string;
  /** Resolves when the agent stopped (stop(), `clusterdeck agent stop`, or its lifetime ran out). */
  readonly stopped: Promise<void>;
  stop(): void;
}

/** Serves `key` on the data folder's socket until stopped or `lifetimeMs` has passed. */
export async function startVaultAgent(dataDir: string, key: PrederivedKey, lifetimeMs: number): Promise<VaultAgent> {
  const socketPath = agentSocketPath(dataDir);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    throw new AppError('VAULT_AGENT_PATH', `The agent's socket path ${socketPath} is longer than a unix socket allows (${MAX_SOCKET_PATH} bytes): use a shorter --data-dir.`, { path: socketPath });
  }
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
    sock.on('data', (chunk) => {
      request += chunk.toString('utf8');
      if (!request.includes('\n')) return;
      const verb = request.slice(0, request.indexOf('\n')).trim();
      if (verb === 'key') sock.end(`${answer()}\n`);
      else if (verb === 'status') sock.end(`${JSON.stringify({ pid: process.pid })}\n`);
      else if (verb === 'stop') {
        sock.end(`${JSON.stringify({ stopping: true })}\n`);
        stop();
      } else sock.destroy();
    });
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
  const timer = setTimeout(() => stop(), lifetimeMs);
  timer.unref?.();
  let done = false;
  function stop(): void {
    if (done) return;
    done = true;
    clearTimeout(timer);
    key.key.fill(0);
    server.close(() => finish());
    fs.rmSync(socketPath, { force: true });
  }
  // The timer is unref'd: the listening server keeps the process alive, and stop() ends both.
  return { socketPath, stopped, stop };
}
