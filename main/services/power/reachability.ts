// The reachability pre-check: is anything answering at the BMC's address? Cheap probes, so a
// dead BMC costs one short check instead of a full session timeout, and a window slot is never
// spent on it.
//   IPMI: the session's own first request, an unauthenticated Get Channel Authentication
//   Capabilities, from a connected UDP socket (Linux reports ICMP port unreachable only to
//   connected sockets), resent every `intervalMs` so a lossy link still gets through; from the
//   second round on an RMCP/ASF presence ping goes along (some BMCs answer only that). The answer
//   is handed to the session, which then starts at Open Session: the check costs no extra round
//   trip. Any answer counts: a BMC that speaks garbage is judged by the real operation.
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
 * Resolves with the answer when something answers, false when the port is refused; keeps trying
 * until `signal` aborts. `privilege`: the level the session will ask for (in the request).
 */
export function pingRmcp(host: string, port: number, intervalMs: number, signal: AbortSignal, privilege = 0x04): Promise<PingAnswer | false> {
  return new Promise<PingAnswer | false>((resolve) => {
    if (signal.aborted) return resolve(false);
    const s = dgram.createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    const tag = randomBytes(1)[0];
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
