/**
 * Queues: Slurm partitions (nodes, CPUs, GPUs idle/allocated/down), per-user usage (squeue +
 * sacct, or the job completion log without slurmdbd) and Volcano queues (list, create, update,
 * delete) on kubernetes backends.
 */
export { createQueuesService, type QueuesDeps } from './queuesService';
export { slurmRunnerFor } from './runner';
export { parseQuantity, available } from './quantity';
export { summarizePartitions, summarizeNodes, parseTres, gpusOfGres, classifyNode, type QueueJob } from './slurmSummary';
export { usageRows, accountedJobs, activeJobs, cpuSeconds, type AccountedJob } from './slurmUsage';
