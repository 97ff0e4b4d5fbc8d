// Cancel mid-batch, by the caller's signal (Cancel button, Ctrl-C) or by the consumer leaving (a
// closed page): one result per node still, `cancelled` for what did not finish, every session
// closed, the audit entry completed as cancelled.
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBmcs, type BmcGroup } from '../../../main/lab';
import type { PowerEvent } from '../../../shared/contract/schemas/power';
import { activeSessions, removeDir, tempStateDir, until } from '../ipmi/helpers';
import { collect, powerAudit, powerFixture, type PowerFixture } from './helpers';

type PowerResult = Extract<PowerEvent, { type: 'result' }>;
const stats = (f: PowerFixture) => (f.app.services.power as unknown as { stats(): { sessionsOpen: number; batchesRunning: number } }).stats();

describe('cancelling a power batch', () => {
  let dir: string;
  let lab: BmcGroup;
  let f: PowerFixture;
  let silent: dgram.Socket[];

  beforeAll(async () => {
    dir = tempStateDir('power-cancel');
    lab = await startBmcs({ stateDir: dir, count: 30, sol: false, initialPower: 'off' });
    silent = await Promise.all(Array.from({ length: 4 }, () => new Promise<dgram.Socket>((res) => {
      const s = dgram.createSocket('udp4'); // swallows everything: a BMC that hangs
      s.bind(0, '127.0.0.1', () => res(s));
    })));
    f = powerFixture('cancel');
    f.addCredential('bmc', 'admin', lab.bmcs[0].password);
    f.addNodes([
      ...lab.bmcs.map((b, i) => ({ name: `c${String(i + 1).padStart(2, '0')}`, host: b.host, port: b.port, credential: 'bmc', groups: ['all30'] })),
      ...silent.map((s, i) => ({ name: `hang${i + 1}`, host: '127.0.0.1', port: s.address().port, credential: 'bmc', groups: ['hung'] })),
    ]);
  }, 60_000);

  afterAll(async () => {
    await f?.close();
    for (const s of silent ?? []) s.close();
    await lab?.stop();
    removeDir(dir);
  });

  it('Cancel (the signal): one result per node, the finished ones kept, the rest cancelled, in well under a second', async () => {
    const stop = new AbortController();
    let abortedAt = 0;
    let okSeen = 0;
    const r = await collect<PowerResult>((await f.caller(stop.signal).power.run({ nodeset: '@all30', action: 'on', options: { fanout: 2, staggerMs: 100 } })) as AsyncIterable<{ type: string }>, (e) => {
      if (e.type === 'result' && (e as unknown as PowerResult).status === 'ok' && ++okSeen === 4) {
        abortedAt = performance.now();
        stop.abort();
      }
    });
    const afterAbort = performance.now() - abortedAt;
    expect(afterAbort).toBeLessThan(1500);
    expect(r.results.size).toBe(30);
    expect([...r.perNode.values()].every((n) => n === 1)).toBe(true);
    const ok = [...r.results.values()].filter((x) => x.status === 'ok');
    const cancelled = [...r.results.values()].filter((x) => x.status === 'cancelled');
    expect(ok.length).toBeGreaterThanOrEqual(4);
    expect(ok.length + cancelled.length).toBe(30);
    expect(cancelled[0].error).toMatchObject({ code: 'BATCH_CANCELLED' });
    for (const x of ok) expect(await lab.readPower(lab.bmcs[Number(x.name.slice(1)) - 1].name)).toBe('on');
    expect(await lab.readPower(lab.bmcs[29].name)).toBe('off'); // never started
    expect(r.summary).toMatchObject({ cancelled: true, outcome: 'cancelled', total: 30 });
    expect(r.summary.line).toMatch(new RegExp(`^${ok.length} on, ${cancelled.length} cancelled: c\\[`));
    expect(powerAudit(f.app)[0]).toMatchObject({ action: 'on', result: 'cancelled', detail: r.summary.line });
    expect(stats(f)).toEqual({ sessionsOpen: 0, batchesRunning: 0 });
    for (const i of [0, 1, 2, 3, 4, 29]) expect(await activeSessions(lab.bmcs[i])).toBe(1);
  });

  it('cancel while BMCs hang mid-session: cancelled at once, not after the timeout, and the sessions are given up politely', async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 700);
    const r = await collect<PowerResult>((await f.caller(stop.signal).power.run({ nodeset: '@hung,c[01-02]', action: 'status', options: { timeoutMs: 20_000, precheck: false } })) as AsyncIterable<{ type: string }>);
    expect(r.ms).toBeLessThan(700 + 3000); // the abort, plus at most the Close Session attempts
    expect(r.results.get('c01')).toMatchObject({ status: 'ok' });
    for (let i = 1; i <= 4; i++) expect(r.results.get(`hang${i}`)).toMatchObject({ status: 'cancelled', attempts: 1 });
    expect(stats(f).sessionsOpen).toBe(0);
  });

  it('the consumer leaving (a closed page) cancels the batch and completes the audit entry', async () => {
    const it = (await f.caller().power.run({ nodeset: '@all30', action: 'status', options: { fanout: 1, staggerMs: 50 } })) as AsyncIterable<{ type: string }>;
    let results = 0;
    for await (const e of it) if (e.type === 'result' && ++results === 3) break;
    await until(() => stats(f).batchesRunning === 0, 3000);
    expect(stats(f).sessionsOpen).toBe(0);
    expect(powerAudit(f.app)[0]).toMatchObject({ action: 'status', result: 'cancelled', detail: 'cancelled after 3 of 30 result(s)' });
  });
});
