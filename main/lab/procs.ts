// Detached child processes that outlive the process that started them, and a safe way to stop
// them later by pid from any process: a pid is only signalled while /proc says it is still the
// process we started (same start time, same command line), never a recycled pid.

import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { AppError } from '../../shared/errors';

export type PeerKind = 'ipmi_sim' | 'sshd' | 'serial' | 'munged' | 'slurmctld' | 'slurmd' | 'slurmrestd' | 'mariadbd' | 'slurmdbd';

export interface PidRecord {
  pid: number;
  kind: PeerKind;
  /** The command as spawned, arguments joined by single spaces. */
  cmdline: string;
  /** Field 22 of /proc/<pid>/stat (clock ticks after boot); tells a recycled pid apart. */
  startTime?: number;
  /** Where the process's stdout and stderr go. */
  log?: string;
}

export interface ProcStat {
  state: string;
  pgrp: number;
  startTime: number;
}

export function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) S ppid pgrp session ..."; comm may contain spaces and parentheses.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: rest[0], pgrp: Number(rest[2]), startTime: Number(rest[19]) };
}

/** The command line of a live process with NULs turned into spaces, or null if there is none. */
export function readCmdline(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0+$/, '').replace(/\0/g, ' ');
  } catch {
    return null;
  }
}

/** Running, i.e. present and not a zombie waiting to be reaped. */
export function isRunning(pid: number): boolean {
  const st = readStat(pid);
  return st !== null && st.state !== 'Z' && st.state !== 'X';
}

export type Identity = 'ours' | 'gone' | 'other';

/**
 * Whether `rec.pid` is still the process described by `rec`. The command line must contain the
 * recorded one (sshd rewrites its title to "sshd: <argv> [listener] ..."), and the start time
 * must be equal when one was recorded.
 */
export function identify(rec: PidRecord): Identity {
  const st = readStat(rec.pid);
  if (!st || st.state === 'Z' || st.state === 'X') return 'gone';
  if (rec.startTime !== undefined && st.startTime !== rec.startTime) return 'other';
  const cmd = readCmdline(rec.pid);
  if (cmd === null) return 'gone';
  if (cmd === rec.cmdline || (rec.cmdline.length > 0 && cmd.includes(rec.cmdline))) return 'ours';
  return 'other';
}

export interface Spawned {
  record: PidRecord;
  /** Exit status if the process has already ended (known only in the process that spawned it). */
  exitStatus(): { code: number | null; signal: NodeJS.Signals | null } | null;
}

export async function spawnDetached(
  kind: PeerKind,
  file: string,
  args: string[],
  opts: { log: string; cwd?: string; env?: NodeJS.ProcessEnv; what: string },
): Promise<Spawned> {
  const fd = openSync(opts.log, 'a', 0o600);
  let child;
  try {
    child = spawn(file, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      cwd: opts.cwd,
      env: opts.env ?? process.env,
    });
  } finally {
    closeSync(fd);
  }
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const spawnError = await new Promise<Error | null>((resolve) => {
    child.once('error', (err) => resolve(err));
    child.once('spawn', () => resolve(null));
  });
  if (spawnError || child.pid === undefined) {
    const code = (spawnError as NodeJS.ErrnoException | null)?.code;
    throw new AppError(
      code === 'ENOENT' ? 'LAB_PROGRAM_MISSING' : 'LAB_SPAWN_FAILED',
      code === 'ENOENT'
        ? `cannot start ${opts.what}: ${file} is not installed`
        : `cannot start ${opts.what} (${file}): ${spawnError?.message ?? 'no pid'}`,
      { program: file },
    );
  }
  child.on('exit', (code, signal) => {
    exit = { code, signal };
  });
  child.on('error', () => {});
  child.unref();
  const pid = child.pid;
  const record: PidRecord = { pid, kind, cmdline: [file, ...args].join(' '), log: opts.log };
  const st = readStat(pid);
  if (st) record.startTime = st.startTime;
  return { record, exitStatus: () => exit };
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export function abortError(signal: AbortSignal): AppError {
  const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted');
  return new AppError('LAB_ABORTED', `lab start aborted: ${reason}`);
}

function signalProcess(pid: number, sig: NodeJS.Signals): void {
  const st = readStat(pid);
  try {
    // Detached children lead their own process group; signalling the group also reaches what
    // they forked (chassis-control scripts, sshd's per-connection children).
    if (st && st.pgrp === pid) process.kill(-pid, sig);
    else process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let left = pids.filter(isRunning);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(25);
    left = left.filter(isRunning);
  }
  return left;
}

export interface StopResult {
  /** Pids that were ours and are now gone. */
  stopped: number[];
  /** Pids whose process had already ended (including those now reused by another process). */
  alreadyGone: number[];
  /** The subset of alreadyGone whose pid now belongs to another process, which was left alone. */
  reused: number[];
}

/**
 * SIGTERM every recorded process that is still ours, SIGKILL what is left after `graceMs`,
 * and wait until all of them have exited.
 */
export async function stopProcesses(recs: PidRecord[], graceMs = 3000): Promise<StopResult> {
  const res: StopResult = { stopped: [], alreadyGone: [], reused: [] };
  const ours: PidRecord[] = [];
  for (const rec of recs) {
    const id = identify(rec);
    if (id === 'ours') ours.push(rec);
    else {
      res.alreadyGone.push(rec.pid);
      if (id === 'other') res.reused.push(rec.pid);
    }
  }
  for (const rec of ours) signalProcess(rec.pid, 'SIGTERM');
  let left = await waitGone(
    ours.map((r) => r.pid),
    graceMs,
  );
  if (left.length > 0) {
    for (const pid of left) {
      const rec = ours.find((r) => r.pid === pid)!;
      if (identify(rec) === 'ours') signalProcess(pid, 'SIGKILL');
    }
    left = await waitGone(left, 5000);
  }
  if (left.length > 0) {
    const desc = left.map((pid) => `${pid} (${ours.find((r) => r.pid === pid)!.kind})`).join(', ');
    throw new AppError('LAB_STOP_FAILED', `processes did not exit after SIGKILL: ${desc}`, { pids: desc });
  }
  res.stopped = ours.map((r) => r.pid);
  return res;
}
