// Host keys ClusterDeck knows: the user's known_hosts files (read only; OpenSSH owns them) and
// the host_keys table (written by `hostkeys scan` and exec --accept-new). Implements the SSH
// client's HostKeyStore.
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../../store/db';
import { nowIso } from '../../store/db';
import { AppError } from '../../../shared/errors';
import { KnownHostsFile, fingerprint, type HostKey, type HostKeyStore, type KnownHostKey } from '../../protocols/ssh';

export interface StoredHostKey {
  host: string;
  port: number;
  keyType: string;
  blob: Buffer;
  fingerprint: string;
  addedAt: string;
}

interface Row { host: string; port: number; key_type: string; public_key: Buffer; fingerprint: string; added_at: string }

/** ~/.ssh/known_hosts and known_hosts2, resolved when the store is made (HOME may differ per process). */
export function defaultKnownHostsFiles(): string[] {
  const dir = path.join(os.homedir(), '.ssh');
  return [path.join(dir, 'known_hosts'), path.join(dir, 'known_hosts2')];
}

export class DbHostKeyStore implements HostKeyStore {
  private readonly files: KnownHostsFile[];
  private readonly byEndpoint;
  private readonly insert;

  constructor(private readonly db: Db, knownHostsFiles: readonly string[] = defaultKnownHostsFiles()) {
    const home = os.homedir();
    this.files = knownHostsFiles.map((f) => new KnownHostsFile(f, f.startsWith(home + path.sep) ? `~${f.slice(home.length)}` : f));
    this.byEndpoint = db.prepare('SELECT * FROM host_keys WHERE host = ? AND port = ? ORDER BY key_type');
    this.insert = db.prepare('INSERT INTO host_keys (host, port, key_type, public_key, fingerprint, added_at) VALUES (?, ?, ?, ?, ?, ?)');
  }

  lookup(host: string, port: number): KnownHostKey[] {
    const fromFiles = this.files.flatMap((f) => f.lookup(host, port));
    const stored = (this.byEndpoint.all(host, port) as Row[]).map((r) => ({ type: r.key_type, blob: r.public_key, source: 'clusterdeck' }));
    return [...fromFiles, ...stored];
  }

  /** Only for keys judged new: an existing row for the same type is never overwritten. */
  add(host: string, port: number, key: HostKey): void {
    try {
      this.insert.run(host, port, key.type, key.blob, fingerprint(key.blob), nowIso());
    } catch (error) {
      if (/UNIQUE|PRIMARY KEY/.test((error as Error).message)) {
        // Parallel connections to one endpoint all find the key new; the same key twice is fine.
        if (this.stored(host, port).some((k) => k.keyType === key.type && k.blob.equals(key.blob))) return;
        throw new AppError('SSH_HOSTKEY_CHANGED', `A different ${key.type} host key for ${host}:${port} was stored meanwhile; not replacing it.`, { host, port, keyType: key.type, fingerprint: fingerprint(key.blob) });
      }
      throw error;
    }
  }

  stored(host?: string, port?: number): StoredHostKey[] {
    const rows = (host === undefined ? this.db.prepare('SELECT * FROM host_keys ORDER BY host, port, key_type').all() : this.byEndpoint.all(host, port)) as Row[];
    return rows.map((r) => ({ host: r.host, port: r.port, keyType: r.key_type, blob: r.public_key, fingerprint: r.fingerprint, addedAt: r.added_at }));
  }

  /** Keys for host:port found in the known_hosts files (for messages; they are not edited). */
  inFiles(host: string, port: number): KnownHostKey[] {
    return this.files.flatMap((f) => f.lookup(host, port));
  }

  forget(host: string, port: number): number {
    return this.db.prepare('DELETE FROM host_keys WHERE host = ? AND port = ?').run(host, port).changes;
  }
}
