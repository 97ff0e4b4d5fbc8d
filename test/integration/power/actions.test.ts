// Every power action through the contract (service + router) against ipmi_sim BMCs from the lab,
// each checked against the BMC itself: the lab's chassis state and an independent ipmitool.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBmcs, type BmcGroup } from '../../../main/lab';
import type { PowerEvent, SensorsEvent, SelEvent } from '../../../shared/contract/schemas/power';
import { activeSessions, chassisEvents, ipmitool, removeDir, tempStateDir } from '../ipmi/helpers';
import { collect, powerAudit, powerFixture, type PowerFixture } from './helpers';

type PowerResult = Extract<PowerEvent, { type: 'result' }>;
type SensorsResult = Extract<SensorsEvent, { type: 'result' }>;
type SelResult = Extract<SelEvent, { type: 'result' }>;

describe('power actions through the contract', () => {
  let dir: string;
  let lab: BmcGroup;
  let f: PowerFixture;
  const NODES = 'gpu[01-06]';

  beforeAll(async () => {
    dir = tempStateDir('power-actions');
    lab = await startBmcs({ stateDir: dir, count: 6, sol: false, initialPower: 'off' });
    f = powerFixture('actions');
    f.addCredential('bmc', 'admin', lab.bmcs[0].password);
    f.addNodes(lab.bmcs.map((b, i) => ({ name: `gpu0${i + 1}`, host: b.host, port: b.port, credential: 'bmc', groups: ['gpu'] })));
  }, 60_000);

  afterAll(async () => {
    await f?.close();
    await lab?.stop();
    removeDir(dir);
  });

  const run = (action: PowerEvent extends never ? never : Parameters<ReturnType<PowerFixture['caller']>['power']['run']>[0]['action'], options = {}, nodeset = NODES) =>
    f.caller().power.run({ nodeset, action, options }).then((it) => collect<PowerResult>(it as AsyncIterable<{ type: string }>));
  const powerOf = async (i: number) => (await ipmitool(lab.bmcs[i], 'chassis', 'power', 'status')).trim();

  it('status: one result per node, the plan first and the summary last, agreeing with ipmitool', async () => {
    const r = await run('status');
    expect(r.events[0]).toMatchObject({ type: 'plan', action: 'status', nodes: lab.bmcs.map((_, i) => ({ name: `gpu0${i + 1}`, protocol: 'ipmi' })) });
    expect(r.events.at(-1)?.type).toBe('done');
    expect([...r.perNode.values()]).toEqual([1, 1, 1, 1, 1, 1]);
    for (const [name, res] of r.results) expect(res, name).toMatchObject({ status: 'ok', power: 'off', error: null, attempts: 1 });
    expect(await powerOf(0)).toBe('Chassis Power is off');
    expect(r.summary).toMatchObject({ total: 6, line: '6 off', outcome: 'ok', failedNodeset: '', cancelled: false });
  });

  it('on, then off, with the state in the lab, in ipmitool and in the last known states', async () => {
    const on = await run('on', {}, 'gpu[01-03]');
    expect(on.summary.line).toBe('3 on');
    for (let i = 0; i < 3; i++) expect(await lab.readPower(lab.bmcs[i].name)).toBe('on');
    expect(await powerOf(1)).toBe('Chassis Power is on');
    expect(await lab.readPower(lab.bmcs[3].name)).toBe('off');
    const status = await run('status');
    expect(status.summary.line).toBe('3 on, 3 off'); // equal groups: by first node name
    expect([...status.results.values()].map((x) => x.power)).toEqual(['on', 'on', 'on', 'off', 'off', 'off']);
    expect(await f.caller().power.lastStates({ nodeset: NODES })).toEqual(
      ['on', 'on', 'on', 'off', 'off', 'off'].map((state, i) => ({ name: `gpu0${i + 1}`, state, checkedAt: expect.any(String) })),
    );
    const off = await run('off', {}, 'gpu02');
    expect(off.summary.line).toBe('1 off');
    expect(await powerOf(1)).toBe('Chassis Power is off');
    expect((await f.caller().power.lastStates({ nodeset: 'gpu02' }))[0].state).toBe('off');
  });

  it('cycle, reset and soft reach the chassis', async () => {
    expect((await run('cycle', {}, 'gpu01')).summary.line).toBe('1 cycled');
    expect((await run('reset', {}, 'gpu01')).summary.line).toBe('1 reset');
    expect(chassisEvents(lab.dir, lab.bmcs[0].name)).toEqual(expect.arrayContaining(['power 0', 'power 1', 'reset']));
    const soft = await run('soft', {}, 'gpu01');
    expect(soft.summary.line).toBe('1 shutdown requested');
    expect(soft.results.get('gpu01')).toMatchObject({ status: 'ok', power: null });
    expect(chassisEvents(lab.dir, lab.bmcs[0].name)).toContain('soft shutdown');
    expect(await powerOf(0)).toBe('Chassis Power is off');
  });

  it('identify and boot device (next boot and persistent UEFI), checked with ipmitool', async () => {
    expect((await run('identify', { identifySeconds: 5 }, 'gpu04')).summary.line).toBe('1 identifying');
    expect(chassisEvents(lab.dir, lab.bmcs[3].name).some((l) => l.startsWith('identify'))).toBe(true);
    expect((await run('bootdev', { bootDevice: 'pxe' }, 'gpu04')).summary.line).toBe('1 boot pxe');
    expect(await ipmitool(lab.bmcs[3], 'chassis', 'bootparam', 'get', '5')).toMatch(/Force PXE/);
    expect((await run('bootdev', { bootDevice: 'disk', persistent: true, uefi: true }, 'gpu04')).summary.line).toBe('1 boot disk (persistent) (UEFI)');
    // ipmi_sim keeps only the device (its chassis script stores "default"), not the persistent/EFI bits.
    expect(await ipmitool(lab.bmcs[3], 'chassis', 'bootparam', 'get', '5')).toMatch(/Force Boot from default Hard-Drive/);
    expect(await lab.readBootDevice(lab.bmcs[3].name)).toBe('default');
    expect((await run('bootdev', { bootDevice: 'bios' }, 'gpu04')).summary.line).toBe('1 boot bios');
    expect(await lab.readBootDevice(lab.bmcs[3].name)).toBe('bios');
  });

  it('bootdev without a device is refused by the contract before anything runs', async () => {
    await expect(f.caller().power.run({ nodeset: NODES, action: 'bootdev', options: {} })).rejects.toThrow(/bootDevice/);
  });

  it('sensors: the same readings as ipmitool', async () => {
    await run('on', {}, 'gpu05');
    const r = await collect<SensorsResult>((await f.caller().power.sensors({ nodeset: 'gpu05', options: {} })) as AsyncIterable<{ type: string }>);
    const sensors = r.results.get('gpu05')!.sensors!;
    expect(sensors.map((s) => s.name)).toEqual(['CPU Temp', 'Fan1', '12V', 'PSU1 Power']);
    const list = await ipmitool(lab.bmcs[4], 'sensor', 'list');
    for (const s of sensors) {
      const row = list.split('\n').find((l) => l.startsWith(s.name))!.split('|').map((c) => c.trim());
      expect(s.value, s.name).toBeCloseTo(Number(row[1]), 2);
      expect(s.unit).toBe(row[2]);
      expect(s.status).toBe('ok');
    }
    expect(r.summary.line).toBe('1 read');
  });

  it('SEL: list the four lab entries, clear, list again', async () => {
    const list = async () => collect<SelResult>((await f.caller().power.sel({ nodeset: 'gpu06', op: 'list', options: {} })) as AsyncIterable<{ type: string }>);
    const before = (await list()).results.get('gpu06')!.entries!;
    expect(before).toHaveLength(4);
    expect(before[2]).toMatchObject({ id: 3, sensor: 'Temperature #1', event: 'Upper Non-critical going high | Asserted' });
    expect(before[2].time).toMatch(/^\d{4}-\d\d-\d\dT/);
    const cleared = await collect<SelResult>((await f.caller().power.sel({ nodeset: 'gpu06', op: 'clear', options: {} })) as AsyncIterable<{ type: string }>);
    expect(cleared.summary.line).toBe('1 cleared');
    const after = (await list()).results.get('gpu06')!.entries!;
    expect(after.length).toBeLessThanOrEqual(1); // the BMC may log "log area cleared"
    expect(await ipmitool(lab.bmcs[5], 'sel', 'info')).toMatch(/Entries\s*:\s*[01]\b/);
  });

  it('writes every batch to the audit log, and no password anywhere', async () => {
    const entries = powerAudit(f.app);
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['status', 'on', 'off', 'cycle', 'reset', 'soft', 'identify', 'bootdev', 'sensors', 'sel-list', 'sel-clear']));
    expect(entries.every((e) => e.result === 'ok')).toBe(true);
    const on = entries.find((e) => e.action === 'on')!;
    expect(on.targets).toBe('gpu05');
    expect(JSON.parse(on.params)).toMatchObject({ fanout: expect.any(Number), timeoutMs: 10_000, retries: 1, precheck: true });
    const dump = JSON.stringify(f.app.db.prepare('SELECT * FROM audit_log').all());
    expect(dump).not.toContain(lab.bmcs[0].password);
  });

  it('left no session open on any BMC', async () => {
    for (let i = 0; i < lab.bmcs.length; i++) expect(await activeSessions(lab.bmcs[i])).toBe(1); // ipmitool's own
  });
});
