// The command runner of a slurm-cli backend, for the commands the queues view needs beyond the
// SlurmClient's (squeue with TRES, sacct). Same rules as the jobs service's clientFor: "local"
// runs here with execFile, ssh://user@login:port runs on the login node with a vault credential,
// trusted on first use, a changed host key refused.
import type { Backend } from '../../../shared/contract/schemas/jobs';
import { AppError } from '../../../shared/errors';
import { localRunner, sshRunner, type CommandRunner } from '../../protocols/slurm';
import { prepareAuth } from '../../protocols/ssh';
import { parseSshUrl, type SecretSource, type SshDeps } from '../jobs/backends';

/** null for backends that are not slurm-cli (slurmrestd has no sacct without slurmdbd). */
export function slurmRunnerFor(b: Backend, vault: SecretSource, ssh?: SshDeps, timeoutMs = 15_000): CommandRunner | null {
  if (b.kind !== 'slurm-cli') return null;
  if (b.url === 'local') return localRunner(b.env);
  const u = parseSshUrl(b.url);
  if (!u || !b.credential) throw new AppError('JOB_BACKEND_INVALID', `backend ${b.name}: a slurm-cli url is "local" or ssh://user@login-node:22 with --credential, not ${b.url}`, { name: b.name });
  if (!ssh) throw new AppError('JOB_BACKEND_TRANSPORT', `backend ${b.name}: SSH is not available in this process`, { name: b.name });
  const cred = vault.reveal(b.credential);
  const username = u.user ?? b.user ?? cred.username;
  if (!username) throw new AppError('JOB_BACKEND_INVALID', `backend ${b.name}: no SSH user (put it in the url, --user or the credential)`, { name: b.name });
  const isKey = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(cred.secret);
  const auth = prepareAuth({ username, privateKey: isKey ? cred.secret : null, passphrase: isKey ? cred.passphrase ?? null : null, password: isKey ? null : cred.secret }, `credential ${b.credential}`);
  return sshRunner({ pool: ssh.pool, host: u.host, port: u.port, auth, authId: b.credential, hostKeys: ssh.hostKeys, policy: 'accept-new', env: b.env, connectTimeoutMs: timeoutMs });
}
