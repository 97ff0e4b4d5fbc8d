// A configured backend row to a SlurmClient. slurm-cli runs Slurm's commands here (url "local");
// SSH login nodes plug in through a CommandRunner once main/protocols/ssh offers exec.
// slurm-rest reads its JWT from the vault on every request (never logged, never stored in plain).
import type { Backend } from '../../../shared/contract/schemas/jobs';
import { AppError } from '../../../shared/errors';
import { SlurmCli, SlurmRest, localRunner, type SlurmClient } from '../../protocols/slurm';

export interface SecretSource {
  reveal(name: string): { secret: string; username: string | null };
}

export function clientFor(b: Backend, vault: SecretSource, timeoutMs = 15_000): SlurmClient {
  if (b.kind === 'slurm-cli') {
    if (b.url !== 'local') {
      throw new AppError('JOB_BACKEND_TRANSPORT', `backend ${b.name}: only "local" slurm-cli backends run today (${b.url} needs the SSH runner); use a slurm-rest backend for a remote cluster`, { name: b.name });
    }
    return new SlurmCli(localRunner(b.env), timeoutMs);
  }
  if (!/^https?:\/\/[^/\s]+\/?$/.test(b.url)) throw new AppError('JOB_BACKEND_INVALID', `backend ${b.name}: url must be http(s)://host:port of slurmrestd, not ${b.url}`, { name: b.name });
  if (!b.credential) throw new AppError('JOB_BACKEND_INVALID', `backend ${b.name}: a slurm-rest backend needs --credential naming a vault token (from \`scontrol token\`)`, { name: b.name });
  const cred = b.credential;
  return new SlurmRest({
    url: b.url,
    user: b.user ?? vault.reveal(cred).username ?? 'root',
    token: () => vault.reveal(cred).secret.trim().replace(/^SLURM_JWT=/, ''),
    timeoutMs,
  });
}

/** Errors after which the job waits in the outbox: the backend did not answer at all. */
export function isUnreachable(err: unknown): boolean {
  return AppError.is(err) && (err.code === 'SLURM_UNREACHABLE' || err.code === 'SLURM_TIMEOUT');
}

/** Whether files the backend's jobs write can be read on this machine. */
export function sharesFilesystem(b: Backend): boolean {
  if (b.kind === 'slurm-cli') return b.url === 'local';
  return /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/.test(b.url);
}
