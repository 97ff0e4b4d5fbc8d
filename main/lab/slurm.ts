// A single-node Slurm 22.05 on 127.0.0.1 from Debian's packages (munge, slurmctld, slurmd,
// slurmrestd with JWT), in its own state folder with its own ports, stopped by pid.
//
// What runs here (as root, no cgroups, no systemd): proctrack/linuxproc, task/none,
// jobcomp/filetxt, select/cons_tres with CR_Core, MpiDefault=none. With `accounting` (and the
// slurmdbd and mariadb-server packages installed) a private MariaDB and slurmdbd run too
// (main/lab/slurmdbd.ts), with jobacct_gather/linux so sacct has each job's CPU time; without
// them sacct has no data, and finished jobs stay in slurmctld for MinJobAge and in the jobcomp
// text file. slurmrestd refuses to run as root, so it runs with `-u nobody` and
// authenticates every request by the caller's JWT (`scontrol token`), passed through to
// slurmctld, which checks it with the HS256 key in the state folder.

import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { AppError } from '../../shared/errors';
import { pickFreePorts, portOwners } from './ports';
import { abortError, identify, sleep, spawnDetached, stopProcesses, type PidRecord, type Spawned, type StopResult } from './procs';
import {
  MARIADBD, SLURMDBD, accountingConfLines, accountingInstalled, accountingMissing, createSlurmUser, dbPaths, initDatabase,
  mariadbdArgs, newDbPassword, slurmdbdConf, writeSlurmdbdConf,
} from './slurmdbd';

const execFileP = promisify(execFile);

export const MUNGED = '/usr/sbin/munged';
export const SLURMCTLD = '/usr/sbin/slurmctld';
export const SLURMD = '/usr/sbin/slurmd';
export const SLURMRESTD = '/usr/sbin/slurmrestd';
export const SLURM_FILE = 'slurm.json';

export interface SlurmLab {
  dir: string;
  /** Path of slurm.conf; client commands need SLURM_CONF set to it. */
  confPath: string;
  /** Environment for sbatch/squeue/scontrol against this cluster. */
  env: Record<string, string>;
  partition: string;
  nodeName: string;
  /** Folder jobs may write their output to (readable by the caller). */
  workDir: string;
  ctldPort: number;
  slurmdPort: number;
  /** "http://127.0.0.1:PORT" when slurmrestd runs, else undefined. */
  restUrl?: string;
  /** User name REST requests authenticate as (the lab runs as root). */
  user: string;
  /** Where finished jobs are recorded: slurmdbd (sacct works) or only the jobcomp text file. */
  accounting: 'slurmdbd' | 'jobcomp';
  /** Why accounting is jobcomp only, when it was asked for (e.g. the packages are missing). */
  accountingNote?: string;
  pids: PidRecord[];
  /** A fresh JWT for `user` (a secret: never log it). */
  token(lifespanSeconds?: number): Promise<string>;
  stop(): Promise<StopResult>;
}

export interface StartSlurmOptions {
  stateDir: string;
  /** Sub-folder of stateDir. Default "slurm". */
  name?: string;
  /** Start slurmrestd too (default true). */
  rest?: boolean;
  /**
   * Run slurmdbd with a private MariaDB, so sacct answers (about 2 s more at start).
   * 'auto': when the packages are installed. Default false: most tests need no accounting.
   */
  accounting?: boolean | 'auto';
  timeoutMs?: number;
  signal?: AbortSignal;
}

interface SlurmFile {
  version: 1;
  dir: string;
  confPath: string;
  ctldPort: number;
  slurmdPort: number;
  restPort?: number;
  restConfDir?: string;
  dbdPort?: number;
  dbPort?: number;
  pids: PidRecord[];
}

export const CLUSTER_NAME = 'cdlab';

function conf(dir: string, p: { ctld: number; slurmd: number; dbd?: number }): string {
  const cpuCount = Math.max(1, cpus().length);
  // Leave headroom: slurmd refuses to register if the configured memory exceeds the real one.
  const memMb = Math.max(256, Math.floor(totalmem() / 1024 / 1024 / 2));
  return [
    '# ClusterDeck lab Slurm (written by main/lab/slurm.ts)',
    `ClusterName=${CLUSTER_NAME}`,
    'SlurmctldHost=localhost(127.0.0.1)',
    `SlurmctldPort=${p.ctld}`,
    `SlurmdPort=${p.slurmd}`,
    'SlurmUser=root',
    'SlurmdUser=root',
    'AuthType=auth/munge',
    `AuthInfo=socket=${join(dir, 'munge', 'munge.socket')}`,
    'AuthAltTypes=auth/jwt',
    `AuthAltParameters=jwt_key=${join(dir, 'jwt_hs256.key')}`,
    `StateSaveLocation=${join(dir, 'ctld-state')}`,
    `SlurmdSpoolDir=${join(dir, 'slurmd-spool')}`,
    `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
    `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
    `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
    `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    // linux reads /proc (no cgroups): sacct gets each job's CPU time, for idle CPU-hours.
    p.dbd ? 'JobAcctGatherType=jobacct_gather/linux' : 'JobAcctGatherType=jobacct_gather/none',
    ...(p.dbd ? accountingConfLines(dir, p.dbd) : []),
    'JobCompType=jobcomp/filetxt',
    `JobCompLoc=${join(dir, 'log', 'jobcomp.txt')}`,
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core',
    'MpiDefault=none',
    'MailProg=/bin/true',
    'ReturnToService=2',
    // Debian's slurmd and slurmctld read the same file, but be explicit: one file, one hash.
    'DebugFlags=NO_CONF_HASH',
    `NodeName=localhost NodeAddr=127.0.0.1 CPUs=${cpuCount} RealMemory=${memMb} State=UNKNOWN`,
    'PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP',
    '',
  ].join('\n');
}

function writeKey(path: string, bytes: number, mode: number): void {
  if (!existsSync(path)) writeFileSync(path, randomBytes(bytes), { mode });
  chmodSync(path, mode);
}

/** Start munged, slurmctld, slurmd and (by default) slurmrestd; resolves when the node is idle. */
export async function startSlurm(opts: StartSlurmOptions): Promise<SlurmLab> {
  if (opts.signal?.aborted) throw abortError(opts.signal);
  const dir = join(resolve(opts.stateDir), opts.name ?? 'slurm');
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const fileP = join(dir, SLURM_FILE);
  const previous = readSlurmFile(dir);
  if (previous && previous.pids.some((r) => identify(r) === 'ours')) {
    throw new AppError('LAB_SLURM_RUNNING', `a lab Slurm already runs from ${dir}; stop it first`, { dir });
  }
  const wantAccounting = opts.accounting === 'auto' ? accountingInstalled() : opts.accounting === true;
  if (opts.accounting === true && !accountingInstalled()) {
    throw new AppError('LAB_SLURM_NO_ACCOUNTING', `Slurm accounting needs ${accountingMissing().join(', ')}: install the Debian packages slurmdbd and mariadb-server, or start the lab without accounting`, { missing: accountingMissing().join(', ') });
  }
  for (const sub of ['', 'munge', 'ctld-state', 'slurmd-spool', 'log', 'jobs']) mkdirSync(join(dir, sub), { recursive: true });
  // slurmrestd drops to "nobody" and must still read slurm.conf; job output folder is shared.
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'munge'), 0o711);
  chmodSync(join(dir, 'jobs'), 0o1777);
  writeKey(join(dir, 'munge.key'), 128, 0o400);
  writeKey(join(dir, 'jwt_hs256.key'), 32, 0o600);

  const [ctld, slurmd, rest, dbd, db] = await pickFreePorts('tcp', 5);
  const confPath = join(dir, 'slurm.conf');
  writeFileSync(confPath, conf(dir, { ctld, slurmd, dbd: wantAccounting ? dbd : undefined }), { mode: 0o644 });
  const env: Record<string, string> = { SLURM_CONF: confPath };
  const childEnv = { ...process.env, ...env };
  const wantRest = opts.rest ?? true;

  const state: SlurmFile = {
    version: 1, dir, confPath, ctldPort: ctld, slurmdPort: slurmd, restPort: wantRest ? rest : undefined,
    dbdPort: wantAccounting ? dbd : undefined, dbPort: wantAccounting ? db : undefined, pids: [],
  };
  const save = () => writeFileSync(fileP, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  const spawned: Spawned[] = [];
  const log = (n: string) => join(dir, 'log', `${n}.out`);
  const start = async (kind: PidRecord['kind'], file: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    const s = await spawnDetached(kind, file, args, { log: log(kind), cwd: dir, env: { ...childEnv, ...extraEnv }, what: kind });
    spawned.push(s);
    state.pids.push(s.record);
    save();
    return s;
  };
  const deadline = Date.now() + timeoutMs;
  const waitFor = async (what: string, s: Spawned, ok: () => boolean | Promise<boolean>) => {
    for (;;) {
      if (opts.signal?.aborted) throw abortError(opts.signal);
      const exit = s.exitStatus();
      if (exit) throw new AppError('LAB_SLURM_START_FAILED', `${what} exited (code ${exit.code}, signal ${exit.signal}); see ${s.record.log} and ${join(dir, 'log')}`, { log: s.record.log ?? '' });
      if (await ok()) return;
      if (Date.now() > deadline) throw new AppError('LAB_SLURM_START_FAILED', `${what} not ready within ${timeoutMs} ms; see ${s.record.log}`, { log: s.record.log ?? '' });
      await sleep(50);
    }
  };

  try {
    const socket = join(dir, 'munge', 'munge.socket');
    const munged = await start('munged', MUNGED, [
      '-F', `--key-file=${join(dir, 'munge.key')}`, `--socket=${socket}`, `--pid-file=${join(dir, 'munged.pid')}`,
      `--log-file=${join(dir, 'log', 'munged.log')}`, `--seed-file=${join(dir, 'munge.seed')}`, '--force',
    ]);
    await waitFor('munged', munged, () => existsSync(socket));
    if (wantAccounting) await startAccounting(dir, { dbd, db }, start, waitFor, Math.max(1000, deadline - Date.now()));
    const ctldP = await start('slurmctld', SLURMCTLD, ['-D', '-i', '-f', confPath]);
    await waitFor('slurmctld', ctldP, () => portOwners('tcp', [ctld], ctldP.record.pid).get(ctld) === 'pid');
    const slurmdP = await start('slurmd', SLURMD, ['-D', '-N', 'localhost', '-f', confPath]);
    await waitFor('slurmd', slurmdP, async () => (await nodeState(env)) === 'idle');
    if (wantRest) {
      // slurmrestd drops to "nobody" before reading slurm.conf, and the state folder may sit
      // under a private (0700) parent, so it reads a copy in a world-traversable temp folder.
      const restConfDir = mkdtempSync(join(tmpdir(), 'clusterdeck-slurmrestd-'));
      chmodSync(restConfDir, 0o755);
      const restConf = join(restConfDir, 'slurm.conf');
      writeFileSync(restConf, readFileSync(confPath), { mode: 0o644 });
      state.restConfDir = restConfDir;
      // SLURM_JWT=daemon: slurmrestd itself talks to slurmctld with the callers' tokens.
      const restP = await start('slurmrestd', SLURMRESTD, ['-f', restConf, '-a', 'rest_auth/jwt', '-s', wantAccounting ? 'openapi/v0.0.38,openapi/dbv0.0.38' : 'openapi/v0.0.38', '-u', 'nobody', `127.0.0.1:${rest}`], { SLURM_JWT: 'daemon' });
      await waitFor('slurmrestd', restP, () => portOwners('tcp', [rest], restP.record.pid).get(rest) === 'pid');
    }
  } catch (err) {
    await stopSlurm(dir).catch(() => undefined);
    throw err;
  }

  return {
    dir,
    confPath,
    env,
    partition: 'debug',
    nodeName: 'localhost',
    workDir: join(dir, 'jobs'),
    ctldPort: ctld,
    slurmdPort: slurmd,
    restUrl: wantRest ? `http://127.0.0.1:${rest}` : undefined,
    user: 'root',
    accounting: wantAccounting ? 'slurmdbd' : 'jobcomp',
    accountingNote: opts.accounting === 'auto' && !wantAccounting ? `no slurmdbd: ${accountingMissing().join(', ')} not installed` : undefined,
    pids: state.pids,
    token: (lifespan = 3600) => slurmToken(env, lifespan),
    stop: () => stopSlurm(dir),
  };
}

type Starter = (kind: PidRecord['kind'], file: string, args: string[], extraEnv?: NodeJS.ProcessEnv) => Promise<Spawned>;
type Waiter = (what: string, s: Spawned, ok: () => boolean | Promise<boolean>) => Promise<void>;

/**
 * MariaDB (system tables made once per state folder), its slurm user, then slurmdbd. slurmctld
 * registers its cluster with slurmdbd itself at first contact (no sacctmgr needed), and without
 * AccountingStorageEnforce jobs need no account: they are recorded under the user's name.
 */
async function startAccounting(dir: string, ports: { dbd: number; db: number }, start: Starter, waitFor: Waiter, timeoutMs: number): Promise<void> {
  const db = dbPaths(dir);
  await initDatabase(db, timeoutMs);
  const maria = await start('mariadbd', MARIADBD, mariadbdArgs(db, ports.db));
  await waitFor('mariadbd', maria, () => existsSync(db.socket) && portOwners('tcp', [ports.db], maria.record.pid).get(ports.db) === 'pid');
  const password = newDbPassword();
  await createSlurmUser(db, password, timeoutMs);
  writeSlurmdbdConf(dir, slurmdbdConf(dir, { dbd: ports.dbd, db: ports.db, password }));
  // slurmdbd has no -f: it reads slurmdbd.conf next to $SLURM_CONF.
  const dbdP = await start('slurmdbd', SLURMDBD, ['-D']);
  await waitFor('slurmdbd', dbdP, () => portOwners('tcp', [ports.dbd], dbdP.record.pid).get(ports.dbd) === 'pid');
}

/** Lowercase sinfo state of the lab node ("idle", "down*", ...), or null if slurmctld does not answer. */
async function nodeState(env: Record<string, string>): Promise<string | null> {
  try {
    const { stdout } = await execFileP('sinfo', ['-h', '-N', '-o', '%t'], { env: { ...process.env, ...env }, timeout: 5000 });
    return stdout.trim().split('\n')[0] ?? null;
  } catch {
    return null;
  }
}

/** A JWT from `scontrol token` (printed as SLURM_JWT=<token>). */
export async function slurmToken(env: Record<string, string>, lifespanSeconds = 3600): Promise<string> {
  const { stdout } = await execFileP('scontrol', ['token', `lifespan=${lifespanSeconds}`], { env: { ...process.env, ...env }, timeout: 10_000 });
  const m = /SLURM_JWT=(\S+)/.exec(stdout);
  if (!m) throw new AppError('LAB_SLURM_TOKEN', 'scontrol token printed no SLURM_JWT');
  return m[1];
}

function readSlurmFile(dir: string): SlurmFile | null {
  try {
    return JSON.parse(readFileSync(join(dir, SLURM_FILE), 'utf8')) as SlurmFile;
  } catch {
    return null;
  }
}

/** Stop the daemons recorded in <dir>/slurm.json (only pids that are still ours). */
export async function stopSlurm(dir: string): Promise<StopResult> {
  const f = readSlurmFile(dir);
  if (!f) return { stopped: [], alreadyGone: [], reused: [] };
  // Slurm's daemons first: slurmctld hands its last job records to slurmdbd as it stops, and
  // slurmdbd writes them to MariaDB; both need munged.
  const backs = new Set<PidRecord['kind']>(['slurmdbd', 'mariadbd', 'munged']);
  const first = await stopProcesses(f.pids.filter((p) => !backs.has(p.kind)));
  const dbd = await stopProcesses(f.pids.filter((p) => p.kind === 'slurmdbd'));
  const last = await stopProcesses(f.pids.filter((p) => p.kind === 'mariadbd' || p.kind === 'munged'));
  const res: StopResult = {
    stopped: [...first.stopped, ...dbd.stopped, ...last.stopped],
    alreadyGone: [...first.alreadyGone, ...dbd.alreadyGone, ...last.alreadyGone],
    reused: [...first.reused, ...dbd.reused, ...last.reused],
  };
  if (f.restConfDir) rmSync(f.restConfDir, { recursive: true, force: true });
  return res;
}
