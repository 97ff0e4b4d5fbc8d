// The vault's scrypt derivation (~0.1 s) started before the services are loaded: the CLI knows
// the passphrase (CLUSTERDECK_PASSPHRASE or the prompt) at start, reads the salt here and lets
// libuv's thread pool derive the key while the main thread loads modules. The key stays in
// memory; nothing is written. createVault({ prederived }) then unwraps with it.
import path from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILE } from '../../store/db';
import { deriveKeyAsync, type ScryptParams } from './crypto';
import type { PrederivedKey } from './vaultService';

/**
 * Starts deriving `passphrase`'s key for the vault in `dataDir`. Resolves to undefined when there
 * is nothing to derive ahead (no database yet, no passphrase protection) or the file cannot be
 * read now: the vault then derives as usual, and reports any real problem itself.
 */
export function prederiveVaultKey(dataDir: string, passphrase: string): Promise<PrederivedKey | undefined> {
  let row: { salt: Buffer | null; params: string } | undefined;
  try {
    const db = new Database(path.join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
    try {
      row = db.prepare("SELECT salt, params FROM vault_keys WHERE kind = 'passphrase'").get() as typeof row;
    } finally {
      db.close();
    }
  } catch {
    return Promise.resolve(undefined);
  }
  if (!row?.salt) return Promise.resolve(undefined);
  const salt = row.salt;
  let params: ScryptParams;
  try {
    params = JSON.parse(row.params) as ScryptParams;
  } catch {
    return Promise.resolve(undefined);
  }
  return deriveKeyAsync(passphrase, salt, params).then((key) => ({ salt, params, key }), () => undefined);
}
