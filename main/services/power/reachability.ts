// The reachability pre-check: is anything answering at the BMC's address? Cheap probes, so a
// dead BMC costs one short check instead of a full session timeout, and a window slot is never
// spent on it.
//   IPMI: an RMCP/ASF presence ping, then with it an unauthenticated Get Channel Authentication
//   Capabilities (the first packet of every session: some BMCs ignore pings) from a connected UDP
//   socket (Linux reports ICMP port unreachable only to connected sockets), resent every
//   `intervalMs` so a lossy link still gets through. Any answer counts: a BMC that speaks
//   garbage is judged by the real operation.
//   Redfish: a TCP connect.
import dgram from 'node:dgram';
import net from 'node:net';
import { isIP } from 'node:net';
import { randomBytes } from 'node:crypto';
import { encodeIpmiRequest, encodeV15 } from '../../protocols/ipmi/framing';
import { NetFn } from '../../protocols/ipmi';

const REFUSED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN']);
const RMCP_ASF_PING = (tag: number): Buffer => Buffer.from([0x06, 0x00, 0xff, 0x06, 0x00, 0x00, 0x11, 0xbe, 0x80, tag, 0x00, 0x00]);
// Channel 0x0e (this one) with bit 7 (IPMI 2.0 data), privilege USER.
const CHANNEL_AUTH_CAPS = (seq: number): Buffer =>
  encodeV15(encodeIpmiRequest({ netFn: NetFn.app, cmd: 0x38, data: Buffer.from([0x8e, 0x02]), rqSeq: seq & 0x3f }));

/** Resolves true when something answers, false when the port is refused; keeps trying until `signal` aborts. */
export function pingRmcp(host: string, port: number, intervalMs: number, signal: AbortSignal): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    if (signal.aborted) return resolve(false);
    const s = dgram.createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    const tag = randomBytes(1)[0];
    let timer: ReturnType<typeof setInterval> | undefined;
    let done = false;
    const finish = (answer: boolean): void => {
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
    s.on('message', () => finish(true));
    // The ICMP error of one ping surfaces on the socket or on the next send, depending on timing.
    const onError = (e: NodeJS.ErrnoException | null): void => {
      if (e && REFUSED.has(e.code ?? '')) finish(false);
    };
    s.on('error', onError);
    s.connect(port, host, () => {
      const ping = RMCP_ASF_PING(tag);
      const caps = CHANNEL_AUTH_CAPS(tag);
      // The ping alone first (cheapest for the BMC); from the second round on, Get Channel Auth
      // Capabilities too, for BMCs that do not answer pings.
      let round = 0;
      const send = (): void => {
        if (done) return;
        s.send(ping, onError);
        if (round++ > 0) s.send(caps, onError);
      };
      send();
      timer = setInterval(send, intervalMs);
    });
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
