// Slurm through its commands on a login node: sbatch (script on stdin), squeue --json (22.05+,
// else a delimited format), scancel, scontrol, sinfo. Every word goes through the CommandRunner
// as one argv element, so names, paths and environment values are never shell syntax.

import { AppError } from '../../../shared/errors';
import { jobFromV38, nodeFromV38, parseOneLiner } from './parse';
import type { CommandRunner, CommandResult } from './runner';
import type { SlurmClient, SlurmControl, SlurmJob, SlurmNode, SlurmPartition, SlurmSubmit } from './types';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FORMAT_FIELDS = ['%i', '%j', '%T', '%r', '%P', '%N', '%u', '%V', '%S', '%e'];

export function sbatchArgs(job: SlurmSubmit): string[] {
  const a = ['sbatch', '--parsable', `--job-name=${job.name}`, `--chdir=${job.cwd}`];
  if (job.partition) a.push(`--partition=${job.partition}`);
  if (job.nodes) a.push(`--nodes=${job.nodes}`);
  if (job.tasksPerNode) a.push(`--ntasks-per-node=${job.tasksPerNode}`);
  if (job.gpusPerNode) a.push(`--gres=gpu:${job.gpuType ? `${job.gpuType}:` : ''}${job.gpusPerNode}`);
  if (job.output) a.push(`--output=${job.output}`);
  if (job.nice !== undefined && job.nice > 0) a.push(`--nice=${job.nice}`);
  if (job.timeLimitMin) a.push(`--time=${job.timeLimitMin}`);
  if (job.hold) a.push('--hold');
  const env = job.env ?? {};
  for (const k of Object.keys(env)) {
    if (!ENV_NAME.test(k)) throw new AppError('JOB_BAD_ENV_NAME', `environment variable name ${JSON.stringify(k)} is not a valid name (letters, digits, _)`, { name: k });
  }
  // --export=ALL keeps the login environment; values go through the environment of sbatch
  // itself (not the --export list, whose commas would split values).
  a.push('--export=ALL');
  return a;
}

function failed(what: string, r: CommandResult, where: string): AppError {
  const msg = r.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit code ${r.code}`;
  if (/invalid partition/i.test(r.stderr)) return new AppError('SLURM_NO_SUCH_PARTITION', `${what} on ${where}: ${msg} (list partitions with \`clusterdeck jobs partitions\`)`, { where });
  if (/Unable to contact slurm controller|Connection refused|Socket timed out/i.test(r.stderr)) {
    return new AppError('SLURM_UNREACHABLE', `${what}: the Slurm controller does not answer from ${where}: ${msg}`, { where });
  }
  if (/Invalid job id/i.test(r.stderr)) return new AppError('SLURM_NO_SUCH_JOB', `${what}: ${msg}`, { where });
  return new AppError('SLURM_COMMAND_FAILED', `${what} on ${where} failed: ${msg}`, { where });
}

const SACCT_FIELDS = ['JobID', 'JobName', 'State', 'Reason', 'Partition', 'NodeList', 'User', 'Submit', 'Start', 'End', 'ExitCode'];
const NO_ACCOUNTING = /accounting storage is disabled|not running a supported accounting_storage plugin/i;

/** `sacct -X -n -P -o SACCT_FIELDS` lines (SLURM_TIME_FORMAT=%s) as jobs; a job requeued twice keeps its last line. */
export function parseSacctJobs(text: string): SlurmJob[] {
  const byId = new Map<string, SlurmJob>();
  for (const line of text.split('\n').filter(Boolean)) {
    const [id, name, state, reason, partition, nodes, user, submit, start, end, exit] = line.split('|');
    const t = (s: string | undefined) => (s && /^\d+$/.test(s) && Number(s) > 0 ? Number(s) : null);
    const code = /^(\d+):\d+$/.exec(exit ?? '');
    byId.set(id, {
      id, name: name ?? '', state: (state ?? '').split(' ')[0], reason: !reason || reason === 'None' ? '' : reason, partition: partition ?? '',
      nodes: !nodes || nodes === 'None assigned' ? '' : nodes, user: user ?? '', exitCode: code ? Number(code[1]) : null,
      submitTime: t(submit), startTime: t(start), endTime: t(end), output: '',
    });
  }
  return [...byId.values()];
}

export class SlurmCli implements SlurmClient {
  readonly kind = 'slurm-cli' as const;
  constructor(
    private readonly runner: CommandRunner,
    private readonly timeoutMs = 30_000,
  ) {}

  private async run(argv: string[], signal?: AbortSignal, stdin?: string, envPrefix?: Record<string, string>): Promise<CommandResult> {
    // Environment for the job travels as `env K=V ... sbatch`, one argv word per pair.
    const full = envPrefix && Object.keys(envPrefix).length > 0 ? ['env', ...Object.entries(envPrefix).map(([k, v]) => `${k}=${v}`), ...argv] : argv;
    return this.runner.run(full, { stdin, signal, timeoutMs: this.timeoutMs });
  }

  async submit(job: SlurmSubmit, signal?: AbortSignal): Promise<{ id: string }> {
    const r = await this.run(sbatchArgs(job), signal, job.script, job.env);
    if (r.code !== 0) throw failed('sbatch', r, this.runner.where);
    const id = r.stdout.trim().split(';')[0];
    if (!/^\d+$/.test(id)) throw new AppError('SLURM_COMMAND_FAILED', `sbatch printed no job id: ${r.stdout.trim().slice(0, 200)}`);
    return { id };
  }

  async jobs(signal?: AbortSignal): Promise<SlurmJob[]> {
    const r = await this.run(['squeue', '--json'], signal);
    if (r.code === 0 && r.stdout.trimStart().startsWith('{')) {
      const data = JSON.parse(r.stdout) as { jobs?: Record<string, unknown>[] };
      return (data.jobs ?? []).map(jobFromV38);
    }
    if (r.code !== 0 && !/unrecognized option|invalid option/i.test(r.stderr)) throw failed('squeue', r, this.runner.where);
    // Before 21.08 squeue has no --json.
    const f = await this.run(['squeue', '-h', '-t', 'all', '-o', FORMAT_FIELDS.join('|')], signal);
    if (f.code !== 0) throw failed('squeue', f, this.runner.where);
    return f.stdout.split('\n').filter(Boolean).map((line) => {
      const [id, name, state, reason, partition, nodes, user, submit, start, end] = line.split('|');
      const t = (s: string) => (s && s !== 'N/A' ? Math.floor(Date.parse(s) / 1000) || null : null);
      return { id, name, state, reason: reason === 'None' ? '' : reason, partition, nodes, user, exitCode: null, submitTime: t(submit), startTime: t(start), endTime: t(end), output: '' };
    });
  }

  async accounted(ids: string[], signal?: AbortSignal): Promise<SlurmJob[]> {
    const wanted = ids.filter((id) => /^\d+$/.test(id));
    if (wanted.length === 0) return [];
    // Times as Unix seconds (the login node's time zone does not matter); -X: the allocation, not its steps.
    const r = await this.run(['env', 'SLURM_TIME_FORMAT=%s', 'sacct', '-X', '-n', '-P', '-j', wanted.join(','), '-o', SACCT_FIELDS.join(',')], signal);
    // No slurmdbd ("accounting storage is disabled"): nothing more is known, and that is not an error.
    if (r.code !== 0 || NO_ACCOUNTING.test(r.stderr)) return [];
    return parseSacctJobs(r.stdout).filter((j) => wanted.includes(j.id));
  }

  async job(id: string, signal?: AbortSignal): Promise<SlurmJob | null> {
    // squeue --json ignores -j in 22.05, so filter here.
    return (await this.jobs(signal)).find((j) => j.id === id) ?? null;
  }

  async cancel(id: string, signal?: AbortSignal): Promise<void> {
    const r = await this.run(['scancel', id], signal);
    if (r.code !== 0) throw failed(`scancel ${id}`, r, this.runner.where);
  }

  async control(id: string, action: SlurmControl, signal?: AbortSignal): Promise<void> {
    const r = await this.run(['scontrol', action, id], signal);
    if (r.code !== 0) throw failed(`scontrol ${action} ${id}`, r, this.runner.where);
  }

  async partitions(signal?: AbortSignal): Promise<SlurmPartition[]> {
    const r = await this.run(['scontrol', 'show', 'partition', '-o'], signal);
    if (r.code !== 0) throw failed('scontrol show partition', r, this.runner.where);
    return r.stdout.split('\n').filter(Boolean).map((line) => {
      const p = parseOneLiner(line);
      const n = (s?: string) => (s && /^\d+$/.test(s) ? Number(s) : null);
      return { name: p.PartitionName, state: p.State ?? '', nodes: p.Nodes ?? '', isDefault: p.Default === 'YES', totalCpus: n(p.TotalCPUs), totalNodes: n(p.TotalNodes) };
    });
  }

  async nodes(signal?: AbortSignal): Promise<SlurmNode[]> {
    const r = await this.run(['sinfo', '--json'], signal);
    if (r.code !== 0) throw failed('sinfo', r, this.runner.where);
    const data = JSON.parse(r.stdout) as { nodes?: Record<string, unknown>[] };
    return (data.nodes ?? []).map(nodeFromV38);
  }

  async ping(signal?: AbortSignal): Promise<void> {
    const r = await this.run(['scontrol', 'ping'], signal);
    if (r.code !== 0 || /DOWN/.test(r.stdout)) throw failed('scontrol ping', { ...r, stderr: r.stderr || 'Unable to contact slurm controller' }, this.runner.where);
  }
}
