// SSH local port forwards (like `ssh -L bind:port:host:hostport node`): a TCP listener here whose
// connections are each carried to host:port as seen from the node, over one pooled connection
// per node. Forwards live in memory and end with the app.
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import type { ForwardsService } from '../../../shared/contract/services';
import type { Actor } from '../../../shared/contract/trpc';
import type * as fw from '../../../shared/contract/schemas/forwards';
import { AppError } from '../../../shared/errors';
import { hostPort, type HostKeyStore, type Lease, type SshPool } from '../../protocols/ssh';
import type { AuditLog } from '../audit/auditLog';
import { resolveTargets, type TargetDeps } from '../exec/targets';

const CONNECT_TIMEOUT_MS = 15_000;

export interface ForwardsDeps extends TargetDeps {
  hostKeys: HostKeyStore;
  audit: AuditLog;
  pool: SshPool;
}

interface Live {
  info: fw.Forward;
  server: net.Server;
  lease: Lease;
  sockets: Set<net.Socket>;
}

export function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\./.test(address);
}

export function createForwardsService(deps: ForwardsDeps): ForwardsService & { closeAll(): Promise<void> } {
  const live = new Map<string, Live>();

  function stopOne(f: Live): Promise<void> {
    f.info.state = 'stopped';
    for (const s of f.sockets) s.destroy();
    f.lease.release();
    live.delete(f.info.id);
    return new Promise((resolve) => f.server.close(() => resolve()));
  }

  return {
    async add(actor: Actor, input) {
      const id = deps.audit.begin(actor, { module: 'forwards', action: 'add', targets: input.node, params: { ...input } });
      try {
        const [node] = resolveTargets(deps, input.node);
        if (!node || node.name !== input.node) throw new AppError('FORWARD_ONE_NODE', `A forward goes through one node; "${input.node}" is not a single node name.`, { node: input.node });
        if (!node.ssh) throw node.problem!;
        const lease = await deps.pool.connect(node.ssh, { hostKeys: deps.hostKeys, policy: 'ask', timeoutMs: CONNECT_TIMEOUT_MS });
        const sockets = new Set<net.Socket>();
        const info: fw.Forward = {
          id: randomUUID(), node: input.node, bindAddress: input.bindAddress, localPort: input.localPort, remoteHost: input.remoteHost, remotePort: input.remotePort,
          state: 'listening', activeConnections: 0, totalConnections: 0, url: '', lastError: null, startedAt: new Date().toISOString(),
        };
        const server = net.createServer((sock) => {
          info.totalConnections++;
          info.activeConnections++;
          sockets.add(sock);
          sock.once('close', () => { sockets.delete(sock); info.activeConnections--; });
          sock.on('error', () => undefined);
          try {
            lease.client.forwardOut(sock.remoteAddress ?? '127.0.0.1', sock.remotePort ?? 0, input.remoteHost, input.remotePort, (err, stream) => {
              if (err) {
                info.lastError = `${input.node} could not open a connection to ${hostPort(input.remoteHost, input.remotePort)}: ${err.message}`;
                sock.destroy();
                return;
              }
              stream.on('error', () => undefined);
              sock.pipe(stream).pipe(sock);
              sock.once('close', () => stream.close());
              stream.once('close', () => sock.destroy());
            });
          } catch (error) {
            info.lastError = `the SSH connection to ${input.node} is closed: ${(error as Error).message}`;
            info.state = 'failed';
            sock.destroy();
          }
        });
        await new Promise<void>((resolve, reject) => {
          server.once('error', (e: NodeJS.ErrnoException) => {
            lease.release();
            const why = e.code === 'EADDRINUSE' ? `port ${input.localPort} is already in use on ${input.bindAddress}`
              : e.code === 'EACCES' ? `binding port ${input.localPort} needs more privileges`
                : e.code === 'EADDRNOTAVAIL' ? `${input.bindAddress} is not an address of this machine` : e.message;
            reject(new AppError('FORWARD_LISTEN_FAILED', `Cannot listen on ${hostPort(input.bindAddress, input.localPort)}: ${why}.`, { bind: input.bindAddress, port: input.localPort, errno: e.code ?? '' }));
          });
          server.listen(input.localPort, input.bindAddress, () => resolve());
        });
        server.on('error', (e) => { info.lastError = e.message; });
        // The node went away: the forward cannot carry anything more.
        lease.client.once('close', () => { if (info.state === 'listening') { info.state = 'failed'; info.lastError = `the SSH connection to ${input.node} closed`; } });
        info.localPort = (server.address() as net.AddressInfo).port;
        const urlHost = info.bindAddress === '0.0.0.0' ? '127.0.0.1' : info.bindAddress === '::' ? '[::1]' : info.bindAddress.includes(':') ? `[${info.bindAddress}]` : info.bindAddress;
        info.url = `http://${urlHost}:${info.localPort}/`;
        live.set(info.id, { info, server, lease, sockets });
        const warning = isLoopback(input.bindAddress) ? null
          : `${input.bindAddress} is not a loopback address: other machines that can reach this one can use the forward to ${hostPort(input.remoteHost, input.remotePort)} on ${input.node}.`;
        deps.audit.complete(id, 'ok', `listening on ${hostPort(info.bindAddress, info.localPort)}`);
        return { forward: { ...info }, warning };
      } catch (error) {
        deps.audit.complete(id, 'failed', AppError.is(error) ? `${error.code}: ${error.message}` : String(error));
        throw error;
      }
    },

    list: () => [...live.values()].map((f) => ({ ...f.info })),

    async stop(actor: Actor, forwardId: string) {
      const f = live.get(forwardId);
      if (!f) throw new AppError('FORWARD_UNKNOWN', `No forward with id ${forwardId} (already stopped?).`, { id: forwardId });
      return deps.audit.record(actor, { module: 'forwards', action: 'stop', targets: f.info.node, params: { id: forwardId, port: f.info.localPort } }, () => stopOne(f)).then(() => ({ stopped: 1 }));
    },

    async stopAll(actor: Actor) {
      const all = [...live.values()];
      if (all.length === 0) return { stopped: 0 };
      return deps.audit.record(actor, { module: 'forwards', action: 'stopAll', targets: all.map((f) => f.info.node).join(','), params: { count: all.length } }, () => Promise.all(all.map(stopOne))).then(() => ({ stopped: all.length }));
    },

    async closeAll() {
      await Promise.all([...live.values()].map(stopOne));
    },
  };
}
