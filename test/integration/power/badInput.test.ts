// Bad input: unknown nodes or groups refuse the request; a node without a BMC or credential, a
// BMC that answers garbage and a boot device the BMC refuses are that node's result, and the
// rest of the batch goes on.
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBmcs, type BmcGroup } from '../../../main/lab';
import type { PowerEvent } from '../../../shared/contract/schemas/power';
import { removeDir, tempStateDir } from '../ipmi/helpers';
import { FakeBmc } from '../ipmi/fakeBmc';
import { collect, powerAudit, powerFixture, type PowerFixture } from './helpers';

type PowerResult = Extract<PowerEvent, { type: 'result' }>;

describe('bad input to a power batch', () => {
  let dir: string;
  let lab: BmcGroup;
  let f: PowerFixture;
  let junk: dgram.Socket;
  let fake: FakeBmc;

  beforeAll(async () => {
    dir = tempStateDir('power-bad');
    lab = await startBmcs({ stateDir: dir, count: 3, sol: false, initialPower: 'on' });
    junk = dgram.createSocket('udp4');
    junk.on('message', (_b, r) => junk.send(randomBytes(40), r.port, r.address)); // answers anything with garbage
    await new Promise<void>((res) => junk.bind(0, '127.0.0.1', () => res()));
    fake = await FakeBmc.start({ users: { admin: 'fake-secret' }, suites: [3] }); // knows no boot options: 0xC1
    f = powerFixture('bad');
    f.addCredential('bmc', 'admin', lab.bmcs[0].password);
    f.addCredential('fake', 'admin', 'fake-secret');
    f.addNodes([
      ...lab.bmcs.map((b, i) => ({ name: `ok${i + 1}`, host: b.host, port: b.port, credential: 'bmc', groups: ['mixed'] })),
      { name: 'nobmc1', groups: ['mixed'] },
      { name: 'nocred1', host: '127.0.0.1', port: lab.bmcs[0].port, groups: ['mixed'] },
      { name: 'junk1', host: '127.0.0.1', port: junk.address().port, credential: 'bmc', groups: ['mixed'] },
      { name: 'fake1', host: '127.0.0.1', port: fake.port, credential: 'fake', groups: ['mixed'] },
    ]);
  }, 60_000);

  afterAll(async () => {
    await f?.close();
    junk?.close();
    await fake?.close();
    await lab?.stop();
    removeDir(dir);
  });

  const run = async (nodeset: string, action: 'status' | 'bootdev', options = {}) =>
    collect<PowerResult>((await f.caller().power.run({ nodeset, action, options })) as AsyncIterable<{ type: string }>);

  /** The error that refuses a batch before its first event (the AppError itself, unwrapped). */
  const refusal = async (nodeset: string): Promise<unknown> => {
    const events: unknown[] = [];
    try {
      for await (const e of await f.caller().power.run({ nodeset, action: 'status', options: {} })) events.push(e);
    } catch (e) {
      expect(events).toEqual([]);
      return (e as { cause?: unknown }).cause ?? e;
    }
    throw new Error('the batch was not refused');
  };

  it('unknown nodes refuse the whole request, naming them folded, and nothing runs', async () => {
    const before = lab.bmcs.length;
    const err = await refusal('ok[1-3],ghost[01-05],gpu7');
    expect(err).toMatchObject({ code: 'NODES_NOT_FOUND', params: { nodes: 'ghost[01-05],gpu7', count: 6 } });
    expect(powerAudit(f.app)[0]).toMatchObject({ action: 'status', result: 'failed', targets: 'ok[1-3],ghost[01-05],gpu7' });
    expect(powerAudit(f.app)[0].detail).toMatch(/^NODES_NOT_FOUND: ghost\[01-05\],gpu7 are not in the inventory/);
    expect(before).toBe(3);
  });

  it('an unknown group refuses the request too', async () => {
    expect(await refusal('@nosuch')).toMatchObject({ code: 'NODESET_UNKNOWN_GROUP', params: { group: '@nosuch' } });
  });

  it('per-node errors for no BMC, no credential and a BMC that speaks garbage; the rest goes on', async () => {
    const r = await run('@mixed', 'status', { timeoutMs: 5000 });
    expect(r.results.size).toBe(7);
    for (const n of ['ok1', 'ok2', 'ok3']) expect(r.results.get(n)).toMatchObject({ status: 'ok', power: 'on' });
    expect(r.results.get('nobmc1')).toMatchObject({ status: 'failed', error: { code: 'POWER_NO_BMC', params: { node: 'nobmc1' } } });
    expect(r.results.get('nocred1')).toMatchObject({ status: 'failed', error: { code: 'POWER_NO_CREDENTIAL', params: { node: 'nocred1' } } });
    expect(r.results.get('junk1')).toMatchObject({ status: 'failed', error: { code: 'IPMI_BAD_RESPONSE' } });
    expect(r.results.get('junk1')!.elapsedMs).toBeLessThan(2000); // judged on the garbage, not after the timeout
    expect(r.results.get('fake1')).toMatchObject({ status: 'ok', power: 'off' });
    expect(r.summary.line).toBe('3 on, 1 off, 3 failed: junk1,nobmc1,nocred1');
    expect(r.events[0]).toMatchObject({ type: 'plan', nodes: expect.arrayContaining([{ name: 'nobmc1', protocol: null }, { name: 'junk1', protocol: 'ipmi' }]) });
  });

  it('a boot device the BMC refuses fails that node with the completion code; the others get theirs', async () => {
    const r = await run('ok[1-2],fake1', 'bootdev', { bootDevice: 'pxe' });
    expect(r.results.get('fake1')).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'IPMI_COMPLETION_CODE', params: { completionCodeHex: '0xc1' } } });
    expect(r.results.get('fake1')!.error!.message).toMatch(/Set System Boot Options \(boot device pxe\) failed on BMC 127\.0\.0\.1:\d+: completion code 0xc1/);
    for (const n of ['ok1', 'ok2']) expect(r.results.get(n)).toMatchObject({ status: 'ok' });
    expect(await lab.readBootDevice(lab.bmcs[0].name)).toBe('pxe');
    expect(fake.openSessions).toBe(0);
    expect(r.summary).toMatchObject({ outcome: 'partial', failedNodeset: 'fake1' });
  });
});
