// What a Kubernetes job books, read from the object a watch or listing delivers: when it ran
// (status) and how many devices its replicas hold (the pod templates' limits). Per-user usage on
// Kubernetes is built from these, since the API server keeps no accounting of its own.
//
// - Kubeflow (PyTorchJob, MPIJob, TFJob) and batch/v1 Job: status.startTime (set when the
//   controller starts the job's pods) and status.completionTime (set when it succeeded or failed).
// - Volcano Job: no startTime field; the first `Running` entry of status.conditions (Volcano
//   appends one per phase, with its lastTransitionTime), else state.lastTransitionTime while the
//   phase is Running; the end is the time of the first finished phase.

import type { JobKind } from './kinds';

export interface RunTimes {
  /** ISO times as the cluster wrote them; null when not (yet) known. */
  start: string | null;
  end: string | null;
}

interface Condition { type?: string; status?: string; lastTransitionTime?: string }
interface Status {
  startTime?: string;
  completionTime?: string;
  conditions?: Condition[];
  state?: { phase?: string; lastTransitionTime?: string };
}

const VOLCANO_DONE = new Set(['Completed', 'Failed', 'Terminated', 'Aborted']);
const KUBEFLOW_DONE = new Set(['Succeeded', 'Failed']);

const iso = (v: unknown): string | null => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? v : null);

export function runTimes(kind: JobKind, object: unknown): RunTimes {
  const status = ((object as { status?: Status } | null)?.status ?? {}) as Status;
  if (kind === 'VolcanoJob') {
    const conds = status.conditions ?? [];
    const phase = status.state?.phase;
    const start = iso(conds.find((c) => c.status === 'Running')?.lastTransitionTime) ?? (phase === 'Running' ? iso(status.state?.lastTransitionTime) : null);
    const end = iso(conds.find((c) => VOLCANO_DONE.has(c.status ?? ''))?.lastTransitionTime) ?? (phase && VOLCANO_DONE.has(phase) ? iso(status.state?.lastTransitionTime) : null);
    return { start, end: start ? end : null };
  }
  const start = iso(status.startTime);
  let end = iso(status.completionTime);
  if (!end && kind !== 'Job') {
    // Kubeflow sets completionTime on success; a failed job may only have its Failed condition.
    end = iso((status.conditions ?? []).find((c) => c.status === 'True' && KUBEFLOW_DONE.has(c.type ?? ''))?.lastTransitionTime);
  }
  if (!end && kind === 'Job') end = iso((status.conditions ?? []).find((c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed'))?.lastTransitionTime);
  return { start, end: start ? end : null };
}

type PodTemplate = { spec?: { containers?: Array<{ resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> } }> } };

/** Replica count and pod template of each role of a job (one entry for a plain Job). */
function replicas(kind: JobKind, spec: Record<string, unknown>): Array<{ count: number; template: PodTemplate | undefined }> {
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : d);
  if (kind === 'PyTorchJob' || kind === 'MPIJob' || kind === 'TFJob') {
    const specs = (spec.pytorchReplicaSpecs ?? spec.mpiReplicaSpecs ?? spec.tfReplicaSpecs ?? {}) as Record<string, { replicas?: unknown; template?: PodTemplate }>;
    return Object.values(specs).map((s) => ({ count: num(s?.replicas, 1), template: s?.template }));
  }
  if (kind === 'Job') return [{ count: num(spec.parallelism, 1), template: spec.template as PodTemplate | undefined }];
  const tasks = (spec.tasks ?? []) as Array<{ replicas?: unknown; template?: PodTemplate }>;
  return tasks.map((t) => ({ count: num(t?.replicas, 1), template: t?.template }));
}

/** A resource quantity as a number of units: "2", "500m" → 0.5, "1.5". Devices are whole numbers. */
function units(v: unknown): number {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(String(v ?? '').trim());
  if (!m) return 0;
  return m[2] === 'm' ? Number(m[1]) / 1000 : Number(m[1]);
}

/**
 * Devices the job holds while all its replicas run, by type as the usage table names them: GPUs
 * ("gpu" for nvidia.com/gpu, "gpu:<vendor>" for others such as amd.com/gpu), else CPUs (limits, or
 * requests where a container has no limit), so a CPU-only job still books something.
 */
export function jobDevices(kind: JobKind, object: unknown): Record<string, number> {
  const spec = ((object as { spec?: Record<string, unknown> } | null)?.spec ?? {}) as Record<string, unknown>;
  const gpus: Record<string, number> = {};
  let cpus = 0;
  for (const r of replicas(kind, spec)) {
    for (const c of r.template?.spec?.containers ?? []) {
      const limits = c.resources?.limits ?? {};
      for (const [name, q] of Object.entries(limits)) {
        if (!/(^|\/)gpu$/.test(name)) continue;
        const type = name === 'nvidia.com/gpu' ? 'gpu' : `gpu:${name.replace(/\/gpu$/, '')}`;
        gpus[type] = (gpus[type] ?? 0) + Math.round(units(q)) * r.count;
      }
      cpus += units(limits.cpu ?? c.resources?.requests?.cpu) * r.count;
    }
  }
  for (const k of Object.keys(gpus)) if (gpus[k] <= 0) delete gpus[k];
  if (Object.keys(gpus).length > 0) return gpus;
  return cpus > 0 ? { cpu: Math.round(cpus * 1000) / 1000 } : {};
}
