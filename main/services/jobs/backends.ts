// A configured backend row to a SlurmClient. slurm-cli runs Slurm's commands here (url "local");
// SSH login nodes plug in through a CommandRunner once main/protocols/ssh offers exec.
// slurm-rest reads its JWT from the vault on every request (never logged, never stored in plain).
import type { Backend } from '../../../shared/contract/schemas/jobs';
import { AppError } from '../../../shared/errors';
import { SlurmCli, SlurmRest, localRunner, sshRunner, type CommandRunner, type SlurmClient } from '../../protocols/slurm';
import { prepareAuth, type HostKeyStore, type PreparedAuth, type SshPool } from '../../protocols/ssh';

export interface SecretSource {
  reveal(name: string): { secret: string; username: string | null; passphrase?: string | null };
}

export interface SshDeps {
  pool: SshPool;
  hostKeys: HostKeyStore;
}

/** "ssh://[user@]host[:port]" of a login node, or null for anything else. */
export function parseSshUrl(url: string): { user: string | null; host: string; port: number } | null {
  const m = /^ssh:\/\/(?:([^@/\s]+)@)?([^:/\s]+|\[[0-9a-fA-F:]+\])(?::(\d{1,5}))?\/?$/.exec(url);
  if (!m) return null;
  return { user: m[1] ?? null, host: m[2].replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : 22 };
}

export function clientFor(b: Backend, vault: SecretSource, timeoutMs = 15_000, ssh?: SshDeps): SlurmClient {
  if (b.kind === 'slurm-cli') return new SlurmCli(slurmCliRunner(b, vault, ssh, timeoutMs), timeoutMs);
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

/**
 * Where a slurm-cli backend's commands run: "local" here, ssh://[user@]login:port on the login node with a vault
 * credential (trusted on first use like StrictHostKeyChecking=accept-new; a changed key is refused). Also used by the
 * queues view for the commands beyond the SlurmClient's (squeue with TRES, sacct).
 */
export function slurmCliRunner(b: Backend, vault: SecretSource, ssh?: SshDeps, timeoutMs = 15_000): CommandRunner {
  if (b.url === 'local') return localRunner(b.env);
  const login = loginNode(b, vault, ssh);
  return sshRunner({ pool: login.ssh.pool, host: login.host, port: login.port, auth: login.auth, authId: login.authId, hostKeys: login.ssh.hostKeys, policy: 'accept-new', env: b.env, connectTimeoutMs: timeoutMs });
}

/** The SSH login node of a slurm-cli backend with an ssh:// url: address and prepared auth (also for endpoint forwards). */
export function loginNode(b: Backend, vault: SecretSource, ssh?: SshDeps): { host: string; port: number; auth: PreparedAuth; authId: string; ssh: SshDeps } {
  const u = parseSshUrl(b.url);
  if (!u) throw new AppError('JOB_BACKEND_INVALID', `backend ${b.name}: a slurm-cli url is "local" or ssh://user@login-node:22, not ${b.url}`, { name: b.name });
  if (!b.credential) throw new AppError('JOB_BACKEND_INVALID', `backend ${b.name}: an SSH login node needs --credential naming a vault SSH key or password`, { name: b.name });
  if (!ssh) throw new AppError('JOB_BACKEND_TRANSPORT', `backend ${b.name}: SSH is not available in this process`, { name: b.name });
  const cred = vault.reveal(b.credential);
  const username = u.user ?? b.user ?? cred.username;
  if (!username) throw new AppError('JOB_BACKEND_INVALID', `backend ${b.name}: no SSH user (put it in the url, --user or the credential)`, { name: b.name });
  const isKey = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(cred.secret);
  const auth = prepareAuth({ username, privateKey: isKey ? cred.secret : null, passphrase: isKey ? cred.passphrase ?? null : null, password: isKey ? null : cred.secret }, `credential ${b.credential}`);
  return { host: u.host, port: u.port, auth, authId: b.credential, ssh };
}

/** Errors after which the job waits in the outbox: the backend did not answer at all. */
export function isUnreachable(err: unknown): boolean {
  return AppError.is(err) && (err.code === 'SLURM_UNREACHABLE' || err.code === 'SLURM_TIMEOUT');
}

/** Whether files the backend's jobs write can be read on this machine. */
export function sharesFilesystem(b: Backend): boolean {
  // Over SSH the output is on the login node's file system (read it with \`files get\`).
  if (b.kind === 'slurm-cli') return b.url === 'local';
  return /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/.test(b.url);
}
