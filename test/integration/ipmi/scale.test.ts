// Many BMCs over one UDP socket: 100 ipmi_sim BMCs, one pool, every session closed.

import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBmcs, type BmcGroup } from '../../../main/lab';
import { IpmiEndpointPool, NetFn, ipmiBatch, withIpmiSession } from '../../../main/protocols/ipmi';
import { activeSessions, removeDir, tempStateDir } from './helpers';

describe('IPMI to 100 BMCs over one socket', () => {
  let dir: string;
  let lab: BmcGroup;

  beforeAll(async () => {
    dir = tempStateDir('scale');
    // Every fourth BMC is powered on: status must tell them apart.
    lab = await startBmcs({ stateDir: dir, count: 100, sol: false, initialPower: 'off' });
    for (let i = 0; i < 100; i += 4) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(`${lab.dir}/power/${lab.bmcs[i].name}`, '1\n');
    }
  }, 120_000);

  afterAll(async () => {
    await lab?.stop();
    removeDir(dir);
  });

  it('reads the power state of 50 and then 100 BMCs concurrently through a single socket', { timeout: 60_000 }, async () => {
    const created = vi.spyOn(dgram, 'createSocket');
    const pool = new IpmiEndpointPool();
    try {
      const timings: Record<number, number> = {};
      for (const n of [50, 100]) {
        const t0 = performance.now();
        const results = await ipmiBatch(pool, lab.bmcs.slice(0, n), (s) => s.chassisStatus(), { concurrency: 100 });
        timings[n] = Math.round(performance.now() - t0);
        expect(results.filter((r) => !r.ok)).toEqual([]);
        results.forEach((r, i) => expect(r.ok && r.value.powerOn).toBe(i % 4 === 0));
      }
      console.log(`IPMI chassis status over one socket: 50 BMCs ${timings[50]} ms, 100 BMCs ${timings[100]} ms`);
      expect(created).toHaveBeenCalledTimes(1); // one socket for all of it, no probes were needed
      expect(pool.stats.sessionsOpen).toBe(0);
      expect(pool.stats.unrouted).toBe(0);
      expect(timings[100]).toBeLessThan(10_000);
    } finally {
      created.mockRestore();
      await pool.close();
    }
  });

  it('demultiplexes several concurrent sessions to the same BMC', async () => {
    const pool = new IpmiEndpointPool();
    try {
      const b = lab.bmcs[1];
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          withIpmiSession(pool, b, async (s) => {
            // Get Session Info (App 0x3D), index 0: this session's handle, possible and active counts.
            const info = await s.request(NetFn.app, 0x3d, [0x00]);
            return { i, handle: info[0], active: info[2] & 0x3f, st: await s.chassisStatus() };
          }),
        ),
      );
      expect(new Set(results.map((r) => r.handle)).size).toBe(8);
      expect(results.every((r) => r.st.powerOn === false)).toBe(true);
      expect(Math.max(...results.map((r) => r.active))).toBeGreaterThan(1);
    } finally {
      await pool.close();
    }
  });

  it('left no session open on any BMC', { timeout: 60_000 }, async () => {
    const pool = new IpmiEndpointPool();
    try {
      // Ask every BMC itself (Get Session Info: active sessions, this one included).
      const counts = await ipmiBatch(pool, lab.bmcs, async (s) => (await s.request(NetFn.app, 0x3d, [0x00]))[2] & 0x3f);
      expect(counts.map((r) => (r.ok ? r.value : -1))).toEqual(lab.bmcs.map(() => 1));
    } finally {
      await pool.close();
    }
    expect(await activeSessions(lab.bmcs[0])).toBe(1);
    expect(await activeSessions(lab.bmcs[99])).toBe(1);
  });
});
