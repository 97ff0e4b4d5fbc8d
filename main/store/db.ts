import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../../shared/errors';
import { LATEST_SCHEMA, migrations, type Migration } from './migrations';

export type Db = Database.Database;

export const DB_FILE = 'clusterdeck.db';

/** Opens (creating if needed) the store in `dataDir`, refusing folders it cannot write and newer schemas. */
export function openDatabase(dataDir: string, opts: { migrations?: readonly Migration[] } = {}): Db {
  ensureWritableDir(dataDir);
  const file = path.join(dataDir, DB_FILE);
  let db: Db;
  try {
    db = new Database(file);
    // Refuse a newer schema before touching the file at all (even the journal mode is a write).
    refuseNewerSchema(db, opts.migrations ?? migrations, file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    if (AppError.is(error)) throw error;
    throw new AppError('STORE_OPEN_FAILED', `Cannot open the database ${file}: ${(error as Error).message}. Check the file and folder permissions or choose another --data-dir.`, { file });
  }
  try {
    migrate(db, opts.migrations ?? migrations, file);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function refuseNewerSchema(db: Db, list: readonly Migration[], file: string): void {
  const known = list.length ? list[list.length - 1].version : 0;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > known) {
    db.close();
    throw new AppError(
      'STORE_SCHEMA_TOO_NEW',
      `${file} was written by a newer ClusterDeck (schema ${current}; this build knows up to ${known}). Upgrade ClusterDeck, or choose another data folder with --data-dir.`,
      { file, current, known },
    );
  }
}

export function migrate(db: Db, list: readonly Migration[], file = 'the database'): number {
  refuseNewerSchema(db, list, file);
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const m of list) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.up);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}

function ensureWritableDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.accessSync(dir, fs.constants.W_OK);
    const probe = path.join(dir, `.write-test-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (error) {
    throw new AppError(
      'DATA_DIR_NOT_WRITABLE',
      `The data folder ${dir} cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Fix its permissions or choose another folder with --data-dir or CLUSTERDECK_DATA_DIR.`,
      { dir },
    );
  }
}

export { LATEST_SCHEMA };

export function nowIso(): string {
  return new Date().toISOString();
}
