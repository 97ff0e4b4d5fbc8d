// Redfish nodes in a batch, against the wire-level test server: trust on first use (an unknown
// certificate is a per-node error carrying its fingerprint; pinning takes exactly what was seen),
// every action, and a certificate that changed: that node fails, the rest of the batch is fine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBmcs, type BmcGroup } from '../../../main/lab';
import type { PowerEvent, SensorsEvent, SelEvent } from '../../../shared/contract/schemas/power';
import { RedfishTestServer, TEST_PASSWORD, TEST_USER, waitFor } from '../../support/redfish';
import { removeDir, tempStateDir } from '../ipmi/helpers';
import { collect, powerAudit, powerFixture, type PowerFixture } from './helpers';

type PowerResult = Extract<PowerEvent, { type: 'result' }>;

describe('Redfish BMCs in a power batch', () => {
  let dir: string;
  let lab: BmcGroup;
  let f: PowerFixture;
  const rf: RedfishTestServer[] = [];

  beforeAll(async () => {
    dir = tempStateDir('power-redfish');
    lab = await startBmcs({ stateDir: dir, count: 2, sol: false, initialPower: 'on' });
    for (let i = 0; i < 3; i++) rf.push(await RedfishTestServer.start({ gracefulMs: 50 }));
    f = powerFixture('redfish');
    f.addCredential('ipmi', 'admin', lab.bmcs[0].password);
    f.addCredential('rf', TEST_USER, TEST_PASSWORD);
    f.addNodes([
      ...rf.map((s, i) => ({ name: `rf${i + 1}`, host: s.host, port: s.port, protocol: 'redfish' as const, credential: 'rf', groups: ['mix'] })),
      ...lab.bmcs.map((b, i) => ({ name: `ip${i + 1}`, host: b.host, port: b.port, credential: 'ipmi', groups: ['mix'] })),
    ]);
  }, 60_000);

  afterAll(async () => {
    await f?.close();
    for (const s of rf) await s.close();
    await lab?.stop();
    removeDir(dir);
  });

  const run = async (action: 'status' | 'on' | 'off' | 'cycle' | 'reset' | 'soft' | 'identify' | 'bootdev', options = {}, nodeset = '@mix') =>
    collect<PowerResult>((await f.caller().power.run({ nodeset, action, options })) as AsyncIterable<{ type: string }>);
  const noSessionsLeft = () => rf.every((s) => s.openSessions === 0);

  it('an unknown certificate fails its node with the fingerprint, sends no credential, and the IPMI nodes go on', async () => {
    const r = await run('status');
    for (let i = 0; i < 3; i++) {
      expect(r.results.get(`rf${i + 1}`)).toMatchObject({ status: 'failed', error: { code: 'REDFISH_CERT_UNKNOWN', params: { fingerprint: rf[i].fingerprint } } });
      expect(rf[i].sessionsCreated).toBe(0);
      expect(rf[i].requests).toHaveLength(0);
    }
    expect(r.results.get('ip1')).toMatchObject({ status: 'ok', power: 'on' });
    expect(r.summary.line).toBe('2 on, 3 failed: rf[1-3]');
  });

  it('shows the certificates, and pins only what the BMC still presents', async () => {
    const certs = await f.caller().power.certificates({ nodeset: 'rf[1-3],ip1' });
    expect(certs.map((c) => [c.name, c.status, c.fingerprint])).toEqual([ // in node set order
      ['ip1', 'error', null], ['rf1', 'new', rf[0].fingerprint], ['rf2', 'new', rf[1].fingerprint], ['rf3', 'new', rf[2].fingerprint],
    ]);
    expect(certs[0].error).toMatchObject({ code: 'POWER_NOT_REDFISH' });
    expect(certs[1]).toMatchObject({ subject: 'CN=bmc', pinned: null });

    const wrong = await f.caller().power.trust({ entries: [{ name: 'rf1', fingerprint: rf[1].fingerprint }] });
    expect(wrong[0]).toMatchObject({ ok: false, error: { code: 'POWER_FINGERPRINT_MISMATCH' } });
    const pinned = await f.caller().power.trust({ entries: certs.filter((c) => c.status === 'new').map((c) => ({ name: c.name, fingerprint: c.fingerprint!.replace(/:/g, '').toLowerCase() })) });
    expect(pinned.map((p) => p.ok)).toEqual([true, true, true]);
    expect((await f.caller().power.certificates({ nodeset: 'rf[1-3]' })).map((c) => c.status)).toEqual(['pinned', 'pinned', 'pinned']);
    expect(powerAudit(f.app).slice(0, 2).map((e) => `${e.action}:${e.result}`)).toEqual(['trust:ok', 'trust:failed']);
  });

  it('status, off, on, cycle, reset and soft over Redfish, with the server\'s power state to match', async () => {
    expect((await run('status')).summary.line).toBe('5 on');
    expect((await run('off', {}, 'rf[1-2]')).summary.line).toBe('2 off');
    expect(rf.map((s) => s.state.powerState)).toEqual(['Off', 'Off', 'On']);
    const st = await run('status', {}, 'rf[1-3]');
    expect([...st.results.values()].map((x) => x.power)).toEqual(['off', 'off', 'on']);
    expect((await run('on', {}, 'rf1')).summary.line).toBe('1 on');
    expect(rf[0].state.powerState).toBe('On');
    expect((await run('cycle', {}, 'rf1')).summary.line).toBe('1 cycled');
    expect((await run('reset', {}, 'rf1')).summary.line).toBe('1 reset');
    const resets = rf[0].requests.filter((q) => q.path.endsWith('ComputerSystem.Reset')).map((q) => (q.body as { ResetType: string }).ResetType);
    expect(resets).toEqual(['ForceOff', 'On', 'PowerCycle', 'ForceRestart']);
    expect((await run('soft', {}, 'rf3')).summary.line).toBe('1 shutdown requested');
    await waitFor(() => rf[2].state.powerState === 'Off');
    expect(noSessionsLeft()).toBe(true);
    expect(await f.caller().power.lastStates({ nodeset: 'rf[1-3]' })).toMatchObject([{ name: 'rf1', state: 'on' }, { name: 'rf2', state: 'off' }, { name: 'rf3', state: 'on' }]);
  });

  it('boot override: next boot PXE, then persistent UEFI disk', async () => {
    expect((await run('bootdev', { bootDevice: 'pxe' }, 'rf1')).summary.line).toBe('1 boot pxe');
    expect(rf[0].state.boot).toMatchObject({ BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once' });
    await run('bootdev', { bootDevice: 'disk', persistent: true, uefi: true }, 'rf1');
    expect(rf[0].state.boot).toEqual({ BootSourceOverrideTarget: 'Hdd', BootSourceOverrideEnabled: 'Continuous', BootSourceOverrideMode: 'UEFI' });
    await run('bootdev', { bootDevice: 'bios' }, 'rf1');
    expect(rf[0].state.boot.BootSourceOverrideTarget).toBe('BiosSetup');
  });

  it('sensors from Thermal and Power; identify and the event log say plainly they are not there over Redfish', async () => {
    const s = await collect<Extract<SensorsEvent, { type: 'result' }>>((await f.caller().power.sensors({ nodeset: 'rf1,ip1', options: {} })) as AsyncIterable<{ type: string }>);
    const readings = s.results.get('rf1')!.sensors!;
    expect(readings.length).toBeGreaterThan(2);
    expect(readings.map((x) => x.kind)).toEqual(expect.arrayContaining(['temperature', 'fan']));
    expect(s.results.get('ip1')!.sensors!.map((x) => x.name)).toContain('CPU Temp');
    const id = await run('identify', {}, 'rf1,ip1');
    expect(id.results.get('rf1')).toMatchObject({ status: 'failed', error: { code: 'POWER_UNSUPPORTED', params: { protocol: 'Redfish' } } });
    expect(id.results.get('ip1')).toMatchObject({ status: 'ok' });
    const sel = await collect<Extract<SelEvent, { type: 'result' }>>((await f.caller().power.sel({ nodeset: 'rf1', op: 'list', options: {} })) as AsyncIterable<{ type: string }>);
    expect(sel.results.get('rf1')).toMatchObject({ status: 'failed', error: { code: 'POWER_UNSUPPORTED' } });
    expect(noSessionsLeft()).toBe(true);
  });

  it('a changed certificate fails that node only, with both fingerprints; re-pinning needs replace', async () => {
    const before = rf[1].fingerprint;
    await rf[1].restartWithNewCertificate();
    const requests = rf[1].requests.length;
    const r = await run('status');
    expect(r.results.get('rf2')).toMatchObject({ status: 'failed', error: { code: 'REDFISH_CERT_CHANGED', params: { pinnedFingerprint: before, presentedFingerprint: rf[1].fingerprint } } });
    expect(rf[1].requests.length).toBe(requests); // nothing was sent on the new certificate
    for (const n of ['rf1', 'rf3', 'ip1', 'ip2']) expect(r.results.get(n)).toMatchObject({ status: 'ok' });
    expect(r.summary).toMatchObject({ outcome: 'partial', failedNodeset: 'rf2' });

    const certs = await f.caller().power.certificates({ nodeset: 'rf2' });
    expect(certs[0]).toMatchObject({ status: 'changed', pinned: before, fingerprint: rf[1].fingerprint });
    const refused = await f.caller().power.trust({ entries: [{ name: 'rf2', fingerprint: rf[1].fingerprint }] });
    expect(refused[0]).toMatchObject({ ok: false, error: { code: 'POWER_PIN_EXISTS' } });
    expect((await f.caller().power.trust({ entries: [{ name: 'rf2', fingerprint: rf[1].fingerprint }], replace: true }))[0].ok).toBe(true);
    expect((await run('status', {}, 'rf2')).results.get('rf2')).toMatchObject({ status: 'ok' });
    expect(noSessionsLeft()).toBe(true);
  });
});
