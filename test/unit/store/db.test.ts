import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openDatabase, DB_FILE, LATEST_SCHEMA } from '../../../main/store/db';
import { tempDir } from '../../support/tmp';

describe('openDatabase', () => {
  const dirs: { cleanup(): void }[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));
  const fresh = () => { const t = tempDir(); dirs.push(t); return t.dir; };

  it('creates the folder, uses WAL and migrates to the latest schema', () => {
    const dir = path.join(fresh(), 'nested', 'data');
    const db = openDatabase(dir);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA);
    db.close();
    expect(fs.existsSync(path.join(dir, DB_FILE))).toBe(true);
  });

  it('refuses a database written by a newer ClusterDeck and leaves it untouched', () => {
    const dir = fresh();
    const raw = new Database(path.join(dir, DB_FILE));
    raw.pragma(`user_version = ${LATEST_SCHEMA + 5}`);
    raw.close();
    const before = fs.readFileSync(path.join(dir, DB_FILE));
    expect(() => openDatabase(dir)).toThrow(/newer ClusterDeck \(schema \d+; this build knows up to \d+\)/);
    expect(fs.readFileSync(path.join(dir, DB_FILE)).equals(before)).toBe(true);
  });

  it('names a data folder that cannot be written and says what to do', () => {
    // A path under a regular file can never be created, even as root (the CLI test covers a
    // read-only folder as an unprivileged user).
    const file = path.join(fresh(), 'plain-file');
    fs.writeFileSync(file, '');
    expect(() => openDatabase(path.join(file, 'data'))).toThrow(/data folder .* cannot be written .*--data-dir/);
  });
});
