// The CLI derives the vault key on libuv's thread pool while it loads modules
// (main/services/vault/prederive.ts); the vault then unlocks with that key. Same key, same
// refusals, nothing written, and the derived key is wiped once it unwrapped the data key.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../main/app';
import { DB_FILE } from '../../../main/store/db';
import { deriveKey, deriveKeyAsync, type ScryptParams } from '../../../main/services/vault/crypto';
import { prederiveVaultKey } from '../../../main/services/vault/prederive';
import { tempDir } from '../../support/tmp';

const actor = { user: 'tester', via: 'cli' as const };
const SECRET = 'Pre-Derived-BMC-Passw0rd!';

describe('vault key derived ahead', () => {
  const open: App[] = [];
  const dirs: { cleanup(): void }[] = [];
  afterEach(() => { open.splice(0).forEach((a) => a.close()); dirs.splice(0).forEach((d) => d.cleanup()); });
  const start = (...args: Parameters<typeof createApp>) => { const a = createApp(...args); open.push(a); return a; };
  const closeAll = () => open.splice(0).forEach((a) => a.close());
  /** A data folder whose vault is protected by `passphrase` and holds one secret. */
  const vaultDir = (passphrase: string) => {
    const t = tempDir(); dirs.push(t);
    start({ dataDir: t.dir, passphrase }).services.vault.add(actor, { name: 'k', kind: 'password', username: 'admin', secret: SECRET, passphrase: null, replace: false });
    closeAll();
    return t.dir;
  };
  const storedWrap = (dir: string) => {
    const db = new Database(path.join(dir, DB_FILE), { readonly: true });
    try {
      const row = db.prepare("SELECT salt, params FROM vault_keys WHERE kind = 'passphrase'").get() as { salt: Buffer; params: string };
      return { salt: row.salt, params: JSON.parse(row.params) as ScryptParams };
    } finally { db.close(); }
  };

  it('derives on the thread pool exactly the key scryptSync derives', async () => {
    const salt = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const params = { N: 1 << 14, r: 8, p: 1 };
    // NFC: the composed and decomposed spellings of a passphrase give one key, sync or not.
    expect((await deriveKeyAsync('caf\u0065\u0301', salt, params)).equals(deriveKey('caf\u00e9', salt, params))).toBe(true);
    expect((await deriveKeyAsync('other', salt, params)).equals(deriveKey('caf\u00e9', salt, params))).toBe(false);
  });

  it('gives the stored salt and parameters\' key, and the vault opens with it', async () => {
    const dir = vaultDir('right one');
    const pre = await prederiveVaultKey(dir, 'right one');
    const { salt, params } = storedWrap(dir);
    expect(pre).toBeDefined();
    expect(pre!.salt.equals(salt)).toBe(true);
    expect(pre!.params).toEqual(params);
    expect(pre!.key.equals(deriveKey('right one', salt, params))).toBe(true);
    const app = start({ dataDir: dir, passphrase: 'right one', vaultKey: pre });
    expect(app.services.vault.status().unlocked).toBe(true);
    expect(app.vault.reveal('k').secret).toBe(SECRET);
    // Used once and wiped: the wrapping key does not linger in memory.
    expect(pre!.key.every((b) => b === 0)).toBe(true);
  });

  it('still refuses a wrong passphrase', async () => {
    const dir = vaultDir('right one');
    const pre = await prederiveVaultKey(dir, 'wrong one');
    expect(pre).toBeDefined();
    expect(() => start({ dataDir: dir, passphrase: 'wrong one', vaultKey: pre })).toThrow(/Wrong vault passphrase/);
  });

  it('unlocks with the key it was given (not a fresh derivation), unless the stored salt changed meanwhile', async () => {
    const dir = vaultDir('right one');
    const { salt, params } = storedWrap(dir);
    // A wrong key for the right salt: the vault trusts the derivation it was handed, so it fails.
    expect(() => start({ dataDir: dir, passphrase: 'right one', vaultKey: { salt, params, key: Buffer.alloc(32) } })).toThrow(/Wrong vault passphrase/);
    // A derivation for another salt (the passphrase was changed since): ignored, derived again.
    const stale = { salt: Buffer.alloc(16, 7), params, key: Buffer.alloc(32, 1) };
    expect(start({ dataDir: dir, passphrase: 'right one', vaultKey: stale }).vault.reveal('k').secret).toBe(SECRET);
    expect(stale.key.every((b) => b === 0)).toBe(true); // unused, and wiped all the same
  });

  it('has nothing to derive without a database or a passphrase protection, and writes nothing', async () => {
    const t = tempDir(); dirs.push(t);
    expect(await prederiveVaultKey(t.dir, 'pp')).toBeUndefined();
    expect(fs.readdirSync(t.dir)).toEqual([]);
    start({ dataDir: t.dir }); // a store without a vault key yet
    closeAll();
    const dbFile = path.join(t.dir, DB_FILE);
    const before = { bytes: fs.readFileSync(dbFile), mtime: fs.statSync(dbFile).mtimeMs };
    expect(await prederiveVaultKey(t.dir, 'pp')).toBeUndefined();
    // The database is only read (SQLite's WAL index files aside, which a reader of a WAL database
    // may create empty; the store's own connection creates them anyway).
    expect(fs.readFileSync(dbFile).equals(before.bytes)).toBe(true);
    expect(fs.statSync(dbFile).mtimeMs).toBe(before.mtime);
    for (const f of fs.readdirSync(t.dir).filter((x) => x !== DB_FILE)) expect(f).toMatch(/^clusterdeck\.db-(wal|shm)$/);
    if (fs.existsSync(`${dbFile}-wal`)) expect(fs.statSync(`${dbFile}-wal`).size).toBe(0);
  });
});
