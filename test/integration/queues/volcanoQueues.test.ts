// Volcano queues through the queues service and the contract (validation, audit), against the
// wire-level Kubernetes test API server; a cluster without Volcano gives one clear sentence.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../main/app';
import { createQueuesService } from '../../../main/services/queues';
import { appRouter } from '../../../shared/contract/router';
import type { Backend } from '../../../shared/contract/schemas/jobs';
import type { KubeClient } from '../../../main/protocols/kubernetes';
import { startCluster, until, type FakeKubeApiServer } from '../../support/k8s';
import { tempDir } from '../../support/tmp';

const actor = { user: 'tester', via: 'cli' as const };
const row = (name: string): Backend => ({ name, kind: 'kubernetes' as Backend['kind'], url: 'https://k8s', user: null, credential: `${name}-kubeconfig`, workDir: null, env: {}, createdAt: '' } as Backend);

describe('Volcano queues through the queues service', () => {
  const t = tempDir('clusterdeck-queues-volcano-');
  let app: App;
  let server: FakeKubeApiServer;
  let bare: FakeKubeApiServer;
  let api: ReturnType<typeof appRouter.createCaller>;
  let service: ReturnType<typeof createQueuesService>;

  beforeAll(async () => {
    app = createApp({ dataDir: join(t.dir, 'data'), passphrase: 'test-passphrase' });
    const withVolcano = await startCluster();
    const without = await startCluster({ addons: { kubeflow: true, volcano: false } });
    server = withVolcano.server;
    bare = without.server;
    const clients: Record<string, KubeClient> = { k8s: withVolcano.kube, bare: without.kube };
    const queues = createQueuesService({
      jobs: { listBackends: () => [row('k8s'), row('bare')], partitions: async () => [], nodes: async () => [] },
      audit: app.audit,
      slurmRunner: () => null,
      kube: (b) => clients[b.name],
      kubeUsageJobs: async () => [],
      timeoutMs: 5000,
    });
    service = queues;
    api = appRouter.createCaller({ services: { ...app.services, queues }, actor });
  });
  afterAll(async () => {
    await server?.close();
    await bare?.close();
    app?.close();
    t.cleanup();
  });

  it('creates a queue with quotas, lists it with the allocation Volcano reports, updates and deletes it, audit-logged', async () => {
    const created = await api.queues.create({ backend: 'k8s', name: 'research', weight: 3, reclaimable: false, deserved: { cpu: '64', 'nvidia.com/gpu': '8' }, guarantee: { 'nvidia.com/gpu': '2' }, capability: { cpu: '128', memory: '1Ti', 'nvidia.com/gpu': '16' } });
    expect(created).toMatchObject({ name: 'research', weight: 3, reclaimable: false, guarantee: { 'nvidia.com/gpu': '2' } });
    expect(server.object('scheduling.volcano.sh', 'queues', null, 'research')?.spec).toMatchObject({ weight: 3, reclaimable: false, guarantee: { resource: { 'nvidia.com/gpu': '2' } } });
    await until(() => server.object('scheduling.volcano.sh', 'queues', null, 'research')?.status?.state === 'Open', 'the queue to open');
    // Volcano's controller reports what the queue's running pods hold.
    server.update('scheduling.volcano.sh', 'queues', null, 'research', (q) => (q.status = { ...q.status, running: 0, allocated: { cpu: '12', 'nvidia.com/gpu': '4' } }));

    const [k8s] = await api.queues.list({ backend: 'k8s' });
    expect(k8s).toMatchObject({ backend: 'k8s', kind: 'volcano', error: null });
    expect(k8s.queues.find((q) => q.name === 'research')).toMatchObject({ state: 'Open', weight: 3, allocated: { cpu: '12', 'nvidia.com/gpu': '4' }, available: { cpu: '116', memory: '1Ti', 'nvidia.com/gpu': '12' }, capability: { memory: '1Ti' } });

    const updated = await api.queues.update({ backend: 'k8s', name: 'research', weight: 5, guarantee: null, reclaimable: true });
    expect(updated).toMatchObject({ weight: 5, guarantee: null, reclaimable: true, deserved: { cpu: '64', 'nvidia.com/gpu': '8' } });
    expect(server.object('scheduling.volcano.sh', 'queues', null, 'research')?.spec?.guarantee).toBeUndefined();

    await api.queues.remove({ backend: 'k8s', name: 'research' });
    expect(server.object('scheduling.volcano.sh', 'queues', null, 'research')).toBeFalsy();
    const audit = await api.audit.list({});
    const actions = JSON.stringify(audit);
    for (const a of ['queue-create', 'queue-update', 'queue-delete']) expect(actions).toContain(a);
  });

  it('refuses to delete a queue that still has jobs, naming them', async () => {
    await api.queues.create({ backend: 'k8s', name: 'busy' });
    await until(() => server.object('scheduling.volcano.sh', 'queues', null, 'busy')?.status?.state === 'Open', 'the queue to open');
    server.update('scheduling.volcano.sh', 'queues', null, 'busy', (q) => (q.status = { ...q.status, running: 2, pending: 1 }));
    await expect(api.queues.remove({ backend: 'k8s', name: 'busy' })).rejects.toMatchObject({ message: expect.stringMatching(/queue busy still has jobs \(2 running, 0 inqueue, 1 pending\)/) });
    expect(server.object('scheduling.volcano.sh', 'queues', null, 'busy')).toBeTruthy();
  });

  it('validates input before anything reaches the cluster', async () => {
    const before = server.requests.length;
    await expect(api.queues.create({ backend: 'k8s', name: 'Bad_Name' })).rejects.toThrow(/"name"[\s\S]*use lowercase letters, digits and/);
    await expect(api.queues.create({ backend: 'k8s', name: 'ok', deserved: { cpu: 'eight' } })).rejects.toThrow(/is not a quantity/);
    await expect(api.queues.create({ backend: 'k8s', name: 'ok', weight: 0 })).rejects.toThrow(/weight must be at least 1/);
    await expect(api.queues.update({ backend: 'k8s', name: 'busy' })).rejects.toThrow(/nothing to change in queue busy/);
    expect(server.requests.length).toBe(before);
  });

  it('a cluster without Volcano: "Volcano is not installed on this cluster", in a listing and on create', async () => {
    await expect(api.queues.list({ backend: 'bare' })).rejects.toMatchObject({ message: expect.stringMatching(/^Volcano is not installed on this cluster \(backend bare/) });
    await expect(api.queues.create({ backend: 'bare', name: 'x' })).rejects.toMatchObject({ message: expect.stringMatching(/^Volcano is not installed on this cluster/) });
    // Listing every backend: the one without Volcano carries its error, the other still lists.
    const all = await api.queues.list({});
    expect(all.find((b) => b.backend === 'bare')?.error).toMatchObject({ code: 'QUEUES_VOLCANO_MISSING' });
    expect(all.find((b) => b.backend === 'k8s')?.queues.map((q) => q.name)).toContain('busy');
    // Usage on Kubernetes comes from the jobs ClusterDeck submitted (none here), not from Volcano.
    await expect(api.queues.usage({ backend: 'k8s' })).resolves.toMatchObject({ source: 'kubernetes', rows: [], totals: [] });
  });

  it('watches the queues: a snapshot first, another after each change, the watch ends on cancel', async () => {
    const ac = new AbortController();
    const it = service.watchVolcano({ backend: 'k8s' }, ac.signal)[Symbol.asyncIterator]();
    const names = (r: IteratorResult<{ name: string; state: string; allocated: Record<string, string> | null }[]>) => (r.done ? null : r.value.map((q) => q.name));
    expect(names(await it.next())).toEqual(['busy']);
    await api.queues.create({ backend: 'k8s', name: 'live' });
    // ADDED, then the controller opening it: wait for the state the controller sets.
    let last = await it.next();
    while (!last.done && last.value.find((q) => q.name === 'live')?.state !== 'Open') last = await it.next();
    expect(names(last)).toEqual(['busy', 'live']);
    server.update('scheduling.volcano.sh', 'queues', null, 'live', (q) => (q.status = { ...q.status, allocated: { cpu: '2' } }));
    last = await it.next();
    expect(last.done ? null : last.value.find((q) => q.name === 'live')?.allocated).toEqual({ cpu: '2' });
    await api.queues.remove({ backend: 'k8s', name: 'live' });
    expect(names(await it.next())).toEqual(['busy']);
    const pending = it.next();
    ac.abort();
    expect((await pending).done).toBe(true);
  });

  it('a watch on a cluster without Volcano ends with the same sentence', async () => {
    const it = service.watchVolcano({ backend: 'bare' }, new AbortController().signal)[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toMatchObject({ code: 'QUEUES_VOLCANO_MISSING', message: expect.stringMatching(/^Volcano is not installed on this cluster/) });
  });
});
