// Half of all datagrams lost, in both directions: retransmission must still get every command
// through (each exchange succeeds with probability 1/4 per try, so many tries are needed).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBmcs, type BmcGroup, type BmcPeer } from '../../../main/lab';
import { IpmiEndpointPool, withIpmiSession } from '../../../main/protocols/ipmi';
import { activeSessions, ipmitool, removeDir, tempStateDir, until } from './helpers';
import { UdpRelay } from './udpRelay';

describe('IPMI over a link that drops 50% of the packets', () => {
  let dir: string;
  let lab: BmcGroup;
  let bmc: BmcPeer;
  let relay: UdpRelay;
  let pool: IpmiEndpointPool;
  const trace: string[] = [];

  beforeAll(async () => {
    dir = tempStateDir('lossy');
    lab = await startBmcs({ stateDir: dir, count: 1, sol: false, initialPower: 'off' });
    bmc = lab.bmcs[0];
    relay = await UdpRelay.start(bmc.host, bmc.port, { dropRate: 0.5, seed: 20240601 });
    pool = new IpmiEndpointPool({ trace: (l) => trace.push(l) });
  });

  afterAll(async () => {
    await pool?.close();
    await relay?.close();
    await lab?.stop();
    removeDir(dir);
  });

  it('opens sessions and runs commands through retransmission', { timeout: 120_000 }, async () => {
    const ep = { ...bmc, port: relay.port };
    const opts = { timeoutMs: 15_000, retransmitMs: 40, closeTimeoutMs: 1000 };
    for (let round = 0; round < 4; round++) {
      const want = round % 2 === 0 ? 'on' : 'off';
      const st = await withIpmiSession(
        pool,
        ep,
        async (s) => {
          const dev = await s.deviceId();
          expect(dev.manufacturerId).toBe(0x1291);
          await s.chassisControl(want === 'on' ? 'power-up' : 'power-down');
          return s.chassisStatus();
        },
        opts,
      );
      expect(st.powerOn).toBe(want === 'on');
      expect(await lab.readPower(bmc.name)).toBe(want);
    }
    const sensors = await withIpmiSession(pool, ep, (s) => s.sensors(), opts);
    expect(sensors.map((s) => s.name)).toEqual(['CPU Temp', 'Fan1', '12V', 'PSU1 Power']);
    expect(sensors.every((s) => s.state === 'ok')).toBe(true);

    expect(relay.stats.dropped).toBeGreaterThan(20);
    const ratio = relay.stats.dropped / (relay.stats.dropped + relay.stats.forwarded);
    expect(ratio).toBeGreaterThan(0.4);
    expect(ratio).toBeLessThan(0.6);
    expect(trace.filter((l) => l.includes('retransmission')).length).toBeGreaterThan(10);
    expect(await ipmitool(bmc, 'chassis', 'power', 'status')).toContain('Chassis Power is off');
    // Sessions whose Open Session Response was lost cannot be closed by anyone; ipmi_sim expires them after 30 s
    // (the duplicates we did see were aborted). Everything else was closed:
    expect(pool.stats.sessionsOpen).toBe(0);
    await until(async () => (await activeSessions(bmc)) <= 1 + trace.filter((l) => l.includes('Open Session: retransmission')).length, 1000);
  });

  it('a lost RAKP 4 does not fail the session: an authenticated answer confirms it', async () => {
    const relay2 = await UdpRelay.start(bmc.host, bmc.port);
    // Drop every RAKP 4 (RMCP+ payload type 0x15) on its way back: ipmi_sim ignores repeated RAKP 3s.
    relay2.policy = (_n, buf, dir) => dir === 'to-client' && buf.length > 5 && buf[4] === 0x06 && (buf[5] & 0x3f) === 0x15;
    try {
      const before = await activeSessions(bmc); // may still count half-open sessions leaked by the lossy run
      const from = trace.length;
      const st = await withIpmiSession(pool, { ...bmc, port: relay2.port }, (s) => s.chassisStatus(), { retransmitMs: 50 });
      expect(st.powerOn).toBe(false);
      expect(trace.slice(from).some((l) => l.includes('RAKP 4 lost; session confirmed by an authenticated answer'))).toBe(true);
      expect(relay2.stats.dropped).toBeGreaterThanOrEqual(1);
      expect(await activeSessions(bmc)).toBeLessThanOrEqual(before);
    } finally {
      await relay2.close();
    }
  });
});
