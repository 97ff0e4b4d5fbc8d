// A UDP relay between the client and one BMC that drops packets (seeded, reproducible), or all of
// them while `blackhole` is set. One upstream socket per client address so replies find their way.

import dgram from 'node:dgram';

/** mulberry32: a small seeded PRNG so a lossy run can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RelayOptions {
  /** Probability to drop each packet, in each direction. */
  dropRate?: number;
  seed?: number;
}

export class UdpRelay {
  dropRate: number;
  blackhole = false;
  /** Drop decision by packet number (1-based, both directions counted) and content, before dropRate applies. */
  policy?: (n: number, buf: Buffer, direction: 'to-bmc' | 'to-client') => boolean;
  private count = 0;
  readonly stats = { forwarded: 0, dropped: 0 };
  private front = dgram.createSocket('udp4');
  private upstream = new Map<string, dgram.Socket>();
  private rand: () => number;

  private constructor(private readonly host: string, private readonly targetPort: number, o: RelayOptions) {
    this.dropRate = o.dropRate ?? 0;
    this.rand = prng(o.seed ?? 1);
  }

  static async start(host: string, port: number, o: RelayOptions = {}): Promise<UdpRelay> {
    const r = new UdpRelay(host, port, o);
    r.front.on('message', (buf, rinfo) => r.fromClient(buf, rinfo.address, rinfo.port));
    await new Promise<void>((res) => r.front.bind(0, '127.0.0.1', () => res()));
    return r;
  }

  get port(): number {
    return this.front.address().port;
  }

  private drop(buf: Buffer, direction: 'to-bmc' | 'to-client'): boolean {
    const n = ++this.count;
    if (this.blackhole || this.policy?.(n, buf, direction) || this.rand() < this.dropRate) {
      this.stats.dropped++;
      return true;
    }
    this.stats.forwarded++;
    return false;
  }

  private fromClient(buf: Buffer, address: string, port: number) {
    const key = `${address}:${port}`;
    let up = this.upstream.get(key);
    if (!up) {
      up = dgram.createSocket('udp4');
      up.on('message', (b) => {
        if (!this.drop(b, 'to-client')) this.front.send(b, port, address);
      });
      up.on('error', () => undefined);
      up.bind(0, '127.0.0.1');
      this.upstream.set(key, up);
    }
    if (!this.drop(buf, 'to-bmc')) up.send(buf, this.targetPort, this.host);
  }

  async close(): Promise<void> {
    for (const s of this.upstream.values()) s.close();
    await new Promise<void>((res) => this.front.close(() => res()));
  }
}
