// Runs one command on a logged-in connection: stdout and stderr kept up to a byte budget (the rest
// is read and dropped, so a flood cannot stall the channel or fill memory), exit code or signal,
// a command timeout and cancel that signal the remote process and close the channel.
import type { Client, ClientChannel } from 'ssh2';
import { SSH_ERROR, cancelledError, sshError, timeoutError } from './errors';

export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

export interface ExecOptions {
  /** 0 or undefined: no command timeout. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Budget for stdout and stderr together. Default 1 MiB. */
  maxOutputBytes?: number;
  /** For messages: "node001 (127.0.0.1:2222)". */
  where?: string;
}

export interface ExecResult {
  /** null when the process was killed by a signal or the server sent no status. */
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Some output was dropped because the budget was spent. */
  truncated: boolean;
  /** Bytes received, kept or not. */
  stdoutBytes: number;
  stderrBytes: number;
}

export function execCommand(client: Client, command: string, opts: ExecOptions = {}): Promise<ExecResult> {
  const where = opts.where ?? 'the host';
  const budget = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(cancelledError(where));
    let channel: ClientChannel | undefined;
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    let stdoutBytes = 0;
    let stderrBytes = 0;
    let exitCode: number | null = null;
    let exitSignal: string | null = null;

    const stop = (error: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (channel) {
        // Without a pty, closing the channel alone leaves the remote process running: ask sshd to
        // signal it first (OpenSSH >= 7.9 honours "signal" requests), then close.
        try {
          channel.signal('KILL');
        } catch {
          // channel already gone
        }
        channel.close();
      }
      reject(error);
    };
    const onAbort = (): void => stop(cancelledError(where));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.timeoutMs && opts.timeoutMs > 0) timer = setTimeout(() => stop(timeoutError(where, 'command', opts.timeoutMs!)), opts.timeoutMs);

    const take = (into: Buffer[], chunk: Buffer): void => {
      const room = budget - kept;
      if (room <= 0) {
        truncated = true;
        return;
      }
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      if (part.length < chunk.length) truncated = true;
      into.push(part);
      kept += part.length;
    };

    try {
      client.exec(command, (error, ch) => {
        if (error) {
          return stop(sshError(SSH_ERROR.CHANNEL, `${where} refused to run the command: ${error.message}.`, { where, detail: error.message }));
        }
        if (settled) {
          ch.close();
          return;
        }
        channel = ch;
        ch.on('data', (chunk: Buffer) => {
          stdoutBytes += chunk.length;
          take(out, chunk);
        });
        ch.stderr.on('data', (chunk: Buffer) => {
          stderrBytes += chunk.length;
          take(err, chunk);
        });
        ch.on('exit', (code: number | null, signalName?: string) => {
          if (typeof code === 'number') exitCode = code;
          else if (signalName) exitSignal = signalName;
        });
        ch.on('close', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', onAbort);
          resolve({
            exitCode,
            signal: exitSignal,
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(err).toString('utf8'),
            truncated,
            stdoutBytes,
            stderrBytes,
          });
        });
      });
    } catch (error) {
      stop(sshError(SSH_ERROR.CLOSED, `The SSH connection to ${where} is closed: ${(error as Error).message}.`, { where }));
    }
  });
}
