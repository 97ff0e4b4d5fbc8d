// inventory.listNodes with ifNoneMatch, through the contract: the etag follows exactly what would be sent, whoever
// changed the store; a caller holding the current list gets no items; a stale or made-up etag gets the whole list.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../main/app';
import { appRouter } from '../../../shared/contract/router';
import { tempDir } from '../../support/tmp';

describe('inventory.listNodes etag', () => {
  const t = tempDir('cd-list-etag-');
  const actor = { user: 'tester', via: 'cli' as const };
  let app: App;
  let api: ReturnType<typeof appRouter.createCaller>['inventory'];
  const list = (ifNoneMatch: string, nodeset?: string) => api.listNodes({ offset: 0, limit: 100_000, ifNoneMatch, nodeset });

  beforeAll(async () => {
    app = createApp({ dataDir: path.join(t.dir, 'data'), passphrase: 'test-passphrase' });
    api = appRouter.createCaller({ services: app.services, actor }).inventory;
    await api.addRack({ name: 'r1' });
    await api.addRack({ name: 'r2' });
    for (let i = 1; i <= 5; i++) await api.addNode({ name: `n${i}`, hostname: `10.0.0.${i}`, rack: 'r1', u: i });
    await api.addGroup({ name: 'gpu' });
  });
  afterAll(() => app.close());

  it('answers the same etag for the same list, and no items to a caller that holds it', async () => {
    const first = await list('');
    expect(first.items.map((n) => n.name)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
    expect(first.etag).toMatch(/^[\w-]{16,}$/);
    expect((await list('')).etag).toBe(first.etag);
    const again = await list(first.etag!);
    expect(again).toEqual({ total: 5, items: [], etag: first.etag, notModified: true });
  });

  it('gives no etag to callers that do not ask (the CLI, other services)', async () => {
    const plain = await api.listNodes({ offset: 0, limit: 100 });
    expect(plain.etag).toBeUndefined();
    expect(plain.items).toHaveLength(5);
  });

  it('changes the etag with every change of what is listed', async () => {
    const seen = new Set<string>();
    const now = async () => { const r = await list(''); expect(seen.has(r.etag!)).toBe(false); seen.add(r.etag!); return r; };
    await now();
    await api.addNode({ name: 'n6', hostname: '10.0.0.6' });
    expect((await now()).total).toBe(6);
    await api.setGroupMembers({ name: 'gpu', op: 'add', nodeset: 'n[1-2]' });
    expect((await now()).items[0].groups).toEqual(['gpu']);
    await api.updateNode({ name: 'n3', patch: { rack: 'r2', u: 10 } });
    await now();
    await api.updateNode({ name: 'n4', patch: { labels: { role: 'train' } } });
    await now();
    await api.removeNodes({ nodeset: 'n6' });
    expect((await now()).total).toBe(5);
  });

  it('keeps an etag per query: another node set is another list', async () => {
    const all = await list('');
    const some = await list('', 'n[1-2]');
    expect(some.items.map((n) => n.name)).toEqual(['n1', 'n2']);
    expect(some.etag).not.toBe(all.etag);
    expect((await list(all.etag!, 'n[1-2]')).notModified).toBeUndefined();
  });

  it('sends the whole list for a stale or made-up etag, and refuses an oversized one at the boundary', async () => {
    const stale = await list('');
    await api.addNode({ name: 'n7', hostname: '10.0.0.7' });
    const fresh = await list(stale.etag!);
    expect(fresh.notModified).toBeUndefined();
    expect(fresh.items.map((n) => n.name)).toContain('n7');
    expect((await list('not an etag')).items).toHaveLength(fresh.total);
    await expect(list('x'.repeat(129))).rejects.toThrow();
  });
});
