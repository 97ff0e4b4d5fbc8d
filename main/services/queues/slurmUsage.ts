// Per-user usage on a Slurm cluster, as Apulis's "VC User Status": devices allocated now (squeue)
// and device-hours booked over the past days (sacct). Accounting comes from slurmdbd when the
// cluster runs it; without it, from the job completion log (`sacct --completion`, JobCompType
// jobcomp/filetxt), which records finished jobs with their CPUs but no GPUs and no utilization.
import type { UsageRow } from '../../../shared/contract/schemas/queues';
import { AppError } from '../../../shared/errors';
import type { CommandResult, CommandRunner } from '../../protocols/slurm';
import { parseTres, type QueueJob } from './slurmSummary';

const ACTIVE = new Set(['RUNNING', 'PENDING', 'SUSPENDED', 'CONFIGURING', 'COMPLETING']);

function failed(what: string, r: CommandResult, where: string): AppError {
  const msg = r.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit code ${r.code}`;
  if (/Unable to contact slurm controller|Connection refused|Socket timed out/i.test(r.stderr)) {
    return new AppError('SLURM_UNREACHABLE', `${what}: the Slurm controller does not answer from ${where}: ${msg}`, { where });
  }
  return new AppError('SLURM_COMMAND_FAILED', `${what} on ${where} failed: ${msg}`, { where });
}

/** Active jobs with their allocation (squeue --json; before 21.08 a delimited format without GPUs). */
export async function activeJobs(runner: CommandRunner, signal?: AbortSignal, timeoutMs = 30_000): Promise<QueueJob[]> {
  const r = await runner.run(['squeue', '--json'], { signal, timeoutMs });
  if (r.code === 0 && r.stdout.trimStart().startsWith('{')) {
    const data = JSON.parse(r.stdout) as { jobs?: Record<string, unknown>[] };
    return (data.jobs ?? [])
      .map((j) => {
        const state = String(j.job_state ?? '').split(/[\s+]/)[0].toUpperCase();
        const tres = parseTres(String(j.tres_alloc_str ?? ''));
        const start = typeof j.start_time === 'number' && j.start_time > 0 ? j.start_time : null;
        return { id: String(j.job_id ?? ''), user: String(j.user_name ?? ''), state, partition: String(j.partition ?? ''), cpus: tres.cpus || (typeof j.cpus === 'number' ? j.cpus : 0), gpus: tres.gpus, start };
      })
      .filter((j) => ACTIVE.has(j.state));
  }
  if (r.code !== 0 && !/unrecognized option|invalid option/i.test(r.stderr)) throw failed('squeue', r, runner.where);
  const f = await runner.run(['squeue', '-h', '-t', 'PENDING,RUNNING,SUSPENDED', '-o', '%i|%u|%T|%P|%C|%S'], { signal, timeoutMs });
  if (f.code !== 0) throw failed('squeue', f, runner.where);
  return f.stdout.split('\n').filter(Boolean).map((line) => {
    const [id, user, state, partition, cpus, start] = line.split('|');
    const s = Number(start);
    return { id, user, state, partition, cpus: Number(cpus) || 0, gpus: {}, start: Number.isFinite(s) && s > 0 ? s : null };
  });
}

/** One accounted job: devices by type, and the seconds it ran inside the window. */
export interface AccountedJob {
  id: string;
  user: string;
  devices: Record<string, number>;
  start: number;
  end: number | null;
  /** CPU seconds actually used (slurmdbd with job accounting), else null. */
  cpuUsedSeconds: number | null;
}

const NO_DBD = /accounting storage is disabled|not running a supported accounting_storage plugin|slurmdbd|Problem talking to the database|Connection refused/i;

/**
 * Finished and running jobs over the last `days` days. Times come as Unix seconds
 * (SLURM_TIME_FORMAT=%s) so the login node's time zone does not matter.
 */
export async function accountedJobs(runner: CommandRunner, days: number, signal?: AbortSignal, timeoutMs = 60_000): Promise<{ source: 'slurmdbd' | 'jobcomp' | 'none'; jobs: AccountedJob[]; detail: string }> {
  const window = ['-a', '-n', '-P', '-S', `now-${days}days`, '-E', 'now'];
  // Not -X: slurmdbd keeps CPU time on the steps, and only with them does sacct sum it into the
  // job's line (with -X, TotalCPU reads 0). The step lines (JobID "N.batch", "N.0") are skipped.
  const dbd = await runner.run(['env', 'SLURM_TIME_FORMAT=%s', 'sacct', ...window, '-o', 'JobID,User,Start,End,AllocTRES,TotalCPU,State'], { signal, timeoutMs });
  if (dbd.code === 0 && !NO_DBD.test(dbd.stderr + dbd.stdout)) {
    const jobs = dbd.stdout.split('\n').filter(Boolean).map((line): AccountedJob | null => {
      const [id, user, start, end, alloc, totalCpu] = line.split('|');
      if (id.includes('.')) return null;
      const s = Number(start);
      if (!Number.isFinite(s) || s <= 0) return null; // never started
      const e = Number(end);
      const tres = parseTres(alloc);
      const devices = Object.keys(tres.gpus).length > 0 ? tres.gpus : { cpu: tres.cpus };
      return { id, user, devices, start: s, end: Number.isFinite(e) && e > 0 ? e : null, cpuUsedSeconds: Object.keys(tres.gpus).length > 0 ? null : usedCpu(totalCpu) };
    });
    return { source: 'slurmdbd', jobs: jobs.filter((j): j is AccountedJob => j !== null), detail: '' };
  }
  const dbdWhy = (dbd.stderr || dbd.stdout).trim().split('\n').pop() ?? '';
  const comp = await runner.run(['env', 'SLURM_TIME_FORMAT=%s', 'sacct', '--completion', '-X', ...window, '-o', 'JobID,User,Start,End,NCPUS,State'], { signal, timeoutMs });
  if (comp.code === 0) {
    const jobs = comp.stdout.split('\n').filter(Boolean).map((line): AccountedJob | null => {
      const [id, user, start, end, ncpus] = line.split('|');
      const s = Number(start);
      const e = Number(end);
      if (!Number.isFinite(s) || s <= 0) return null;
      return { id, user: user.replace(/\(\d+\)$/, ''), devices: { cpu: Number(ncpus) || 0 }, start: s, end: Number.isFinite(e) && e > 0 ? e : null, cpuUsedSeconds: null };
    });
    return { source: 'jobcomp', jobs: jobs.filter((j): j is AccountedJob => j !== null), detail: dbdWhy };
  }
  const compWhy = (comp.stderr || comp.stdout).trim().split('\n').pop() ?? '';
  return { source: 'none', jobs: [], detail: [dbdWhy, compWhy].filter(Boolean).join('; ') };
}

/** TotalCPU 0 means "not gathered" (jobacct_gather/none, or usage kept on the steps only), not "idle". */
function usedCpu(v: string | undefined): number | null {
  const s = cpuSeconds(v);
  return s && s > 0 ? s : null;
}

/** sacct's TotalCPU: [DD-][HH:]MM:SS[.mmm]. */
export function cpuSeconds(v: string | undefined): number | null {
  if (!v) return null;
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(v.trim());
  if (!m) return null;
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Rows per (user, device type). `active` gives what is allocated now; booked hours add the
 * accounted jobs' device-seconds inside [since, until] and, for running jobs the accounting does
 * not list (the completion log has finished jobs only), their time since they started.
 */
export function usageRows(active: QueueJob[], accounted: AccountedJob[], since: number, until: number): { rows: UsageRow[]; totals: UsageRow[] } {
  const rows = new Map<string, UsageRow & { idleKnown: boolean; cpuBooked: number }>();
  const row = (user: string, deviceType: string) => {
    const k = `${user}\u0000${deviceType}`;
    let r = rows.get(k);
    if (!r) {
      r = { user, deviceType, allocated: 0, allocatedPreemptible: null, idleNow: null, runningJobs: 0, bookedHours: 0, idleHours: null, idlePercent: null, idleKnown: false, cpuBooked: 0 };
      rows.set(k, r);
    }
    return r;
  };
  const overlap = (start: number, end: number | null) => Math.max(0, Math.min(end ?? until, until) - Math.max(start, since));
  const seen = new Set<string>();
  for (const j of accounted) {
    seen.add(j.id);
    const secs = overlap(j.start, j.end);
    for (const [type, n] of Object.entries(j.devices)) {
      if (n <= 0) continue;
      const r = row(j.user, type);
      r.bookedHours += (secs * n) / 3600;
      if (type === 'cpu' && j.cpuUsedSeconds !== null && j.end !== null) {
        // Idle CPU-hours: allocated but unused (as seff counts CPU efficiency); the whole job's share.
        const total = (j.end - j.start) * n;
        const idle = total > 0 ? Math.max(0, total - j.cpuUsedSeconds) * (secs / (j.end - j.start || 1)) : 0;
        r.idleHours = (r.idleHours ?? 0) + idle / 3600;
        r.cpuBooked += (secs * n) / 3600;
        r.idleKnown = true;
      }
    }
  }
  for (const j of active) {
    if (j.state !== 'RUNNING') continue;
    const devices = Object.keys(j.gpus).length > 0 ? j.gpus : { cpu: j.cpus };
    for (const [type, n] of Object.entries(devices)) {
      if (n <= 0) continue;
      const r = row(j.user, type);
      r.allocated += n;
      r.runningJobs += 1;
      if (!seen.has(j.id) && j.start !== null) r.bookedHours += (overlap(j.start, null) * n) / 3600;
    }
  }
  const out: UsageRow[] = [...rows.values()]
    .sort((a, b) => a.user.localeCompare(b.user) || a.deviceType.localeCompare(b.deviceType))
    .map(({ idleKnown, cpuBooked, ...r }) => ({
      ...r,
      bookedHours: round(r.bookedHours),
      idleHours: idleKnown && r.idleHours !== null ? round(r.idleHours) : null,
      idlePercent: idleKnown && r.idleHours !== null && cpuBooked > 0 ? Math.round((r.idleHours / cpuBooked) * 100) : null,
    }));
  const types = [...new Set(out.map((r) => r.deviceType))].sort();
  const totals = types.map((type) => {
    // From the unrounded figures: a sum of rounded rows (0.00 + 0.00) would lose small jobs' idle share.
    const of = [...rows.values()].filter((r) => r.deviceType === type);
    const known = of.filter((r) => r.idleKnown && r.idleHours !== null);
    const idle = known.length === 0 ? null : known.reduce((s, r) => s + (r.idleHours ?? 0), 0);
    // Idle share of the hours whose CPU use is known (as each row computes it), not of every booked hour.
    const cpuBooked = known.reduce((s, r) => s + r.cpuBooked, 0);
    return {
      user: '', deviceType: type, allocated: of.reduce((s, r) => s + r.allocated, 0), allocatedPreemptible: null, idleNow: null,
      runningJobs: of.reduce((s, r) => s + r.runningJobs, 0), bookedHours: round(of.reduce((s, r) => s + r.bookedHours, 0)),
      idleHours: idle === null ? null : round(idle), idlePercent: idle !== null && cpuBooked > 0 ? Math.round((idle / cpuBooked) * 100) : null,
    };
  });
  return { rows: out, totals };
}
