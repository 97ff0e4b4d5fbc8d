import type { Client, ClientChannel } from 'ssh2';
import { AppError } from '../../../shared/errors';
import { SshPool, type HostKeyStore } from '../../protocols/ssh';
import { resolveTargets, type TargetDeps } from '../exec/targets';
import type { ByteSession, SessionFactory } from '../streams/byteSession';

const CONNECT_TIMEOUT_MS = 15_000;

/**
 * The `ssh` console kind: an interactive shell on one inventory node, through its jump hosts,
 * with the host key checked like every other SSH use (unknown keys are refused here: a terminal
 * has a person, who can scan and accept the key first). Pausing the channel stops reading from
 * the socket, so SSH's own window flow control slows the remote program.
 */
export function sshShellFactory(deps: TargetDeps & { hostKeys: HostKeyStore; pool: SshPool }): SessionFactory {
  return async ({ target, cols, rows, signal }) => {
    const [node] = resolveTargets(deps, target);
    if (!node || node.name !== target) {
      throw new AppError('CONSOLE_ONE_NODE', `A terminal opens on one node; "${target}" is not a single node name.`, { target });
    }
    if (!node.ssh) throw node.problem!;
    // A pooled connection may have died a moment ago (the node dropped it, and this is the
    // reconnect): such a lease's shell fails or never answers, and one fresh connection is tried.
    for (let attempt = 1; ; attempt++) {
      const lease = await deps.pool.connect(node.ssh, { hostKeys: deps.hostKeys, policy: 'ask', timeoutMs: CONNECT_TIMEOUT_MS, signal });
      try {
        const channel = await openShell(lease.client, cols, rows, signal);
        return channelSession(channel, () => lease.release());
      } catch (error) {
        lease.discard();
        if (!lease.fresh && attempt === 1 && !signal.aborted) continue;
        if (AppError.is(error)) throw error;
        throw new AppError('CONSOLE_SHELL_REFUSED', `${target} refused a shell: ${(error as Error).message}`, { target });
      }
    }
  };
}

/** A shell channel on a logged-in connection, bounded by the connect timeout and the caller's signal. */
function openShell(client: Client, cols: number, rows: number, signal: AbortSignal): Promise<ClientChannel> {
  return new Promise<ClientChannel>((resolve, reject) => {
    let done = false;
    const settle = (error: Error | null, ch?: ClientChannel) => {
      if (done) { ch?.close(); return; }
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      client.removeListener('close', onClose);
      if (error) reject(error);
      else resolve(ch!);
    };
    const onAbort = () => settle(new AppError('SSH_CANCELLED', 'Opening the terminal was cancelled.', {}));
    const onClose = () => settle(new Error('the connection closed'));
    const timer = setTimeout(() => settle(new Error(`no answer to the shell request within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    signal.addEventListener('abort', onAbort, { once: true });
    client.once('close', onClose);
    try {
      client.shell({ term: 'xterm-256color', cols, rows }, (err, ch) => settle(err ?? null, ch));
    } catch (error) {
      settle(error as Error);
    }
  });
}

export function channelSession(channel: ClientChannel, onClosed: () => void): ByteSession {
  let exitInfo: { code: number | null; reason: string } = { code: null, reason: 'connection closed' };
  let closed = false;
  const finish = () => { if (!closed) { closed = true; onClosed(); } };
  channel.on('exit', (code: number | null, signalName?: string) => {
    exitInfo = { code: typeof code === 'number' ? code : null, reason: signalName ? `killed by ${signalName}` : 'exited' };
  });
  return {
    onData: (listener) => {
      channel.on('data', (b: Buffer) => listener(b));
      channel.stderr.on('data', (b: Buffer) => listener(b));
    },
    onExit: (listener) => channel.on('close', () => { finish(); listener(exitInfo); }),
    write: (data) => { if (!closed) channel.write(data); },
    resize: (cols, rows) => { if (!closed) channel.setWindow(rows, cols, 0, 0); },
    pause: () => channel.pause(),
    resume: () => channel.resume(),
    close: () => { if (!closed) channel.close(); finish(); },
  };
}
