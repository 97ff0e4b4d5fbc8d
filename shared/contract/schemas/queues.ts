import { z } from 'zod';

// Queues: Slurm partitions (nodes, CPUs and GPUs idle/allocated/down), per-user usage (allocated
// now, booked and idle hours over the past month, as Apulis's "VC User Status"), and Volcano
// queues (scheduling.volcano.sh/v1beta1) with their quotas, which can be created, changed, deleted.

export const BackendRef = z.object({ backend: z.string().max(128).optional() });

const Count3 = z.object({ total: z.number(), idle: z.number(), allocated: z.number(), down: z.number() });

export const PartitionSummary = z.object({
  name: z.string(),
  state: z.string(),
  isDefault: z.boolean(),
  /** Node names as Slurm folds them ("gpu[001-008]"). */
  nodeList: z.string(),
  /** Mixed nodes (some CPUs allocated) count as allocated here and in `mixed`. */
  nodes: Count3.extend({ mixed: z.number() }),
  cpus: Count3,
  /** allocated is null when the backend cannot say (slurmrestd backends: no per-job TRES here). */
  gpus: z.object({ total: z.number(), idle: z.number().nullable(), allocated: z.number().nullable(), down: z.number() }),
  runningJobs: z.number().nullable(),
  pendingJobs: z.number().nullable(),
});
export type PartitionSummary = z.infer<typeof PartitionSummary>;

/** A physical node as the queues view shows it (Apulis "Physical Cluster Node Status"). */
export const NodeSummary = z.object({
  name: z.string(),
  /** idle, allocated, mixed or down (drained and not responding count as down). */
  status: z.enum(['idle', 'allocated', 'mixed', 'down']),
  /** Slurm's own state word. */
  state: z.string(),
  partitions: z.array(z.string()),
  cpus: z.number(),
  gpus: z.number(),
  reason: z.string(),
});
export type NodeSummary = z.infer<typeof NodeSummary>;

export const ResourceList = z.record(z.string(), z.string());

export const VolcanoQueue = z.object({
  name: z.string(),
  weight: z.number(),
  reclaimable: z.boolean(),
  /** Open, Closed, Closing, Unknown. */
  state: z.string(),
  deserved: ResourceList.nullable(),
  guarantee: ResourceList.nullable(),
  capability: ResourceList.nullable(),
  /** status.allocated as Volcano's controller reports it (null when it reports none). */
  allocated: ResourceList.nullable(),
  /** capability − allocated, per resource of the capability (null without a capability). */
  available: ResourceList.nullable(),
  jobs: z.object({ pending: z.number(), inqueue: z.number(), running: z.number() }),
});
export type VolcanoQueue = z.infer<typeof VolcanoQueue>;

/** One backend's queues; `error` instead of data when that backend did not answer. */
export const BackendQueues = z.object({
  backend: z.string(),
  kind: z.enum(['slurm', 'volcano']),
  partitions: z.array(PartitionSummary),
  nodes: z.array(NodeSummary),
  queues: z.array(VolcanoQueue),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type BackendQueues = z.infer<typeof BackendQueues>;

/** Where the usage figures came from (kubernetes: the jobs ClusterDeck submitted, as their status said). */
export const USAGE_SOURCES = ['slurmdbd', 'jobcomp', 'none', 'kubernetes'] as const;

export const UsageRow = z.object({
  user: z.string(),
  /** "gpu", "gpu:a100" or "cpu" (jobs without GPUs count their CPUs). */
  deviceType: z.string(),
  allocated: z.number(),
  /** null: the backend does not say which allocations are preemptible / idle. */
  allocatedPreemptible: z.number().nullable(),
  idleNow: z.number().nullable(),
  runningJobs: z.number(),
  bookedHours: z.number(),
  /** Device-hours allocated but unused; null when no utilization was recorded. */
  idleHours: z.number().nullable(),
  idlePercent: z.number().nullable(),
});
export type UsageRow = z.infer<typeof UsageRow>;

export const Usage = z.object({
  backend: z.string(),
  source: z.enum(USAGE_SOURCES),
  /** A sentence saying what the figures cover and what is missing (e.g. no slurmdbd), in English (CLI, logs). */
  note: z.string(),
  /** The backend's own words when accounting was missing (sacct's error), for the UI's translated note. */
  detail: z.string().nullable().default(null),
  since: z.string(),
  until: z.string(),
  rows: z.array(UsageRow),
  totals: z.array(UsageRow),
});
export type Usage = z.infer<typeof Usage>;

export const UsageInput = BackendRef.extend({ days: z.number().int().min(1).max(366).default(30) });

// Kubernetes object names: a DNS-1123 label (lowercase letters, digits, "-").
const QueueName = z.string().min(1, 'must not be empty').max(63, 'must be at most 63 characters')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'use lowercase letters, digits and "-", starting and ending with a letter or digit');
// A Kubernetes quantity: 8, 500m, 64Gi, 1.5, 2e3.
const QUANTITY = /^[+]?(\d+(\.\d*)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+)?$/;
const ResourceName = z.string().min(1).max(253).regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'is not a resource name (cpu, memory, nvidia.com/gpu)');
export const QuotaInput = z.record(ResourceName, z.string().trim().regex(QUANTITY, 'is not a quantity (8, 500m, 64Gi)'));

export const QueueCreateInput = z.object({
  backend: z.string().min(1).max(128),
  name: QueueName,
  weight: z.number().int().min(1, 'weight must be at least 1').max(65535).default(1),
  reclaimable: z.boolean().default(true),
  deserved: QuotaInput.nullable().default(null),
  guarantee: QuotaInput.nullable().default(null),
  capability: QuotaInput.nullable().default(null),
});

/** Fields left out stay as they are; null removes a quota. */
export const QueueUpdateInput = z.object({
  backend: z.string().min(1).max(128),
  name: QueueName,
  weight: z.number().int().min(1, 'weight must be at least 1').max(65535).optional(),
  reclaimable: z.boolean().optional(),
  deserved: QuotaInput.nullable().optional(),
  guarantee: QuotaInput.nullable().optional(),
  capability: QuotaInput.nullable().optional(),
});

export const WatchInput = z.object({ backend: z.string().min(1).max(128) });

export const QueueRef = z.object({ backend: z.string().min(1).max(128), name: QueueName });
