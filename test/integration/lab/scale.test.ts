import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_BMCS_PER_PROCESS, isRunning, probeBmcs, startBmcs, unboundOf, type BmcGroup } from '../../../main/lab';
import { ipmitool, removeDir, tempStateDir } from './helpers';

describe('lab: 100 BMCs', () => {
  const dir = tempStateDir('scale');
  let group: BmcGroup | undefined;

  afterAll(async () => {
    await group?.stop();
    removeDir(dir);
  });

  it('start in a few seconds with the default BMCs per process, all answer, and stop cleanly', async () => {
    const t0 = performance.now();
    group = await startBmcs({ stateDir: dir, count: 100 });
    const startMs = performance.now() - t0;
    const g = group;
    expect(g.bmcs).toHaveLength(100);
    expect(g.pids.filter((p) => p.kind === 'ipmi_sim')).toHaveLength(Math.ceil(100 / DEFAULT_BMCS_PER_PROCESS));
    expect(startMs).toBeLessThan(10_000);

    const ports = g.bmcs.map((b) => b.port);
    const t1 = performance.now();
    const answered = await probeBmcs(ports, 3000);
    const probeMs = performance.now() - t1;
    expect(ports.filter((p) => !answered.has(p))).toEqual([]);

    // Ten spread over all processes, by ipmitool over RMCP+.
    const sample = Array.from({ length: 10 }, (_, k) => g.bmcs[k * 10 + (k % 10)]);
    const infos = await Promise.all(sample.map((b) => ipmitool(b, 'mc', 'info')));
    for (const info of infos) expect(info).toMatch(/IPMI Version\s+:\s+2\.0/);
    const status = await Promise.all(sample.map((b) => ipmitool(b, 'chassis', 'power', 'status')));
    for (const s of status) expect(s).toContain('Chassis Power is on');

    console.log(`100 BMCs: started in ${startMs.toFixed(0)} ms, UDP probe of all in ${probeMs.toFixed(0)} ms`);

    const t2 = performance.now();
    await g.stop();
    const stopMs = performance.now() - t2;
    console.log(`100 BMCs: stopped in ${stopMs.toFixed(0)} ms`);
    expect(g.pids.filter((p) => isRunning(p.pid))).toEqual([]);
    expect(unboundOf('udp', ports)).toEqual(ports);
    group = undefined;
  });
});
