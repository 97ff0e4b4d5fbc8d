// How the client fails: fast and with stable codes, never leaking the password, never leaving a
// session open on the BMC.

import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBmcs, type BmcGroup, type BmcPeer } from '../../../main/lab';
import { IpmiEndpointPool, openIpmiSession, withIpmiSession } from '../../../main/protocols/ipmi';
import { activeSessions, removeDir, tempStateDir } from './helpers';
import { UdpRelay } from './udpRelay';

const WRONG = 'Wr0ng-Passw0rd';

async function udpServer(onMessage?: (s: dgram.Socket, buf: Buffer, r: dgram.RemoteInfo) => void): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  if (onMessage) s.on('message', (b, r) => onMessage(s, b, r));
  await new Promise<void>((res) => s.bind(0, '127.0.0.1', () => res()));
  return s;
}

async function closedPort(): Promise<number> {
  const s = await udpServer();
  const port = s.address().port;
  await new Promise<void>((res) => s.close(() => res()));
  return port;
}

const timed = async <T>(p: Promise<T>): Promise<{ ms: number; err: any }> => {
  const t0 = Date.now();
  const err = await p.then(
    () => undefined,
    (e) => e,
  );
  return { ms: Date.now() - t0, err };
};

describe('IPMI client failures', () => {
  let dir: string;
  let lab: BmcGroup;
  let bmc: BmcPeer;
  let pool: IpmiEndpointPool;
  const trace: string[] = [];
  const errors: unknown[] = [];

  beforeAll(async () => {
    dir = tempStateDir('fail');
    lab = await startBmcs({ stateDir: dir, count: 1, sol: false, initialPower: 'off' });
    bmc = lab.bmcs[0];
    pool = new IpmiEndpointPool({ trace: (l) => trace.push(l) });
  });

  afterAll(async () => {
    await pool?.close();
    await lab?.stop();
    removeDir(dir);
  });

  it('wrong password: IPMI_AUTH_FAILED at once, telling what to check, and the half-open session is dropped', async () => {
    const { ms, err } = await timed(withIpmiSession(pool, { ...bmc, password: WRONG }, (s) => s.chassisStatus(), { timeoutMs: 10_000 }));
    errors.push(err);
    expect(err).toMatchObject({ code: 'IPMI_AUTH_FAILED', params: { user: 'admin', stage: 'RAKP 2' } });
    expect(err.message).toContain('check the BMC password for user admin');
    expect(ms).toBeLessThan(1000);
    expect(pool.stats.sessionsOpen).toBe(0);
    expect(await activeSessions(bmc)).toBe(1); // the RAKP 3 with an error status closed it on the BMC
  });

  it('unknown user: IPMI_UNKNOWN_USER at once', async () => {
    const { ms, err } = await timed(withIpmiSession(pool, { ...bmc, user: 'nobody' }, (s) => s.chassisStatus(), { timeoutMs: 10_000 }));
    errors.push(err);
    expect(err).toMatchObject({ code: 'IPMI_UNKNOWN_USER', params: { user: 'nobody', status: 0x0d } });
    expect(err.message).toMatch(/does not know user nobody/);
    expect(ms).toBeLessThan(1000);
    expect(await activeSessions(bmc)).toBe(1);
  });

  it('closed port: IPMI_UNREACHABLE from the ICMP error, long before the timeout', async () => {
    const port = await closedPort();
    const { ms, err } = await timed(
      withIpmiSession(pool, { ...bmc, port }, (s) => s.chassisStatus(), { timeoutMs: 10_000, retransmitMs: 300 }),
    );
    errors.push(err);
    expect(err).toMatchObject({ code: 'IPMI_UNREACHABLE', params: { cause: 'ICMP port unreachable', stage: 'Get Channel Authentication Capabilities' } });
    expect(ms).toBeLessThan(1000); // one retransmission interval plus the probe
  });

  it('unresolvable host name: IPMI_UNREACHABLE', async () => {
    const { err } = await timed(withIpmiSession(pool, { ...bmc, host: 'no-such-bmc.invalid' }, (s) => s.chassisStatus()));
    expect(err).toMatchObject({ code: 'IPMI_UNREACHABLE', params: { host: 'no-such-bmc.invalid' } });
  });

  it('silent port: IPMI_TIMEOUT after timeoutMs, with retransmissions', async () => {
    const silent = await udpServer(() => undefined);
    const { ms, err } = await timed(
      withIpmiSession(pool, { ...bmc, port: silent.address().port }, (s) => s.chassisStatus(), { timeoutMs: 800, retransmitMs: 150 }),
    );
    silent.close();
    errors.push(err);
    expect(err.code).toBe('IPMI_TIMEOUT');
    expect(err.params.transmissions).toBeGreaterThanOrEqual(5);
    expect(err.message).toMatch(/did not answer Get Channel Authentication Capabilities within 800 ms/);
    expect(ms).toBeGreaterThanOrEqual(790);
    expect(ms).toBeLessThan(1500);
  });

  it('garbage answers: IPMI_BAD_RESPONSE, without waiting for the timeout', async () => {
    const junk = await udpServer((s, _b, r) => {
      for (let i = 0; i < 3; i++) s.send(randomBytes(40), r.port, r.address);
    });
    const { ms, err } = await timed(
      withIpmiSession(pool, { ...bmc, port: junk.address().port }, (s) => s.chassisStatus(), { timeoutMs: 10_000, retransmitMs: 200 }),
    );
    junk.close();
    errors.push(err);
    expect(err).toMatchObject({ code: 'IPMI_BAD_RESPONSE' });
    expect(ms).toBeLessThan(1000);
  });

  it('cipher suite 17 against ipmi_sim (no SHA-256 there): IPMI_CIPHER_UNSUPPORTED suggesting suite 3', async () => {
    const { ms, err } = await timed(withIpmiSession(pool, { ...bmc, cipherSuite: 17 }, (s) => s.chassisStatus()));
    errors.push(err);
    expect(err).toMatchObject({ code: 'IPMI_CIPHER_UNSUPPORTED', params: { stage: 'Open Session', cipherSuite: 17 } });
    expect(err.message).toMatch(/try cipher suite 3/);
    expect(ms).toBeLessThan(1000);
    expect(await activeSessions(bmc)).toBe(1);
  });

  it('cancel while the BMC does not answer: IPMI_CANCELLED at once', async () => {
    const silent = await udpServer(() => undefined);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const { ms, err } = await timed(
      withIpmiSession(pool, { ...bmc, port: silent.address().port }, (s) => s.chassisStatus(), { timeoutMs: 10_000, signal: ac.signal }),
    );
    silent.close();
    expect(err).toMatchObject({ code: 'IPMI_CANCELLED' });
    expect(ms).toBeLessThan(400);
    const { err: again } = await timed(withIpmiSession(pool, bmc, (s) => s.chassisStatus(), { signal: ac.signal }));
    expect(again).toMatchObject({ code: 'IPMI_CANCELLED', params: { stage: 'session setup' } });
  });

  it('cancel during a request: IPMI_CANCELLED, and the session is still closed politely', async () => {
    const relay = await UdpRelay.start(bmc.host, bmc.port);
    try {
      const ac = new AbortController();
      const { ms, err } = await timed(
        withIpmiSession(
          pool,
          { ...bmc, port: relay.port },
          async (s) => {
            relay.blackhole = true; // the BMC "stops answering" mid-session
            setTimeout(() => {
              ac.abort();
              relay.blackhole = false; // ... and is back for the Close Session
            }, 200);
            return s.chassisStatus();
          },
          { timeoutMs: 10_000, retransmitMs: 50, signal: ac.signal },
        ),
      );
      expect(err).toMatchObject({ code: 'IPMI_CANCELLED', params: { stage: 'Get Chassis Status' } });
      expect(ms).toBeLessThan(1000);
      expect(pool.stats.sessionsOpen).toBe(0);
      expect(await activeSessions(bmc)).toBe(1);
    } finally {
      await relay.close();
    }
  });

  it('cancel during session setup drops the half-open session on the BMC', async () => {
    const relay = await UdpRelay.start(bmc.host, bmc.port);
    try {
      const ac = new AbortController();
      // Let Get Channel Auth Capabilities and Open Session through, then swallow everything.
      relay.policy = (n) => n > 4;
      setTimeout(() => {
        ac.abort();
        relay.policy = undefined;
      }, 300);
      const { err } = await timed(withIpmiSession(pool, { ...bmc, port: relay.port }, (s) => s.chassisStatus(), { retransmitMs: 50, signal: ac.signal }));
      expect(err).toMatchObject({ code: 'IPMI_CANCELLED', params: { stage: 'RAKP 1' } });
      await new Promise((r) => setTimeout(r, 100));
      expect(await activeSessions(bmc)).toBe(1);
    } finally {
      await relay.close();
    }
  });

  it('cancel while the Open Session answer is on its way: the client still learns the session and drops it', async () => {
    const relay = await UdpRelay.start(bmc.host, bmc.port);
    try {
      const ac = new AbortController();
      // The cancel lands just as the BMC's Open Session response (RMCP+ payload type 0x11) leaves it:
      // the BMC has allocated a session that only its ID (in that response) lets the client close.
      relay.policy = (_n, buf, direction) => {
        if (direction === 'to-client' && buf.length > 5 && buf[4] === 0x06 && (buf[5] & 0x3f) === 0x11) ac.abort();
        return false;
      };
      const { err } = await timed(withIpmiSession(pool, { ...bmc, port: relay.port }, (s) => s.chassisStatus(), { retransmitMs: 50, signal: ac.signal }));
      expect(ac.signal.aborted).toBe(true);
      expect(err).toMatchObject({ code: 'IPMI_CANCELLED', params: { stage: 'Open Session' } });
      await new Promise((r) => setTimeout(r, 100));
      expect(await activeSessions(bmc)).toBe(1);
    } finally {
      await relay.close();
    }
  });

  it('a closed session refuses requests; pool.close() closes the sessions still open', async () => {
    const s = await openIpmiSession(pool, bmc);
    await s.close();
    await expect(s.chassisStatus()).rejects.toMatchObject({ code: 'IPMI_CLOSED' });

    const p2 = new IpmiEndpointPool();
    await openIpmiSession(p2, bmc);
    await openIpmiSession(p2, bmc);
    expect(await activeSessions(bmc)).toBe(3);
    await p2.close();
    expect(await activeSessions(bmc)).toBe(1);
    await expect(openIpmiSession(p2, bmc)).rejects.toMatchObject({ code: 'IPMI_CLOSED' });
  });

  it('bad arguments: IPMI_INVALID_ARGUMENT', async () => {
    await expect(withIpmiSession(pool, { ...bmc, cipherSuite: 5 as never }, (s) => s.chassisStatus())).rejects.toMatchObject({ code: 'IPMI_INVALID_ARGUMENT' });
    await expect(withIpmiSession(pool, { ...bmc, privilege: 'root' as never }, (s) => s.chassisStatus())).rejects.toMatchObject({ code: 'IPMI_INVALID_ARGUMENT' });
    const long = 'x'.repeat(21);
    const err = await withIpmiSession(pool, { ...bmc, password: long }, (s) => s.chassisStatus()).catch((e) => e);
    expect(err).toMatchObject({ code: 'IPMI_INVALID_ARGUMENT' });
    expect(err.message).not.toContain(long);
  });

  it('no error and no trace line contains a password', () => {
    expect(errors.length).toBeGreaterThan(5);
    const text = JSON.stringify(errors.map((e: any) => ({ message: e.message, data: e.toData?.() }))) + trace.join('\n');
    expect(trace.length).toBeGreaterThan(10);
    for (const secret of [bmc.password, WRONG]) expect(text).not.toContain(secret);
  });
});
