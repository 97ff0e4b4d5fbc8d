// One UDP socket (per address family) shared by any number of IPMI sessions, as FreeIPMI's ipmipower
// does. Incoming packets are demultiplexed by remote address + port and by the remote console session
// ID (which we allocate uniquely per pool and which the BMC echoes in every packet of the session).

import dgram from 'node:dgram';
import { ipmiError } from './errors';
import { randomByte, randomU32 } from './random';
import { ASF_PRESENCE_PONG, decodeAsf, encodeAsfPing, peekRouting, type Routing } from './framing';

export interface PacketListener {
  readonly consoleSid: number;
  readonly address: string;
  readonly port: number;
  /** routing is undefined when the packet is not RMCP at all (garbage from the endpoint). */
  onPacket(buf: Buffer, routing: Routing | undefined): void;
}

export interface IpmiPoolOptions {
  /** Local address to bind the IPv4 socket to (default all addresses). */
  bindAddress?: string;
  /** Local UDP port (default 0 = any). */
  bindPort?: number;
  /** Receives one line per notable event (stages, drops). Never contains passwords or keys. */
  trace?: (line: string) => void;
  /** At most this many connected probe sockets exist at once (see probe()); default 32. */
  maxConcurrentProbes?: number;
}

export type ProbeResult = 'refused' | 'alive' | 'silent';

export interface PoolStats {
  packetsIn: number;
  packetsOut: number;
  unrouted: number;
  sessionsOpen: number;
}

const endpointKey = (address: string, port: number) => `${address}|${port}`;

/** Errors of sendto() that mean the BMC cannot be reached at all. */
export const UNREACHABLE_SEND_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'EADDRNOTAVAIL']);

export class IpmiEndpointPool {
  private readonly opts: IpmiPoolOptions;
  private sockets = new Map<4 | 6, Promise<dgram.Socket>>();
  private bySid = new Map<number, PacketListener>();
  private byEndpoint = new Map<string, Set<PacketListener>>();
  private closers = new Set<() => Promise<void>>();
  private probesRunning = 0;
  private inFlight = new Set<Promise<void>>();
  private closed = false;
  readonly stats: PoolStats = { packetsIn: 0, packetsOut: 0, unrouted: 0, sessionsOpen: 0 };

  constructor(opts: IpmiPoolOptions = {}) {
    this.opts = opts;
  }

  trace(line: string): void {
    this.opts.trace?.(line);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The local port of the IPv4 socket (binds it if needed); useful for tests and diagnostics. */
  async localPort(): Promise<number> {
    return (await this.socket(4)).address().port;
  }

  private socket(family: 4 | 6): Promise<dgram.Socket> {
    let p = this.sockets.get(family);
    if (!p) {
      p = new Promise<dgram.Socket>((resolve, reject) => {
        const s = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4' });
        s.on('message', (buf, rinfo) => this.dispatch(buf, rinfo.address, rinfo.port));
        // Unconnected UDP sockets do not report ICMP errors on Linux; see probe() for that.
        s.on('error', (e) => this.trace(`udp${family} socket error: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
        s.once('error', reject);
        const addr = family === 4 ? this.opts.bindAddress : undefined;
        s.bind({ port: family === 4 ? (this.opts.bindPort ?? 0) : 0, address: addr }, () => {
          s.off('error', reject);
          try {
            s.setRecvBufferSize(4 * 1024 * 1024); // hundreds of BMCs may answer at once
          } catch {
            /* the kernel limit applies */
          }
          resolve(s);
        });
      });
      this.sockets.set(family, p);
    }
    return p;
  }

  private dispatch(buf: Buffer, address: string, port: number): void {
    this.stats.packetsIn++;
    const routing = peekRouting(buf);
    if (routing?.kind === 'v20') {
      const sid = routing.sessionId !== 0 ? routing.sessionId : routing.payloadConsoleSid;
      if (sid !== undefined) {
        const l = this.bySid.get(sid);
        if (l && l.address === address && l.port === port) {
          l.onPacket(buf, routing);
          return;
        }
        if (routing.sessionId !== 0) {
          this.stats.unrouted++;
          this.trace(`dropped packet for unknown session 0x${sid.toString(16)} from ${address}:${port}`);
          return;
        }
      }
    }
    // v1.5 replies, ASF pongs, short RMCP+ error replies and garbage: offer to every session of the endpoint.
    const set = this.byEndpoint.get(endpointKey(address, port));
    if (!set || set.size === 0) {
      this.stats.unrouted++;
      return;
    }
    for (const l of [...set]) l.onPacket(buf, routing);
  }

  /** A fresh non-zero remote console session ID not used by any session of this pool. */
  allocateConsoleSid(): number {
    for (;;) {
      const sid = randomU32();
      if (sid !== 0 && !this.bySid.has(sid)) return sid;
    }
  }

  register(l: PacketListener): void {
    if (this.closed) throw ipmiError('IPMI_CLOSED', 'The IPMI endpoint pool is closed: create a new one.');
    this.bySid.set(l.consoleSid, l);
    const k = endpointKey(l.address, l.port);
    let set = this.byEndpoint.get(k);
    if (!set) this.byEndpoint.set(k, (set = new Set()));
    set.add(l);
    this.stats.sessionsOpen = this.bySid.size;
  }

  unregister(l: PacketListener): void {
    if (this.bySid.get(l.consoleSid) === l) this.bySid.delete(l.consoleSid);
    const k = endpointKey(l.address, l.port);
    const set = this.byEndpoint.get(k);
    if (set) {
      set.delete(l);
      if (set.size === 0) this.byEndpoint.delete(k);
    }
    this.stats.sessionsOpen = this.bySid.size;
  }

  /** Sessions register a polite close so that pool.close() can end them. */
  trackCloser(close: () => Promise<void>): () => void {
    this.closers.add(close);
    return () => this.closers.delete(close);
  }

  /** Sends one datagram; rejects with the socket error (code set) when sendto() fails. */
  async send(address: string, family: 4 | 6, port: number, buf: Buffer): Promise<void> {
    if (this.closed) throw ipmiError('IPMI_CLOSED', 'The IPMI endpoint pool is closed: create a new one.');
    const s = await this.socket(family);
    this.stats.packetsOut++;
    const p = new Promise<void>((resolve, reject) => s.send(buf, port, address, (e) => (e ? reject(e) : resolve())));
    const tracked = p.catch(() => undefined);
    this.inFlight.add(tracked);
    void tracked.then(() => this.inFlight.delete(tracked));
    await p;
  }

  /**
   * Is anybody listening on address:port? The shared socket is unconnected, and Linux reports ICMP
   * port-unreachable only to connected UDP sockets, so this sends an RMCP/ASF presence ping from a
   * short-lived connected socket: 'refused' when the port is closed, 'alive' on a pong, else 'silent'.
   */
  probe(address: string, family: 4 | 6, port: number, timeoutMs: number): Promise<ProbeResult> {
    if (this.closed || this.probesRunning >= (this.opts.maxConcurrentProbes ?? 32)) return Promise.resolve('silent');
    this.probesRunning++;
    return new Promise<ProbeResult>((resolve) => {
      const s = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
      const tag = randomByte();
      let done = false;
      const finish = (r: ProbeResult) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.probesRunning--;
        try {
          s.close();
        } catch {
          /* already closed */
        }
        resolve(r);
      };
      const timer = setTimeout(() => finish('silent'), timeoutMs);
      s.on('error', (e) => finish((e as NodeJS.ErrnoException).code === 'ECONNREFUSED' ? 'refused' : 'silent'));
      s.on('message', (m) => {
        try {
          const a = decodeAsf(m);
          if (a.type === ASF_PRESENCE_PONG && a.tag === tag) finish('alive');
        } catch {
          finish('alive'); // something answered
        }
      });
      s.connect(port, address, () => {
        const ping = encodeAsfPing(tag);
        s.send(ping, (e) => {
          if (e) finish(UNREACHABLE_SEND_ERRORS.has((e as NodeJS.ErrnoException).code ?? '') ? 'refused' : 'silent');
        });
        // A second ping a moment later: the ICMP error of the first may be reported on it.
        setTimeout(() => !done && s.send(ping, () => undefined), Math.min(50, timeoutMs / 2));
      });
    });
  }

  /** Closes every session politely (Close Session), then the sockets. */
  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.allSettled([...this.closers].map((c) => c()));
    this.closed = true;
    await Promise.allSettled([...this.inFlight]); // let the last datagrams (e.g. aborts) leave
    const socks = await Promise.allSettled([...this.sockets.values()]);
    for (const r of socks) {
      if (r.status === 'fulfilled') await new Promise<void>((res) => r.value.close(() => res()));
    }
    this.sockets.clear();
    this.bySid.clear();
    this.byEndpoint.clear();
  }
}
