// Slurm partitions folded into counts: nodes, CPUs and GPUs idle/allocated/down per partition.
// Partitions and nodes come from the jobs service (scontrol/sinfo or slurmrestd); GPUs and CPUs
// allocated come from the running jobs' TRES (squeue --json tres_alloc_str), when we have them.
import type { NodeSummary, PartitionSummary } from '../../../shared/contract/schemas/queues';
import type { SlurmNode, SlurmPartition } from '../../protocols/slurm';

/** A job as the queues view needs it (from squeue). */
export interface QueueJob {
  id: string;
  user: string;
  /** Slurm's base state: RUNNING, PENDING, SUSPENDED, ... */
  state: string;
  partition: string;
  cpus: number;
  /** Device type ("gpu", "gpu:a100") → count; empty when the job has no GPUs. */
  gpus: Record<string, number>;
  /** Unix seconds, null when not started. */
  start: number | null;
}

/** "cpu=2,mem=1G,node=1,billing=2,gres/gpu=4,gres/gpu:a100=4" → CPUs and GPUs by type. */
export function parseTres(tres: string): { cpus: number; gpus: Record<string, number> } {
  let cpus = 0;
  const typed: Record<string, number> = {};
  let untyped = 0;
  for (const part of tres.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const n = Number(part.slice(eq + 1));
    if (!Number.isFinite(n)) continue;
    if (key === 'cpu') cpus = n;
    else if (key === 'gres/gpu') untyped = n;
    else if (key.startsWith('gres/gpu:')) typed[`gpu:${key.slice('gres/gpu:'.length)}`] = n;
  }
  // Typed counts add up to the untyped total; keep the finer split when Slurm gives it.
  const gpus = Object.keys(typed).length > 0 ? typed : untyped > 0 ? { gpu: untyped } : {};
  return { cpus, gpus };
}

/** GPUs a node has, from its gres ("gpu:a100:4(S:0-1),gpu:t4:2" or "gpu:8"). */
export function gpusOfGres(gres: string): number {
  let total = 0;
  for (const item of gres.split(/,(?![^(]*\))/)) {
    const m = /^gpu(?::[^:(]+)?:(\d+)/.exec(item.trim());
    if (m) total += Number(m[1]);
  }
  return total;
}

export type NodeClass = 'idle' | 'allocated' | 'mixed' | 'down';

/**
 * A node's state in the four classes users count. sinfo --json reports the base state
 * ("idle", "mixed", "allocated", "down") and keeps DRAIN as a flag this client does not carry;
 * an idle node with a reason set is drained by an administrator, so it counts as down.
 */
export function classifyNode(n: Pick<SlurmNode, 'state' | 'reason'>): NodeClass {
  const s = n.state.toLowerCase();
  if (/down|drain|fail|future|not_responding|unknown|power_down|powered_down|maint/.test(s)) return 'down';
  if (/mix/.test(s)) return 'mixed';
  if (/alloc|completing/.test(s)) return 'allocated';
  if (n.reason.trim() !== '') return 'down';
  return 'idle';
}

/** Jobs null: the backend gave no per-job allocation (GPUs/CPUs allocated then come from node states only). */
export function summarizePartitions(partitions: SlurmPartition[], nodes: SlurmNode[], jobs: QueueJob[] | null): PartitionSummary[] {
  return partitions.map((p) => {
    const members = nodes.filter((n) => n.partitions.includes(p.name));
    const cls = members.map((n) => ({ n, c: classifyNode(n) }));
    const count = (c: NodeClass) => cls.filter((x) => x.c === c).length;
    const cpuTotal = members.reduce((s, n) => s + n.cpus, 0);
    const cpuDown = cls.filter((x) => x.c === 'down').reduce((s, x) => s + x.n.cpus, 0);
    const gpuTotal = members.reduce((s, n) => s + gpusOfGres(n.gres), 0);
    const gpuDown = cls.filter((x) => x.c === 'down').reduce((s, x) => s + gpusOfGres(x.n.gres), 0);
    const running = jobs?.filter((j) => j.partition === p.name && j.state === 'RUNNING') ?? null;
    // Without jobs, a fully allocated node's CPUs are all in use; a mixed node's share is unknown.
    const cpuAlloc = running ? running.reduce((s, j) => s + j.cpus, 0) : cls.filter((x) => x.c === 'allocated').reduce((s, x) => s + x.n.cpus, 0);
    const gpuAlloc = running ? running.reduce((s, j) => s + Object.values(j.gpus).reduce((a, b) => a + b, 0), 0) : null;
    return {
      name: p.name,
      state: p.state,
      isDefault: p.isDefault,
      nodeList: p.nodes,
      nodes: { total: members.length, idle: count('idle'), allocated: count('allocated') + count('mixed'), mixed: count('mixed'), down: count('down') },
      cpus: { total: cpuTotal, allocated: cpuAlloc, down: cpuDown, idle: Math.max(0, cpuTotal - cpuDown - cpuAlloc) },
      gpus: { total: gpuTotal, allocated: gpuAlloc, down: gpuDown, idle: gpuAlloc === null ? null : Math.max(0, gpuTotal - gpuDown - gpuAlloc) },
      runningJobs: running ? running.length : null,
      pendingJobs: jobs ? jobs.filter((j) => j.partition === p.name && j.state === 'PENDING').length : null,
    };
  });
}

export function summarizeNodes(nodes: SlurmNode[]): NodeSummary[] {
  return nodes.map((n) => ({ name: n.name, status: classifyNode(n), state: n.state, partitions: n.partitions, cpus: n.cpus, gpus: gpusOfGres(n.gres), reason: n.reason }));
}
