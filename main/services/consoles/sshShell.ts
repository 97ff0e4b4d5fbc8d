import type { ClientChannel } from 'ssh2';
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
    const lease = await deps.pool.connect(node.ssh, { hostKeys: deps.hostKeys, policy: 'ask', timeoutMs: CONNECT_TIMEOUT_MS, signal });
    let channel: ClientChannel;
    try {
      channel = await new Promise<ClientChannel>((resolve, reject) =>
        lease.client.shell({ term: 'xterm-256color', cols, rows }, (err, ch) => (err ? reject(err) : resolve(ch))),
      );
    } catch (error) {
      lease.discard();
      throw new AppError('CONSOLE_SHELL_REFUSED', `${target} refused a shell: ${(error as Error).message}`, { target });
    }
    return channelSession(channel, () => lease.release());
  };
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
