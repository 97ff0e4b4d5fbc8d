// Every command of the client against real ipmi_sim BMCs (main/lab), cross-checked with ipmitool
// and the lab's chassis-control state files.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBmcs, type BmcGroup, type BmcPeer } from '../../../main/lab';
import { IpmiEndpointPool, NetFn, withIpmiSession, type IpmiSession } from '../../../main/protocols/ipmi';
import { activeSessions, chassisEvents, ipmitool, removeDir, tempStateDir, until } from './helpers';

describe('IPMI client commands against ipmi_sim', () => {
  let dir: string;
  let lab: BmcGroup;
  let pool: IpmiEndpointPool;
  let bmc: BmcPeer;
  const use = <T>(fn: (s: IpmiSession) => Promise<T>, b: BmcPeer = bmc) => withIpmiSession(pool, b, fn, { timeoutMs: 5000 });

  beforeAll(async () => {
    dir = tempStateDir('cmds');
    lab = await startBmcs({ stateDir: dir, count: 2, bmcsPerProcess: 1, sol: false, initialPower: 'off' });
    bmc = lab.bmcs[0];
    pool = new IpmiEndpointPool();
  });

  afterAll(async () => {
    await pool?.close();
    await lab?.stop();
    removeDir(dir);
  });

  afterEach(async () => {
    // Every session this client opened is closed again: only ipmitool's own session is active.
    expect(pool.stats.sessionsOpen).toBe(0);
    expect(await activeSessions(bmc)).toBe(1);
  });

  it('Get Device ID', async () => {
    const d = await use((s) => s.deviceId());
    expect(d).toMatchObject({ manufacturerId: 0x1291, productId: 0x0f02, firmwareVersion: '9.08', ipmiVersion: '2.0', available: true });
    expect(d.supports).toContain('chassis');
  });

  it('Get Chassis Status agrees with ipmitool and the lab state', async () => {
    const st = await use((s) => s.chassisStatus());
    expect(st.powerOn).toBe(false);
    expect(await ipmitool(bmc, 'chassis', 'power', 'status')).toContain('Chassis Power is off');
    expect(await lab.readPower(bmc.name)).toBe('off');
  });

  it('Chassis Control: power up, power down, power cycle, hard reset, soft shutdown', async () => {
    await use((s) => s.chassisControl('power-up'));
    expect(await lab.readPower(bmc.name)).toBe('on');
    expect(await ipmitool(bmc, 'chassis', 'power', 'status')).toContain('Chassis Power is on');
    expect((await use((s) => s.chassisStatus())).powerOn).toBe(true);

    await use((s) => s.chassisControl('power-down'));
    expect(await ipmitool(bmc, 'chassis', 'power', 'status')).toContain('Chassis Power is off');

    await use((s) => s.chassisControl('power-up'));
    await use((s) => s.chassisControl('power-cycle')); // ipmi_sim: off now, on again about 1 s later
    const events = chassisEvents(lab.dir, bmc.name);
    expect(events.slice(-2)).toEqual(['power 1', 'power 0']);
    await until(async () => (await lab.readPower(bmc.name)) === 'on', 5000);
    expect(chassisEvents(lab.dir, bmc.name).slice(-1)).toEqual(['power 1']);
    expect(await ipmitool(bmc, 'chassis', 'power', 'status')).toContain('Chassis Power is on');

    await use((s) => s.chassisControl('hard-reset'));
    expect(chassisEvents(lab.dir, bmc.name).slice(-1)).toEqual(['reset']);

    await use((s) => s.chassisControl('soft-shutdown'));
    expect(chassisEvents(lab.dir, bmc.name).slice(-1)).toEqual(['soft shutdown']);
    expect(await lab.readPower(bmc.name)).toBe('off');
    expect(await ipmitool(bmc, 'chassis', 'power', 'status')).toContain('Chassis Power is off');
  });

  it('Chassis Identify with an interval, forced on, and off', async () => {
    await use((s) => s.identify({ intervalSec: 5 }));
    expect(chassisEvents(lab.dir, bmc.name).slice(-1)).toEqual(['identify 5 0']); // interval, force
    await use((s) => s.identify({ force: true }));
    await use((s) => s.identify({ intervalSec: 0 }));
    expect(chassisEvents(lab.dir, bmc.name).slice(-2)).toEqual(['identify 15 1', 'identify 0 0']);
    await expect(use((s) => s.identify({ intervalSec: 300 }))).rejects.toMatchObject({ code: 'IPMI_INVALID_ARGUMENT' });
  });

  it('Set System Boot Options: PXE once, disk persistent (UEFI), BIOS setup', async () => {
    await use((s) => s.setBootDevice({ device: 'pxe', persistent: false, efi: false }));
    expect(await lab.readBootDevice(bmc.name)).toBe('pxe');
    expect((await use((s) => s.bootFlags())).device).toBe('pxe');
    await use((s) => s.setBootDevice({ device: 'disk', persistent: true, efi: true }));
    expect(await lab.readBootDevice(bmc.name)).toBe('default'); // ipmi_sim's name for "force boot from default hard drive"
    expect((await use((s) => s.bootFlags())).device).toBe('disk');
    await use((s) => s.setBootDevice({ device: 'bios', persistent: false, efi: false }));
    expect(await lab.readBootDevice(bmc.name)).toBe('bios');
    expect(await ipmitool(bmc, 'chassis', 'bootparam', 'get', '5')).toMatch(/Force Boot into BIOS Setup/);
  });

  it('reads every sensor from the SDR repository with the same values and thresholds as ipmitool', async () => {
    const readings = await use((s) => s.sensors({ queryThresholds: true }));
    const list = await ipmitool(bmc, 'sensor');
    // ipmitool sensor: name | value | unit | status | lnr | lcr | lnc | unc | ucr | unr
    const rows = list.trim().split('\n').map((l) => l.split('|').map((c) => c.trim()));
    expect(readings.map((r) => r.name)).toEqual(rows.map((r) => r[0]));
    const num = (v: string) => (v === 'na' ? undefined : Number(v));
    for (const r of readings) {
      const row = rows.find((x) => x[0] === r.name)!;
      expect(r.state).toBe('ok');
      expect(r.value).toBeCloseTo(Number(row[1]), 6);
      expect(r.unit).toBe(row[2]);
      expect(r.status).toBe('ok');
      const t = r.record.thresholds ?? {};
      expect([t.lowerNonRecoverable, t.lowerCritical, t.lowerNonCritical, t.upperNonCritical, t.upperCritical, t.upperNonRecoverable]).toEqual(
        row.slice(4, 10).map(num),
      );
    }
    const byName = Object.fromEntries(readings.map((r) => [r.name, r]));
    expect(byName['CPU Temp']).toMatchObject({ type: 'Temperature', unit: 'degrees C' });
    expect(byName['Fan1']).toMatchObject({ type: 'Fan', unit: 'RPM' });
    expect(byName['12V']).toMatchObject({ type: 'Voltage', unit: 'Volts' });
    expect(byName['PSU1 Power']).toMatchObject({ unit: 'Watts' });
  });

  it('walks a compact sensor record added to the repository (Add SDR)', async () => {
    const other = lab.bmcs[1];
    // ipmi_sim's Add SDR checks the request length against data[5] + 6 (the owner ID byte, not the
    // record length byte 4), so the record is sized to make both agree: 33 body bytes, owner 0x20.
    const name = Buffer.from('CPU Tc');
    // Compact record (table 43-2) pointing at sensor 1: entity 3.1, threshold type, degrees C.
    const body = [0x20, 0x00, 0x01, 0x03, 0x01, 0x41, 0x40, 0x01, 0x01, 0, 0, 0, 0, 0, 0, 0x00, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0xc0 | name.length, ...name];
    const rec = [0x00, 0x00, 0x51, 0x02, body.length, ...body];
    const added = await use((s) => s.rawRequest(NetFn.storage, 0x24, rec, { what: 'Add SDR' }), other);
    expect(added.completionCode).toBe(0);
    const readings = await use((s) => s.sensors(), other);
    const compact = readings.find((r) => r.name === 'CPU Tc')!;
    const full = readings.find((r) => r.name === 'CPU Temp')!;
    expect(compact.record.recordType).toBe('compact');
    expect(compact).toMatchObject({ type: 'Temperature', unit: 'degrees C', state: 'ok', raw: full.raw });
    expect(await activeSessions(other)).toBe(1);
  });

  it('SEL: info, entry walk and clear (with reservation)', async () => {
    const info = await use((s) => s.selInfo());
    expect(info.entries).toBe(4); // seeded by the lab
    expect(info.supportsReserve).toBe(true);
    expect(await ipmitool(bmc, 'sel', 'info')).toMatch(/Entries\s*:\s*4/);
    const entries = await use((s) => s.selEntries());
    expect(entries.map((e) => [e.kind, e.sensorTypeName, e.assertion])).toEqual([
      ['system', 'Event Logging Disabled', true],
      ['system', 'System Boot Initiated', true],
      ['system', 'Temperature', true],
      ['system', 'Temperature', false],
    ]);
    const now = Date.now();
    for (const e of entries) {
      expect(e.timestamp!.getTime()).toBeGreaterThan(now - 3 * 3600_000);
      expect(e.timestamp!.getTime()).toBeLessThan(now);
    }
    expect(entries[2]).toMatchObject({ sensorNumber: 1, eventType: 0x01, eventData: [0x57, 78, 75], generatorId: 0x20 });

    await use((s) => s.clearSel());
    expect((await use((s) => s.selInfo())).entries).toBe(0);
    expect(await use((s) => s.selEntries())).toEqual([]);
    expect(await ipmitool(bmc, 'sel', 'info')).toMatch(/Entries\s*:\s*0/);
  });

  it('several requests on one session, in order, and a completion code error that names the code', async () => {
    await use(async (s) => {
      const all = await Promise.all([s.deviceId(), s.chassisStatus(), s.selInfo(), s.deviceId()]);
      expect(all[0]).toEqual(all[3]);
      const err = await s.request(NetFn.app, 0x99, [], { what: 'Bogus command' }).catch((e) => e);
      expect(err).toMatchObject({ code: 'IPMI_COMPLETION_CODE', params: { completionCode: 0xc1 } });
      expect(err.message).toMatch(/Bogus command failed on BMC 127\.0\.0\.1:\d+: completion code 0xc1 \(invalid command/);
      // The session is still usable afterwards.
      expect((await s.chassisStatus()).powerOn).toBe(false);
    });
  });

  it('privilege: a USER session may read but not control the chassis (0xD4)', async () => {
    const err = await withIpmiSession(pool, { ...bmc, privilege: 'user' }, async (s) => {
      expect((await s.chassisStatus()).powerOn).toBe(false);
      return s.chassisControl('power-up').catch((e) => e);
    });
    expect(err).toMatchObject({ code: 'IPMI_COMPLETION_CODE', params: { completionCode: 0xd4 } });
    expect(err.message).toMatch(/insufficient privilege.*higher privilege/);
    expect(await lab.readPower(bmc.name)).toBe('off');
    await use((s) => s.chassisStatus()); // OPERATOR and ADMINISTRATOR both work:
    await withIpmiSession(pool, { ...bmc, privilege: 'OPERATOR' }, (s) => s.chassisControl('power-down'));
  });
});
