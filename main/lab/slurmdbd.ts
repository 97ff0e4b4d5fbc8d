// Slurm accounting for the lab: a private MariaDB and slurmdbd in the lab Slurm's state folder,
// both on 127.0.0.1 ports picked at start, started and stopped by pid like every lab peer (never
// the system's mariadb service or /etc/mysql). MariaDB is made small so it starts in about a
// second on two cores: a 4 MB redo log, a 16 MB buffer pool, no performance schema.
//
// slurmdbd reads slurmdbd.conf from the folder of $SLURM_CONF, so it lives beside slurm.conf.
// It must be mode 0600 and owned by SlurmUser (root here): it holds the database password.

import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { AppError } from '../../shared/errors';

const execFileP = promisify(execFile);

export const MARIADBD = '/usr/sbin/mariadbd';
export const MARIADB_INSTALL_DB = '/usr/bin/mariadb-install-db';
export const MARIADB_CLIENT = '/usr/bin/mariadb';
export const SLURMDBD = '/usr/sbin/slurmdbd';

/** Both programs are installed (Debian: slurmdbd, mariadb-server). */
export function accountingInstalled(): boolean {
  return [MARIADBD, MARIADB_INSTALL_DB, MARIADB_CLIENT, SLURMDBD].every((p) => existsSync(p));
}

/** What is missing, for the message that says why the lab runs without accounting. */
export function accountingMissing(): string[] {
  return [MARIADBD, MARIADB_INSTALL_DB, MARIADB_CLIENT, SLURMDBD].filter((p) => !existsSync(p));
}

const SMALL = [
  '--innodb-log-file-size=4M', '--innodb-buffer-pool-size=16M', '--skip-name-resolve', '--performance-schema=OFF',
  // A throwaway database: no fsync (a crash loses the lab's accounting, nothing else).
  '--innodb-flush-method=nosync', '--innodb-flush-log-at-trx-commit=0', '--innodb-doublewrite=0', '--sync-frm=0',
];

export interface DbPaths {
  dataDir: string;
  socket: string;
  pidFile: string;
  errorLog: string;
}

export function dbPaths(dir: string): DbPaths {
  return {
    dataDir: join(dir, 'mariadb', 'data'),
    socket: join(dir, 'mariadb', 'mariadb.sock'),
    pidFile: join(dir, 'mariadb', 'mariadbd.pid'),
    errorLog: join(dir, 'log', 'mariadbd.err'),
  };
}

/**
 * The system tables: copied from a seed folder made once per machine and MariaDB build (in the
 * temp folder), because mariadb-install-db takes seconds on a busy two-core machine and a copy of
 * a cleanly shut-down data folder takes milliseconds. A folder that already has them (a
 * restarted lab) is kept.
 */
export async function initDatabase(p: DbPaths, timeoutMs: number): Promise<void> {
  if (existsSync(join(p.dataDir, 'mysql'))) return;
  const seed = join(tmpdir(), `clusterdeck-mariadb-seed-${process.getuid?.() ?? 0}-${Math.floor(statSync(MARIADBD).mtimeMs)}`);
  if (!existsSync(join(seed, 'mysql'))) {
    const work = `${seed}.${process.pid}.${randomBytes(4).toString('hex')}`;
    try {
      await installDb(work, timeoutMs);
      // Another process may have made the seed meanwhile: then keep theirs.
      try {
        renameSync(work, seed);
      } catch {
        /* theirs is as good */
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  mkdirSync(join(p.dataDir, '..'), { recursive: true });
  cpSync(seed, p.dataDir, { recursive: true });
  chmodSync(p.dataDir, 0o700);
}

async function installDb(dataDir: string, timeoutMs: number): Promise<void> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    await execFileP(MARIADB_INSTALL_DB, ['--no-defaults', `--datadir=${dataDir}`, '--user=root', '--auth-root-authentication-method=socket', '--skip-test-db', ...SMALL], { timeout: timeoutMs });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    const why = (e.stderr ?? '').trim().split('\n').filter(Boolean).pop() ?? e.message;
    throw new AppError('LAB_SLURM_START_FAILED', `mariadb-install-db failed in ${dataDir}: ${why}`, { log: dataDir });
  }
}

/** mariadbd's arguments: loopback TCP for slurmdbd, a unix socket in the state folder for set-up. */
export function mariadbdArgs(p: DbPaths, port: number): string[] {
  return ['--no-defaults', `--datadir=${p.dataDir}`, `--socket=${p.socket}`, `--port=${port}`, '--bind-address=127.0.0.1', `--pid-file=${p.pidFile}`, `--log-error=${p.errorLog}`, '--user=root', ...SMALL];
}

/** The slurm database user, with a password made for this lab (kept only in slurmdbd.conf). */
export async function createSlurmUser(p: DbPaths, password: string, timeoutMs: number): Promise<void> {
  const sql = [
    `CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '${password}'`,
    `ALTER USER 'slurm'@'127.0.0.1' IDENTIFIED BY '${password}'`,
    "GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1'",
  ].join(';\n');
  try {
    await execFileP(MARIADB_CLIENT, ['--no-defaults', `--socket=${p.socket}`, '-uroot', '-e', sql], { timeout: timeoutMs });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new AppError('LAB_SLURM_START_FAILED', `could not create the slurm database user: ${(e.stderr ?? e.message).trim()}`, { log: p.errorLog });
  }
}

/** A password of hex digits only, so it needs no quoting in SQL or slurmdbd.conf. */
export const newDbPassword = (): string => randomBytes(16).toString('hex');

export function slurmdbdConf(dir: string, p: { dbd: number; db: number; password: string }): string {
  return [
    '# ClusterDeck lab slurmdbd (written by main/lab/slurmdbd.ts)',
    'AuthType=auth/munge',
    `AuthInfo=socket=${join(dir, 'munge', 'munge.socket')}`,
    'DbdHost=localhost',
    'DbdAddr=127.0.0.1',
    `DbdPort=${p.dbd}`,
    'SlurmUser=root',
    `LogFile=${join(dir, 'log', 'slurmdbd.log')}`,
    `PidFile=${join(dir, 'slurmdbd.pid')}`,
    'StorageType=accounting_storage/mysql',
    'StorageHost=127.0.0.1',
    `StoragePort=${p.db}`,
    'StorageUser=slurm',
    `StoragePass=${p.password}`,
    'StorageLoc=slurm_acct_db',
    '',
  ].join('\n');
}

/** slurm.conf lines that send job records to the lab's slurmdbd. */
export function accountingConfLines(dir: string, dbdPort: number): string[] {
  return [
    'AccountingStorageType=accounting_storage/slurmdbd',
    'AccountingStorageHost=127.0.0.1',
    `AccountingStoragePort=${dbdPort}`,
    // For slurmdbd connections AccountingStoragePass names munge's socket (ours is not the default).
    `AccountingStoragePass=${join(dir, 'munge', 'munge.socket')}`,
  ];
}

export function writeSlurmdbdConf(dir: string, text: string): void {
  writeFileSync(join(dir, 'slurmdbd.conf'), text, { mode: 0o600 });
}
