/**
 * Slurm, plain Node. Two clients with one interface (SlurmClient):
 * - SlurmCli: sbatch/squeue/scancel/scontrol/sinfo through a CommandRunner (localRunner uses
 *   execFile with argument arrays; an SSH runner can plug in with the same interface).
 * - SlurmRest: slurmrestd openapi/v0.0.38 with a JWT; timeouts and AbortSignal on every request.
 * mapSlurmState maps Slurm's states onto ClusterDeck's job states (the raw state is kept).
 */
export { SlurmCli, sbatchArgs, parseSacctJobs } from './cli';
export { SlurmRest, type SlurmRestOptions } from './rest';
export { localRunner, shQuote, type CommandRunner, type CommandResult, type RunOptions } from './runner';
export { mapSlurmState, isFinished, type JobState } from './states';
export type { SlurmClient, SlurmControl, SlurmJob, SlurmNode, SlurmPartition, SlurmSubmit } from './types';
export { sshRunner, remoteCommand, type SshRunnerOptions } from './sshRunner';
