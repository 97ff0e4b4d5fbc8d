// A TCP connection to a pod's port through the API server: the pods/portforward subresource over
// a WebSocket (subprotocol v4.channel.k8s.io, what kubectl and @kubernetes/client-node speak).
// One WebSocket carries one connection. Every binary message starts with its channel: 0 = data,
// 1 = errors for the first (only) port; the server opens each channel with the port number as two
// little-endian bytes. The result is a Duplex, so a local socket can simply be piped to it.

import { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { AppError } from '../../../shared/errors';
import { httpError, transportError } from './errors';
import type { Transport } from './transport';

export const PORT_FORWARD_PROTOCOL = 'v4.channel.k8s.io';

export interface PortForwardOptions {
  signal?: AbortSignal;
  /** Handshake timeout (ms). */
  timeoutMs?: number;
}

/** Opens a connection to `port` of pod namespace/pod; resolves once the API server accepted it. */
export async function openPortForward(transport: Transport, namespace: string, pod: string, port: number, o: PortForwardOptions = {}): Promise<Duplex> {
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/portforward`;
  const { url, headers, agent, facts } = await transport.upgrade({ path, query: { ports: port }, facts: { verb: 'create', resource: 'pods/portforward', namespace, name: pod } });
  const timeoutMs = o.timeoutMs ?? transport.defaultTimeoutMs;
  const state = { cancelled: false, timedOut: false, timeoutMs };
  if (o.signal?.aborted) throw transportError(null, facts, { ...state, cancelled: true });
  const ws = new WebSocket(url, [PORT_FORWARD_PROTOCOL], { headers, agent, handshakeTimeout: timeoutMs, perMessageDeflate: false });

  await new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      state.cancelled = true;
      ws.terminate();
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const done = (err?: Error) => {
      o.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    ws.once('open', () => {
      if (ws.protocol !== PORT_FORWARD_PROTOCOL) {
        ws.terminate();
        done(new AppError('K8S_UNSUPPORTED', `the API server ${facts.server} does not speak ${PORT_FORWARD_PROTOCOL} for port-forwarding (it chose "${ws.protocol}")`, { kind: 'port-forward', server: facts.server }));
      } else done();
    });
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(httpError(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), facts)));
      res.on('error', (e) => done(transportError(e, facts, state)));
    });
    ws.once('error', (err) => {
      if (/timed out/i.test(err.message)) state.timedOut = true;
      done(transportError(err, facts, state));
    });
  });
  return wrap(ws, `${namespace}/${pod}:${port}`);
}

function wrap(ws: WebSocket, where: string): Duplex {
  // The first message of each channel is the port number, not data.
  const announced = [false, false];
  const duplex = new Duplex({
    read() {
      if (ws.isPaused) ws.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      if (ws.readyState !== WebSocket.OPEN) return cb(new Error(`the port-forward to ${where} is closed`));
      ws.send(Buffer.concat([Buffer.from([0]), chunk]), { binary: true }, cb);
    },
    final(cb) {
      ws.close();
      cb();
    },
    destroy(err, cb) {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
      cb(err);
    },
  });
  ws.on('message', (data: Buffer, isBinary) => {
    const buf = isBinary ? data : Buffer.from(data);
    if (buf.length === 0) return;
    const channel = buf[0];
    let payload = buf.subarray(1);
    if (channel > 1) return;
    if (!announced[channel]) {
      announced[channel] = true;
      payload = payload.subarray(2);
      if (payload.length === 0) return;
    }
    if (channel === 1) {
      // The kubelet reports why it could not reach the port (nothing listens there, ...).
      duplex.destroy(new AppError('K8S_PORT_FORWARD', `port-forward to ${where}: ${payload.toString('utf8').trim()}`, { target: where }));
      return;
    }
    if (!duplex.push(payload)) ws.pause();
  });
  ws.on('close', () => duplex.push(null));
  ws.on('error', (err) => duplex.destroy(err));
  return duplex;
}
