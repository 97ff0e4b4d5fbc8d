// How Slurm's commands reach a login node. Locally: execFile with an argument array (no shell).
// Over SSH (main/protocols/ssh, later): the same argv, each word quoted with shQuote, run by the
// remote login shell. Either way a parameter value is never interpreted by a shell.

import { execFile } from 'node:child_process';
import { AppError } from '../../../shared/errors';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Bytes written to the command's stdin (sbatch reads the script from it). */
  stdin?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface CommandRunner {
  /** Where commands run, for messages ("local", "user@login1:22"). */
  readonly where: string;
  /** Runs argv[0] with the remaining words as arguments; resolves with any exit code. */
  run(argv: string[], opts?: RunOptions): Promise<CommandResult>;
}

/** POSIX shell single-quoting: the word reaches the program as literal text. */
export function shQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function localRunner(env: Record<string, string> = {}): CommandRunner {
  return {
    where: 'local',
    run(argv, opts = {}) {
      return new Promise((resolve, reject) => {
        const child = execFile(
          argv[0],
          argv.slice(1),
          { env: { ...process.env, ...env }, timeout: opts.timeoutMs ?? 30_000, signal: opts.signal, maxBuffer: 64 * 1024 * 1024 },
          (err, stdout, stderr) => {
            const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
            if (e && e.code === 'ENOENT') {
              return reject(new AppError('SLURM_COMMAND_MISSING', `${argv[0]} is not installed here (is this a Slurm login node?)`, { command: argv[0] }));
            }
            if (e && (e.name === 'AbortError' || opts.signal?.aborted)) return reject(new AppError('SLURM_ABORTED', `${argv[0]} was cancelled`));
            if (e && e.killed) return reject(new AppError('SLURM_TIMEOUT', `${argv[0]} did not finish within ${opts.timeoutMs ?? 30_000} ms`, { command: argv[0] }));
            resolve({ code: typeof e?.code === 'number' ? e.code : e ? 1 : 0, stdout: String(stdout), stderr: String(stderr) });
          },
        );
        if (opts.stdin !== undefined) child.stdin?.end(opts.stdin);
        else child.stdin?.end();
      });
    },
  };
}
