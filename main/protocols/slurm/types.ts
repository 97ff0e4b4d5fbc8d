// What ClusterDeck asks of a Slurm cluster, whichever way it is reached (CLI or slurmrestd).

export interface SlurmSubmit {
  /** The batch script, "#!/bin/sh" first; its own #SBATCH lines are honoured by sbatch. */
  script: string;
  name: string;
  partition?: string;
  nodes?: number;
  tasksPerNode?: number;
  /** GPUs per node; 0 or undefined requests none. */
  gpusPerNode?: number;
  gpuType?: string;
  cwd: string;
  /** Path for stdout and stderr (%j is the job id). */
  output?: string;
  env?: Record<string, string>;
  /** Slurm nice value (0..2147483645); lower runs sooner. */
  nice?: number;
  /** Minutes; undefined leaves the partition's default. */
  timeLimitMin?: number;
  hold?: boolean;
}

export interface SlurmJob {
  id: string;
  name: string;
  /** Slurm's state as it reports it ("PENDING", "RUNNING", "COMPLETED", ...). */
  state: string;
  reason: string;
  partition: string;
  nodes: string;
  user: string;
  exitCode: number | null;
  submitTime: number | null;
  startTime: number | null;
  endTime: number | null;
  output: string;
}

export interface SlurmPartition {
  name: string;
  state: string;
  nodes: string;
  isDefault: boolean;
  totalCpus: number | null;
  totalNodes: number | null;
}

export interface SlurmNode {
  name: string;
  state: string;
  partitions: string[];
  cpus: number;
  gres: string;
  reason: string;
}

export type SlurmControl = 'hold' | 'release' | 'suspend' | 'resume' | 'requeue';

export interface SlurmClient {
  readonly kind: 'slurm-cli' | 'slurm-rest';
  submit(job: SlurmSubmit, signal?: AbortSignal): Promise<{ id: string }>;
  /** Every job slurmctld still knows (pending, running and recently finished). */
  jobs(signal?: AbortSignal): Promise<SlurmJob[]>;
  /** One job, or null when slurmctld no longer knows it. */
  job(id: string, signal?: AbortSignal): Promise<SlurmJob | null>;
  cancel(id: string, signal?: AbortSignal): Promise<void>;
  control(id: string, action: SlurmControl, signal?: AbortSignal): Promise<void>;
  partitions(signal?: AbortSignal): Promise<SlurmPartition[]>;
  nodes(signal?: AbortSignal): Promise<SlurmNode[]>;
  /** Cheap reachability check; throws SLURM_UNREACHABLE with what to fix. */
  ping(signal?: AbortSignal): Promise<void>;
  /**
   * Jobs slurmctld has forgotten (past MinJobAge) as Slurm accounting (slurmdbd) recorded them; [] where the cluster
   * has no accounting storage. Absent on clients that cannot ask (slurmrestd here).
   */
  accounted?(ids: string[], signal?: AbortSignal): Promise<SlurmJob[]>;
}
