// The command runner of a slurm-cli backend for the queues view (squeue with TRES, sacct): the jobs service's.
import type { Backend } from '../../../shared/contract/schemas/jobs';
import type { CommandRunner } from '../../protocols/slurm';
import { slurmCliRunner, type SecretSource, type SshDeps } from '../jobs/backends';

/** null for backends that are not slurm-cli (slurmrestd has no sacct without slurmdbd). */
export function slurmRunnerFor(b: Backend, vault: SecretSource, ssh?: SshDeps, timeoutMs = 15_000): CommandRunner | null {
  return b.kind === 'slurm-cli' ? slurmCliRunner(b, vault, ssh, timeoutMs) : null;
}
