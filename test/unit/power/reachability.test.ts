import dgram from 'node:dgram';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pingRmcp, SharedPinger, tcpConnect } from '../../../main/services/power/reachability';

async function udp(onMessage?: (s: dgram.Socket, b: Buffer, r: dgram.RemoteInfo) => void): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  if (onMessage) s.on('message', (b, r) => onMessage(s, b, r));
  await new Promise<void>((res) => s.bind(0, '127.0.0.1', () => res()));
  return s;
}

describe('reachability pre-check', () => {
  const sockets: dgram.Socket[] = [];
  let closedPort: number;
  beforeAll(async () => {
    const s = await udp();
    closedPort = s.address().port;
    await new Promise<void>((res) => s.close(() => res()));
  });
  afterAll(() => { for (const s of sockets) s.close(); });

  it('alive on any answer, refused at once on a closed port', async () => {
    const echo = await udp((s, b, r) => s.send(b, r.port, r.address));
    sockets.push(echo);
    // An echo is an answer, though not to Get Channel Authentication Capabilities (the session then asks itself).
    expect(await pingRmcp('127.0.0.1', echo.address().port, 50, AbortSignal.timeout(2000))).toEqual({ channelAuth: undefined });
    const t0 = Date.now();
    expect(await pingRmcp('127.0.0.1', closedPort, 50, AbortSignal.timeout(2000))).toBe(false);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('keeps asking: Get Channel Auth Capabilities (the session\'s first request) alone first, an ASF ping with it from the second round', async () => {
    const seen: number[] = [];
    // Answers only the third datagram: a lossy link, or a BMC that ignores pings.
    const picky = await udp((s, b, r) => { seen.push(b[3]); if (seen.length === 3) s.send(Buffer.from([1]), r.port, r.address); });
    sockets.push(picky);
    expect(await pingRmcp('127.0.0.1', picky.address().port, 30, AbortSignal.timeout(2000))).toEqual({ channelAuth: undefined });
    expect(seen.slice(0, 3)).toEqual([0x07, 0x07, 0x06]); // RMCP class: IPMI, IPMI, then the ASF ping
  });

  it('gives up when its signal aborts on a silent port', async () => {
    const silent = await udp();
    sockets.push(silent);
    const t0 = Date.now();
    expect(await pingRmcp('127.0.0.1', silent.address().port, 50, AbortSignal.timeout(300))).toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('with a shared pinger: the first request of every BMC leaves from one socket; a silent or closed port falls back to a connected socket', async () => {
    const sources = new Set<number>();
    const echo = (s: dgram.Socket, b: Buffer, r: dgram.RemoteInfo) => {
      sources.add(r.port);
      s.send(b, r.port, r.address);
    };
    const a = await udp(echo);
    const b = await udp(echo);
    sockets.push(a, b);
    const pinger = new SharedPinger();
    try {
      const answers = await Promise.all([a, b].map((s) => pingRmcp('127.0.0.1', s.address().port, 200, AbortSignal.timeout(2000), 0x04, pinger)));
      expect(answers).toEqual([{ channelAuth: undefined }, { channelAuth: undefined }]);
      expect(sources.size).toBe(1); // both asked from the shared socket
      // A closed port: no ICMP reaches the unconnected socket, so after one interval the connected one sees it.
      expect(await pingRmcp('127.0.0.1', closedPort, 50, AbortSignal.timeout(2000), 0x04, pinger)).toBe(false);
      // Answers only its second datagram: the first (shared) one is lost, the connected socket gets through.
      let seen = 0;
      const late = await udp((s, m, r) => {
        if (++seen === 2) s.send(m, r.port, r.address);
      });
      sockets.push(late);
      expect(await pingRmcp('127.0.0.1', late.address().port, 50, AbortSignal.timeout(2000), 0x04, pinger)).toEqual({ channelAuth: undefined });
    } finally {
      pinger.close();
    }
  });

  it('TCP: true when a connection opens, false when refused', async () => {
    const server = net.createServer((c) => c.end());
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    const port = (server.address() as net.AddressInfo).port;
    expect(await tcpConnect('127.0.0.1', port, AbortSignal.timeout(2000))).toBe(true);
    await new Promise<void>((res) => server.close(() => res()));
    expect(await tcpConnect('127.0.0.1', port, AbortSignal.timeout(2000))).toBe(false);
  });
});
