// Slurm's commands on a login node over SSH (main/protocols/ssh). The remote login shell parses
// the command line, so every word is shQuote'd; the batch script travels base64-encoded in the
// command itself (`printf %s B64 | base64 -d | sbatch ...`), so no stdin channel is needed and no
// script byte is ever shell syntax.

import { AppError } from '../../../shared/errors';
import { SSH_ERROR, runCommand, type HostKeyPolicy, type HostKeyStore, type PreparedAuth, type SshPool } from '../ssh';
import { shQuote, type CommandResult, type CommandRunner, type RunOptions } from './runner';

export interface SshRunnerOptions {
  pool: SshPool;
  host: string;
  port: number;
  auth: PreparedAuth;
  /** Names the credential, so two logins to one host get two connections. */
  authId?: string;
  hostKeys: HostKeyStore;
  policy: HostKeyPolicy;
  /** Environment for every Slurm command (e.g. SLURM_CONF), set with `env K=V`. */
  env?: Record<string, string>;
  connectTimeoutMs?: number;
}

/** The remote command line for argv (+ stdin as base64), every word quoted for a POSIX shell. */
export function remoteCommand(argv: string[], env: Record<string, string> = {}, stdin?: string): string {
  const envWords = Object.entries(env).map(([k, v]) => shQuote(`${k}=${v}`));
  const cmd = [...(envWords.length ? ['env', ...envWords] : []), ...argv.map(shQuote)].join(' ');
  if (stdin === undefined) return cmd;
  return `printf %s ${shQuote(Buffer.from(stdin, 'utf8').toString('base64'))} | base64 -d | ${cmd}`;
}

export function sshRunner(o: SshRunnerOptions): CommandRunner {
  const where = `${o.auth.username}@${o.host}:${o.port}`;
  return {
    where,
    async run(argv: string[], opts: RunOptions = {}): Promise<CommandResult> {
      try {
        const r = await runCommand(
          o.pool,
          { target: { host: o.host, port: o.port, auth: o.auth, authId: o.authId } },
          remoteCommand(argv, o.env, opts.stdin),
          { hostKeys: o.hostKeys, policy: o.policy, connectTimeoutMs: o.connectTimeoutMs ?? 10_000, commandTimeoutMs: opts.timeoutMs ?? 30_000, signal: opts.signal, where },
        );
        if (r.exitCode === 127 && /not found/.test(r.stderr)) {
          throw new AppError('SLURM_COMMAND_MISSING', `${argv[0]} is not installed on ${where} (is it a Slurm login node?)`, { command: argv[0] });
        }
        return { code: r.exitCode ?? 1, stdout: r.stdout, stderr: r.stderr };
      } catch (err) {
        if (AppError.is(err) && (err.code === SSH_ERROR.UNREACHABLE || (err.code === SSH_ERROR.TIMEOUT && err.params.phase === 'connect'))) {
          throw new AppError('SLURM_UNREACHABLE', `the login node ${where} does not answer: ${err.message}`, { where });
        }
        throw err;
      }
    },
  };
}
