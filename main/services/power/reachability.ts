// The reachability pre-check: is anything answering at the BMC's address? Cheap probes, so a
// dead BMC costs one short check instead of a full session timeout, and a window slot is never
// spent on it.
//   IPMI: the session's own first request, an unauthenticated Get Channel Authentication
//   Capabilities, from a connected UDP socket (Linux reports ICMP port unreachable only to
//   connected sockets), resent every `intervalMs` so a lossy link still gets through; from the
//   second round on an RMCP/ASF presence ping goes along (some BMCs answer only that). The answer
//   is handed to the session, which then starts at Open Session: the check costs no extra round
//   trip. Any answer counts: a BMC that speaks garbage is judged by the real operation.
//   With a SharedPinger (one per batch), the first request leaves from one shared unconnected
//   socket instead: most BMCs answer it within a few intervals, and a socket per BMC (create,
//   bind, connect, close) was ~0.2 ms of CPU per BMC. Only a BMC silent for that first interval
//   gets the connected socket, which can see ICMP port unreachable.
//   Redfish: a TCP connect.
import dgram from 'node:dgram';
import net from 'node:net';
import { isIP } from 'node:net';
import { randomBytes } from 'node:crypto';
import { channelAuthAnswer, channelAuthRequest, type RawResponse } from '../../protocols/ipmi';

const REFUSED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN']);
const RMCP_ASF_PING = (tag: number): Buffer => Buffer.from([0x06, 0x00, 0xff, 0x06, 0x00, 0x00, 0x11, 0xbe, 0x80, tag, 0x00, 0x00]);

/** Something answered; `channelAuth` when it was the answer to Get Channel Authentication Capabilities. */
export interface PingAnswer { channelAuth?: RawResponse }

/**
 * How many pre-check intervals the shared socket's request is given before a connected socket takes
 * over. Hundreds of requests leave at once and their answers queue behind each other: after one
 * interval (100 ms by default) 400 of 500 lab BMCs had not been heard yet. A refused port is told
 * this much later; a dead BMC still costs no session window slot.
 */
const SHARED_WAIT_ROUNDS = 4;

/** One unconnected IPv4 socket for a batch's first pre-check requests; answers are routed by address and port. */
export class SharedPinger {
  private socket?: dgram.Socket;
  private readonly waiting = new Map<string, (buf: Buffer) => void>();
  private closed = false;

  /** Sends `buf` to host:port and calls onAnswer with the first datagram from there; false when it cannot (then ping alone). */
  ask(host: string, port: number, buf: Buffer, onAnswer: (buf: Buffer) => void): boolean {
    const key = `${host}|${port}`;
    if (this.closed || isIP(host) !== 4 || this.waiting.has(key)) return false;
    if (!this.socket) {
      const s = dgram.createSocket('udp4');
      s.on('message', (m, r) => {
        const k = `${r.address}|${r.port}`;
        const w = this.waiting.get(k);
        if (!w) return;
        this.waiting.delete(k);
        w(m);
      });
      s.on('error', () => undefined); // a lost first request only means the connected socket takes over
      s.bind(0, () => {
        try {
          s.setRecvBufferSize(4 * 1024 * 1024); // hundreds of BMCs answer at once: a dropped answer costs a socket
        } catch {
          /* the kernel limit applies */
        }
      });
      this.socket = s;
    }
    this.waiting.set(key, onAnswer);
    this.socket.send(buf, port, host, () => undefined);
    return true;
  }

  /** Stops waiting for host:port (answered elsewhere, refused or cancelled). */
  forget(host: string, port: number): void {
    this.waiting.delete(`${host}|${port}`);
  }

  close(): void {
    this.closed = true;
    this.waiting.clear();
    try {
      this.socket?.close();
    } catch {
      /* never bound */
    }
  }
}

/**
 * Resolves with the answer when something answers, false when the port is refused; keeps trying
 * until `signal` aborts. `privilege`: the level the session will ask for (in the request).
 * `shared`: send the first request from the batch's shared socket (see SharedPinger).
 */
export function pingRmcp(host: string, port: number, intervalMs: number, signal: AbortSignal, privilege = 0x04, shared?: SharedPinger): Promise<PingAnswer | false> {
  return new Promise<PingAnswer | false>((resolve) => {
    if (signal.aborted) return resolve(false);
    const tag = randomBytes(1)[0];
    const rqSeq = tag & 0x3f;
    if (!shared) return pingConnected(host, port, intervalMs, signal, privilege, tag, resolve);
    let waiting = true;
    const stopWaiting = (): void => {
      waiting = false;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      shared.forget(host, port);
    };
    const onAbort = (): void => {
      stopWaiting();
      resolve(false);
    };
    const asked = shared.ask(host, port, channelAuthRequest(privilege, rqSeq), (buf) => {
      if (!waiting) return;
      stopWaiting();
      resolve({ channelAuth: channelAuthAnswer(buf, rqSeq) });
    });
    if (!asked) return pingConnected(host, port, intervalMs, signal, privilege, tag, resolve);
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      if (!waiting) return;
      stopWaiting();
      pingConnected(host, port, intervalMs, signal, privilege, tag, resolve);
    }, SHARED_WAIT_ROUNDS * intervalMs);
  });
}

/** The pre-check from a socket of its own, connected, so that a refused port shows (ICMP). */
function pingConnected(
  host: string,
  port: number,
  intervalMs: number,
  signal: AbortSignal,
  privilege: number,
  tag: number,
  resolve: (answer: PingAnswer | false) => void,
): void {
  if (signal.aborted) return resolve(false);
  const s = dgram.createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
  const rqSeq = tag & 0x3f;
  let timer: ReturnType<typeof setInterval> | undefined;
  let done = false;
  const finish = (answer: PingAnswer | false): void => {
    if (done) return;
    done = true;
    clearInterval(timer);
    signal.removeEventListener('abort', onAbort);
    try {
      s.close();
    } catch {
      /* already closed */
    }
    resolve(answer);
  };
  const onAbort = (): void => finish(false);
  signal.addEventListener('abort', onAbort, { once: true });
  s.on('message', (buf) => finish({ channelAuth: channelAuthAnswer(buf, rqSeq) }));
  // The ICMP error of one ping surfaces on the socket or on the next send, depending on timing.
  const onError = (e: NodeJS.ErrnoException | null): void => {
    if (e && REFUSED.has(e.code ?? '')) finish(false);
  };
  s.on('error', onError);
  s.connect(port, host, () => {
    const caps = channelAuthRequest(privilege, rqSeq);
    const ping = RMCP_ASF_PING(tag);
    let round = 0;
    const send = (): void => {
      if (done) return;
      s.send(caps, onError);
      if (round++ > 0) s.send(ping, onError);
    };
    send();
    timer = setInterval(send, intervalMs);
  });
}

/** Resolves true when a TCP connection opens, false when it is refused or the host is unreachable. */
export function tcpConnect(host: string, port: number, signal: AbortSignal): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    if (signal.aborted) return resolve(false);
    const sock = net.connect({ host, port });
    const finish = (answer: boolean): void => {
      signal.removeEventListener('abort', onAbort);
      sock.destroy();
      resolve(answer);
    };
    const onAbort = (): void => finish(false);
    signal.addEventListener('abort', onAbort, { once: true });
    sock.once('connect', () => finish(true));
    sock.once('error', () => finish(false));
  });
}
