// The test API server's pods/<name>/portforward: a WebSocket upgrade with the subprotocol
// v4.channel.k8s.io, as kube-apiserver proxies it to the kubelet. Each connection forwards one
// port (?ports=N); the server opens channel 0 (data) and 1 (errors) with the port as two
// little-endian bytes, then relays channel-0 payloads to and from a TCP connection to where the
// pod's port is (by default 127.0.0.1:N: the test's "pods" share this machine's loopback). A pod
// that does not exist is a 404 Status, one that is not Running a 400 like the real server's; a
// refused connection is reported on the error channel as the kubelet does.

import type http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export const PORT_FORWARD_PROTOCOL = 'v4.channel.k8s.io';

export interface PortForwardHost {
  /** The user a request authenticates as (null: 401). */
  userOf(req: http.IncomingMessage): string | null;
  /** The pod object, or undefined. */
  pod(namespace: string, name: string): { status?: Record<string, unknown> } | undefined;
  /** Where a pod's port really listens. */
  target(namespace: string, pod: string, port: number): { host: string; port: number };
  /** Records the request (tests assert on it). */
  seen(req: http.IncomingMessage, user: string | null): void;
}

const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has(PORT_FORWARD_PROTOCOL) ? PORT_FORWARD_PROTOCOL : false) });

function refuse(socket: Duplex, code: number, reason: string, message: string): void {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  socket.end(`HTTP/1.1 ${code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Handles an upgrade request if it is a port-forward; returns false for anything else. */
export function handlePortForward(host: PortForwardHost, req: http.IncomingMessage, socket: Duplex, head: Buffer, open: Set<WebSocket>): boolean {
  const url = new URL(req.url ?? '/', 'http://x');
  const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/.exec(url.pathname);
  if (!m) return false;
  const user = host.userOf(req);
  host.seen(req, user);
  if (!user) return (refuse(socket, 401, 'Unauthorized', 'Unauthorized'), true);
  const [namespace, name] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])];
  const port = Number(url.searchParams.get('ports'));
  if (!Number.isInteger(port) || port < 1 || port > 65535) return (refuse(socket, 400, 'BadRequest', 'query parameter "ports" is required (one port)'), true);
  const pod = host.pod(namespace, name);
  if (!pod) return (refuse(socket, 404, 'NotFound', `pods "${name}" not found`), true);
  const phase = String(pod.status?.phase ?? 'Pending');
  if (phase !== 'Running') return (refuse(socket, 400, 'BadRequest', `pod ${name} is not running and cannot be port-forwarded (phase ${phase})`), true);
  wss.handleUpgrade(req, socket, head, (ws) => {
    open.add(ws);
    ws.on('close', () => open.delete(ws));
    const portBytes = Buffer.from([port & 0xff, port >> 8]);
    ws.send(Buffer.concat([Buffer.from([0]), portBytes]));
    ws.send(Buffer.concat([Buffer.from([1]), portBytes]));
    const to = host.target(namespace, name, port);
    const tcp = net.connect(to.port, to.host);
    const early: Buffer[] = [];
    let connected = false;
    tcp.on('connect', () => {
      connected = true;
      for (const b of early) tcp.write(b);
      early.length = 0;
    });
    tcp.on('data', (d: Buffer) => ws.send(Buffer.concat([Buffer.from([0]), d])));
    tcp.on('error', (err) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`error forwarding port ${port} to pod ${name}: ${err.message}`)]));
      ws.close();
    });
    tcp.on('close', () => ws.close());
    ws.on('message', (data: Buffer) => {
      if (data[0] !== 0) return;
      const payload = data.subarray(1);
      if (connected) tcp.write(payload);
      else early.push(payload);
    });
    ws.on('close', () => tcp.destroy());
  });
  return true;
}
