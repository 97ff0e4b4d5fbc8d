// `clusterdeck queues ...`: Slurm partitions and Volcano queues, per-user usage, and Volcano queue
// create/update/rm on kubernetes backends.
import type { Command } from 'commander';
import type { CliSession } from '../session';
import { printJson, printLines, printTable } from '../output';
import { CliExit, EXIT_SOME_FAILED } from '../exitCodes';
import { AppError } from '../../../../shared/errors';
import type { BackendQueues, Usage, VolcanoQueue } from '../../../../shared/contract/schemas/queues';

/** "cpu=8,memory=64Gi,nvidia.com/gpu=4" → a resource list; "none" → null (remove the quota). */
export function parseQuota(option: string, text: string): Record<string, string> | null {
  if (text.trim() === 'none') return null;
  const out: Record<string, string> = {};
  for (const pair of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq === pair.length - 1) throw new AppError('INVALID_INPUT', `--${option} ${JSON.stringify(pair)} is not resource=quantity (e.g. --${option} cpu=8,memory=64Gi,nvidia.com/gpu=4, or none to remove it)`, { detail: `--${option}` });
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  if (Object.keys(out).length === 0) throw new AppError('INVALID_INPUT', `--${option} is empty: give resource=quantity pairs, or none`, { detail: `--${option}` });
  return out;
}

const rl = (r: Record<string, string> | null) => (r ? Object.entries(r).map(([k, v]) => `${k}=${v}`).join(',') : '-');
const n = (v: number | null) => (v === null ? '?' : v);

function printQueues(list: BackendQueues[]): void {
  const blocks: string[] = [];
  for (const b of list) {
    if (list.length > 1) process.stdout.write(`${blocks.length ? '\n' : ''}== ${b.backend} (${b.kind})\n`);
    blocks.push(b.backend);
    if (b.error) {
      process.stdout.write(`error: ${b.error.message}\n`);
      continue;
    }
    if (b.kind === 'slurm') {
      printTable(
        ['PARTITION', 'STATE', 'NODES', 'IDLE', 'ALLOC', 'DOWN', 'CPUS', 'CPU IDLE', 'CPU ALLOC', 'GPUS', 'GPU IDLE', 'GPU ALLOC', 'GPU DOWN', 'RUNNING', 'PENDING', 'NODELIST'],
        b.partitions.map((p) => [`${p.name}${p.isDefault ? '*' : ''}`, p.state, p.nodes.total, p.nodes.idle, p.nodes.allocated, p.nodes.down, p.cpus.total, p.cpus.idle, p.cpus.allocated, p.gpus.total, n(p.gpus.idle), n(p.gpus.allocated), p.gpus.down, n(p.runningJobs), n(p.pendingJobs), p.nodeList]),
      );
    } else {
      printTable(
        ['QUEUE', 'STATE', 'WEIGHT', 'RECLAIMABLE', 'DESERVED', 'GUARANTEE', 'CAPABILITY', 'ALLOCATED', 'AVAILABLE', 'RUNNING', 'INQUEUE', 'PENDING'],
        b.queues.map((q) => [q.name, q.state, q.weight, q.reclaimable ? 'yes' : 'no', rl(q.deserved), rl(q.guarantee), rl(q.capability), rl(q.allocated), rl(q.available), q.jobs.running, q.jobs.inqueue, q.jobs.pending]),
      );
    }
  }
}

function printUsage(u: Usage): void {
  const h = (v: number | null) => (v === null ? '-' : v.toFixed(2));
  const pct = (v: number | null) => (v === null ? '-' : `${v}%`);
  printTable(
    ['USER', 'DEVICE', 'ALLOCATED', 'PREEMPTIBLE', 'IDLE NOW', 'RUNNING', 'BOOKED H', 'IDLE H', 'IDLE %'],
    [...u.rows, ...u.totals.map((t) => ({ ...t, user: 'Total' }))].map((r) => [r.user, r.deviceType, r.allocated, r.allocatedPreemptible ?? '-', r.idleNow ?? '-', r.runningJobs, h(r.bookedHours), h(r.idleHours), pct(r.idlePercent)]),
  );
  process.stderr.write(`${u.backend}, ${u.since} to ${u.until} (source: ${u.source}). ${u.note}\n`);
}

function printQueue(q: VolcanoQueue): void {
  printLines([
    `queue ${q.name}: ${q.state}, weight ${q.weight}, reclaimable ${q.reclaimable ? 'yes' : 'no'}`,
    `deserved ${rl(q.deserved)}; guarantee ${rl(q.guarantee)}; capability ${rl(q.capability)}`,
  ]);
}

interface QuotaOpts { weight?: string; reclaimable?: boolean; deserved?: string; guarantee?: string; capability?: string; json?: boolean; backend: string }

/** Kubernetes object names (DNS-1123 label), checked here so the message is one sentence. */
function queueName(name: string): string {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) {
    throw new AppError('INVALID_INPUT', `queue name ${JSON.stringify(name)} is not valid: use lowercase letters, digits and "-" (at most 63), starting and ending with a letter or digit`, { detail: 'name' });
  }
  return name;
}

function weightOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new AppError('INVALID_INPUT', `--weight ${JSON.stringify(v)} must be a whole number of at least 1`, { detail: '--weight' });
  return Number(v);
}

const withQuotaOptions = (c: Command) =>
  c.requiredOption('--backend <name>', 'a kubernetes backend (Volcano)')
    .option('--weight <n>', 'share of the cluster against other queues (1 or more)')
    .option('--reclaimable', 'other queues may borrow its idle share and are reclaimed from')
    .option('--no-reclaimable', 'what it lends is not taken back')
    .option('--deserved <list>', 'deserved share when the cluster is full: cpu=8,memory=64Gi,nvidia.com/gpu=4 (none removes it)')
    .option('--guarantee <list>', 'reserved for the queue whatever else runs (same form)')
    .option('--capability <list>', 'the most the queue may use (same form)')
    .option('--json', 'JSON output');

export function registerQueues(program: Command, session: () => CliSession): void {
  const queues = program.command('queues').description('Slurm partitions and Volcano queues: capacity, use, per-user usage; create/update/rm Volcano queues');

  queues.command('list').description('partitions (nodes, CPUs, GPUs idle/allocated/down) and Volcano queues of every backend, or one')
    .option('--backend <name>', 'only this backend').option('--json', 'JSON output')
    .action(async (o: { backend?: string; json?: boolean }) => {
      const list = await (await session().caller()).queues.list({ backend: o.backend });
      if (o.json) printJson(list);
      else printQueues(list);
      if (list.some((b) => b.error)) throw new CliExit(EXIT_SOME_FAILED, `${list.filter((b) => b.error).map((b) => b.backend).join(', ')} did not answer`);
    });

  queues.command('usage').description('per-user usage of a backend: allocated now, booked and idle device-hours (past 30 days); Slurm from its accounting, Kubernetes from the jobs ClusterDeck submitted')
    .option('--backend <name>', 'the backend (needed when there are several)').option('--days <n>', 'days to look back', '30').option('--json', 'JSON output')
    .action(async (o: { backend?: string; days: string; json?: boolean }) => {
      if (!/^\d+$/.test(o.days)) throw new AppError('INVALID_INPUT', `--days ${JSON.stringify(o.days)} must be a whole number of days (1-366)`, { detail: '--days' });
      const u = await (await session().caller()).queues.usage({ backend: o.backend, days: Number(o.days) });
      if (o.json) printJson(u);
      else printUsage(u);
    });

  withQuotaOptions(queues.command('create <name>').description('create a Volcano queue'))
    .action(async (name: string, o: QuotaOpts) => {
      const q = await (await session().caller(true)).queues.create({
        backend: o.backend, name: queueName(name), weight: weightOf(o.weight), reclaimable: o.reclaimable,
        deserved: o.deserved ? parseQuota('deserved', o.deserved) : null,
        guarantee: o.guarantee ? parseQuota('guarantee', o.guarantee) : null,
        capability: o.capability ? parseQuota('capability', o.capability) : null,
      });
      if (o.json) printJson(q);
      else printQueue(q);
    });

  withQuotaOptions(queues.command('update <name>').description('change a Volcano queue (options left out stay as they are; none removes a quota)'))
    .action(async (name: string, o: QuotaOpts, cmd: Command) => {
      // --reclaimable/--no-reclaimable default to true; only a flag given on the line changes it.
      const given = cmd.getOptionValueSource('reclaimable') === 'cli';
      const q = await (await session().caller(true)).queues.update({
        backend: o.backend, name: queueName(name), weight: weightOf(o.weight), reclaimable: given ? o.reclaimable : undefined,
        deserved: o.deserved !== undefined ? parseQuota('deserved', o.deserved) : undefined,
        guarantee: o.guarantee !== undefined ? parseQuota('guarantee', o.guarantee) : undefined,
        capability: o.capability !== undefined ? parseQuota('capability', o.capability) : undefined,
      });
      if (o.json) printJson(q);
      else printQueue(q);
    });

  queues.command('rm <name>').description('delete a Volcano queue (refused while it has jobs)').requiredOption('--backend <name>', 'a kubernetes backend (Volcano)')
    .action(async (name: string, o: { backend: string }) => {
      await (await session().caller(true)).queues.remove({ backend: o.backend, name: queueName(name) });
      process.stdout.write(`queue ${name} deleted from ${o.backend}\n`);
    });
}
