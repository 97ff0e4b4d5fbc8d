// Queues: Slurm partitions and per-user usage, Volcano queues (list, create, update, delete).
// Partitions and nodes come from the jobs service (one Slurm client per backend, not two);
// squeue's TRES and sacct run through the backend's command runner; Volcano through the
// backend's KubeClient. Changes to Volcano queues are audit-logged.
import type { QueuesService } from '../../../shared/contract/services';
import type { Actor } from '../../../shared/contract/trpc';
import type { CancelSignal } from '../../../shared/contract/signal';
import type { Backend } from '../../../shared/contract/schemas/jobs';
import type { BackendQueues, Usage, VolcanoQueue } from '../../../shared/contract/schemas/queues';
import { AppError } from '../../../shared/errors';
import type { CommandRunner } from '../../protocols/slurm';
import { toQueue, type K8sObject, type KubeClient, type Queue } from '../../protocols/kubernetes';
import type { AuditLog } from '../audit/auditLog';
import type { JobsService } from '../../../shared/contract/services';
import { summarizeNodes, summarizePartitions, type QueueJob } from './slurmSummary';
import { available } from './quantity';
import { accountedJobs, activeJobs, usageRows } from './slurmUsage';
import { kubeUsage, type KubeUsageJob } from './kubeUsage';

export interface QueuesDeps {
  jobs: Pick<JobsService, 'listBackends' | 'partitions' | 'nodes'>;
  audit: AuditLog;
  /** The command runner of a slurm-cli backend; null for slurmrestd backends. */
  slurmRunner: (b: Backend) => CommandRunner | null;
  /** The KubeClient of a kubernetes backend. */
  kube: (b: Backend) => KubeClient;
  /** What a kubernetes backend's jobs booked since an ISO time (rows brought up to date first). */
  kubeUsageJobs: (actor: Actor, b: Backend, since: string, signal?: CancelSignal) => Promise<KubeUsageJob[]>;
  timeoutMs?: number;
  now?: () => number;
}

const abortOf = (s?: CancelSignal) => s as AbortSignal | undefined;
const isKube = (b: Backend) => (b.kind as string) === 'kubernetes';

function toVolcano(q: Queue): VolcanoQueue {
  const status = (q.raw.status ?? {}) as { allocated?: Record<string, string> };
  const allocated = status.allocated && Object.keys(status.allocated).length > 0 ? { ...status.allocated } : null;
  return {
    name: q.name, weight: q.weight, reclaimable: q.reclaimable, state: q.state,
    deserved: q.deserved, guarantee: q.guarantee, capability: q.capability,
    allocated,
    available: available(q.capability, allocated),
    jobs: q.jobs,
  };
}

/** A queue object as a watch delivers it (the client's Queue mapping, from the raw object). */
export function volcanoOf(o: K8sObject): VolcanoQueue {
  return toVolcano(toQueue(o));
}

/** A missing Volcano CRD is a sentence, not a stack: "Volcano is not installed on this cluster". */
function volcanoError(b: Backend, err: unknown): unknown {
  if (AppError.is(err) && err.code === 'K8S_CRD_MISSING') {
    return new AppError('QUEUES_VOLCANO_MISSING', `Volcano is not installed on this cluster (backend ${b.name}, ${String(err.params.server ?? '')}: no scheduling.volcano.sh/v1beta1 queues); install Volcano there, or choose a backend whose cluster has it`, { backend: b.name });
  }
  return err;
}

export function createQueuesService(deps: QueuesDeps): QueuesService {
  const now = deps.now ?? (() => Date.now());
  const timeoutMs = deps.timeoutMs ?? 30_000;

  function backends(name?: string): Backend[] {
    const all = deps.jobs.listBackends();
    if (!name) return all;
    const b = all.find((x) => x.name === name);
    if (!b) throw new AppError('JOB_BACKEND_NOT_FOUND', `no backend named ${name} (backends: ${all.map((x) => x.name).join(', ') || 'none; add one with `clusterdeck backends add`'})`, { name });
    return [b];
  }

  function kubeBackend(name: string): Backend {
    const [b] = backends(name);
    if (!isKube(b)) throw new AppError('QUEUES_NOT_VOLCANO', `backend ${name} is ${b.kind}: Volcano queues live on kubernetes backends (Slurm partitions are changed with scontrol by the cluster's administrator)`, { backend: name });
    return b;
  }

  async function slurmQueues(b: Backend, signal?: CancelSignal): Promise<BackendQueues> {
    const runner = deps.slurmRunner(b);
    const [partitions, nodes, jobs] = await Promise.all([
      deps.jobs.partitions(b.name, signal),
      deps.jobs.nodes(b.name, signal),
      runner ? activeJobs(runner, abortOf(signal), timeoutMs) : Promise.resolve<QueueJob[] | null>(null),
    ]);
    return { backend: b.name, kind: 'slurm', partitions: summarizePartitions(partitions, nodes, jobs), nodes: summarizeNodes(nodes), queues: [], error: null };
  }

  async function volcanoQueues(b: Backend, signal?: CancelSignal): Promise<BackendQueues> {
    try {
      const queues = await deps.kube(b).listQueues({ signal: abortOf(signal), timeoutMs });
      return { backend: b.name, kind: 'volcano', partitions: [], nodes: [], queues: queues.map(toVolcano), error: null };
    } catch (err) {
      throw volcanoError(b, err);
    }
  }

  async function change<T>(actor: Actor, b: Backend, action: string, name: string, params: Record<string, unknown>, fn: (k: KubeClient) => Promise<T>): Promise<T> {
    const id = deps.audit.begin(actor, { module: 'queues', action, targets: `${b.name}:${name}`, params });
    try {
      const out = await fn(deps.kube(b));
      deps.audit.complete(id, 'ok');
      return out;
    } catch (err) {
      const e = volcanoError(b, err);
      deps.audit.complete(id, 'failed', (e as Error).message);
      throw e;
    }
  }

  return {
    async list(input, signal) {
      // Every backend at once; one that does not answer does not hide (or delay) the others.
      return Promise.all(backends(input.backend).map(async (b): Promise<BackendQueues> => {
        try {
          return isKube(b) ? await volcanoQueues(b, signal) : await slurmQueues(b, signal);
        } catch (err) {
          if (input.backend) throw err;
          return { backend: b.name, kind: isKube(b) ? 'volcano' : 'slurm', partitions: [], nodes: [], queues: [], error: { code: AppError.is(err) ? err.code : 'INTERNAL', message: (err as Error).message } };
        }
      }));
    },

    async usage(actor, input, signal): Promise<Usage> {
      const all = backends(input.backend);
      if (!input.backend && all.length !== 1) {
        if (all.length === 0) throw new AppError('QUEUES_NO_BACKEND', 'per-user usage comes from a backend\'s jobs and no backend is configured; add one with `clusterdeck backends add`');
        throw new AppError('JOB_BACKEND_REQUIRED', `several backends are configured (${all.map((x) => x.name).join(', ')}); choose one with --backend`);
      }
      const b = all[0];
      const until = Math.floor(now() / 1000);
      const since = until - input.days * 86400;
      const range = { since: new Date(since * 1000).toISOString(), until: new Date(until * 1000).toISOString() };
      if (isKube(b)) {
        const { rows, totals } = kubeUsage(await deps.kubeUsageJobs(actor, b, range.since, signal), since, until);
        return {
          backend: b.name, source: 'kubernetes', detail: null, ...range, rows, totals,
          note: `Past ${input.days} days of the jobs submitted from ClusterDeck to ${b.name}, per kubeconfig user (Kubernetes records no job owner and keeps no accounting): run times from each job's status (startTime/completionTime; Volcano's phase times) as watches and listings saw them, devices from its replicas' limits. Idle hours need GPU utilization, which the API server does not keep, so they are empty.`,
        };
      }
      const runner = deps.slurmRunner(b);
      if (!runner) {
        // slurmrestd v0.0.38: no sacct without slurmdbd, and no per-job TRES in this client.
        return { backend: b.name, source: 'none', detail: null, note: `backend ${b.name} is slurmrestd: per-user usage needs squeue and sacct on a login node (a slurm-cli backend to the same cluster)`, ...range, rows: [], totals: [] };
      }
      const [active, acct] = await Promise.all([activeJobs(runner, abortOf(signal), timeoutMs), accountedJobs(runner, input.days, abortOf(signal), timeoutMs)]);
      const { rows, totals } = usageRows(active, acct.jobs, since, until);
      const note =
        acct.source === 'slurmdbd'
          ? `Past ${input.days} days from Slurm accounting (slurmdbd). Idle hours are CPU-hours allocated but unused (jobs with job accounting); GPU utilization is not recorded by Slurm, so GPU idle hours are empty.`
          : acct.source === 'jobcomp'
            ? `This cluster has no accounting storage (slurmdbd)${acct.detail ? ` ("${acct.detail}")` : ''}: booked hours come from the job completion log (sacct --completion: finished jobs with their CPUs, no GPUs) plus the running jobs; idle hours need utilization data and are empty.`
            : `This cluster has no accounting storage (slurmdbd) and no job completion log${acct.detail ? ` (${acct.detail})` : ''}: booked hours count only the jobs running now; idle hours are empty.`;
      return { backend: b.name, source: acct.source, detail: acct.detail || null, note, ...range, rows, totals };
    },

    /** The backend's Volcano queues, again after every change the API server reports (a watch, not polling). */
    async *watchVolcano(input, signal) {
      const b = kubeBackend(input.backend);
      const abort = (signal as AbortSignal | undefined) ?? new AbortController().signal;
      const items = new Map<string, K8sObject>();
      let dirty = false;
      let ended = false;
      let failure: unknown = null;
      let wake: (() => void) | null = null;
      const poke = () => wake?.();
      deps.kube(b).watch('Queue', null, (e) => {
        if (e.type === 'SYNC') {
          items.clear();
          for (const o of e.items) items.set(o.metadata.name, o);
        } else if (e.type === 'DELETED') items.delete(e.object.metadata.name);
        else items.set(e.object.metadata.name, e.object);
        dirty = true;
        poke();
      }, abort).then(
        () => { ended = true; poke(); },
        (err) => { failure = volcanoError(b, err); ended = true; poke(); },
      );
      abort.addEventListener('abort', poke, { once: true });
      while (!abort.aborted) {
        if (dirty) {
          // Bursts fold into one snapshot: only the latest state is sent.
          dirty = false;
          yield [...items.values()].map(volcanoOf).sort((x, y) => x.name.localeCompare(y.name));
          continue;
        }
        if (failure) throw failure;
        if (ended) return;
        await new Promise<void>((r) => (wake = r));
        wake = null;
      }
    },

    async createVolcano(actor, input, signal) {
      const b = kubeBackend(input.backend);
      return change(actor, b, 'queue-create', input.name, { weight: input.weight, reclaimable: input.reclaimable, deserved: input.deserved, guarantee: input.guarantee, capability: input.capability }, async (k) =>
        toVolcano(await k.createQueue({ name: input.name, weight: input.weight, reclaimable: input.reclaimable, deserved: input.deserved ?? undefined, guarantee: input.guarantee ?? undefined, capability: input.capability ?? undefined }, { signal: abortOf(signal), timeoutMs })));
    },

    async updateVolcano(actor, input, signal) {
      const b = kubeBackend(input.backend);
      const { backend: _b, name, ...changes } = input;
      if (Object.values(changes).every((v) => v === undefined)) throw new AppError('INVALID_INPUT', `nothing to change in queue ${name}: give --weight, --reclaimable, --deserved, --guarantee or --capability`, { detail: 'nothing to change' });
      return change(actor, b, 'queue-update', name, changes, async (k) => toVolcano(await k.updateQueue(name, changes, { signal: abortOf(signal), timeoutMs })));
    },

    async deleteVolcano(actor, input, signal) {
      const b = kubeBackend(input.backend);
      await change(actor, b, 'queue-delete', input.name, {}, async (k) => {
        const q = await k.getQueue(input.name, { signal: abortOf(signal), timeoutMs });
        const busy = q.jobs.running + q.jobs.pending + q.jobs.inqueue;
        if (busy > 0) {
          throw new AppError('QUEUES_VOLCANO_BUSY', `queue ${input.name} still has jobs (${q.jobs.running} running, ${q.jobs.inqueue} inqueue, ${q.jobs.pending} pending); let them finish or delete them first, then delete the queue`, { name: input.name, jobs: busy });
        }
        await k.deleteQueue(input.name, { signal: abortOf(signal), timeoutMs });
      });
    },
  };
}
