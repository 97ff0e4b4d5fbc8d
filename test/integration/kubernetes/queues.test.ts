// Volcano queues (scheduling.volcano.sh/v1beta1, cluster-scoped): create, list, update and delete
// with deserved/guarantee/capability and reclaimable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from '../../../main/protocols/kubernetes';
import { appError, startCluster, until, type FakeKubeApiServer } from '../../support/k8s';

describe('Volcano queues', () => {
  let server: FakeKubeApiServer;
  let kube: KubeClient;

  beforeAll(async () => {
    ({ server, kube } = await startCluster());
  });
  afterAll(async () => server?.close());

  it('creates a queue with quotas and reads them back', async () => {
    const created = await kube.createQueue({
      name: 'research',
      weight: 2,
      reclaimable: false,
      deserved: { cpu: '64', memory: '512Gi', 'nvidia.com/gpu': '8' },
      guarantee: { 'nvidia.com/gpu': '4' },
      capability: { cpu: '128', memory: '1Ti', 'nvidia.com/gpu': '16' },
    });
    expect(server.requests.at(-1)).toMatchObject({ method: 'POST', path: '/apis/scheduling.volcano.sh/v1beta1/queues' });
    expect(created).toMatchObject({ name: 'research', weight: 2, reclaimable: false, guarantee: { 'nvidia.com/gpu': '4' } });
    // Volcano nests the guarantee under spec.guarantee.resource.
    expect(server.object('scheduling.volcano.sh', 'queues', null, 'research')?.spec).toEqual({
      weight: 2,
      reclaimable: false,
      deserved: { cpu: '64', memory: '512Gi', 'nvidia.com/gpu': '8' },
      capability: { cpu: '128', memory: '1Ti', 'nvidia.com/gpu': '16' },
      guarantee: { resource: { 'nvidia.com/gpu': '4' } },
    });
    await until(() => server.object('scheduling.volcano.sh', 'queues', null, 'research')?.status?.state === 'Open', 'the queue to open');
    await kube.createQueue({ name: 'default' });
    const queues = await kube.listQueues();
    expect(queues.map((q) => q.name)).toEqual(['default', 'research']);
    expect(queues[0]).toMatchObject({ weight: 1, reclaimable: true, deserved: null, guarantee: null, capability: null });
    expect(queues[1]).toMatchObject({ state: 'Open', capability: { cpu: '128', memory: '1Ti', 'nvidia.com/gpu': '16' }, jobs: { pending: 0, inqueue: 0, running: 0 } });
  });

  it('updates quotas (null removes one), keeping the rest, and retries once when someone else changed it meanwhile', async () => {
    let raced = false;
    server.beforeServe = (r) => {
      if (r.method === 'PUT' && !raced) {
        raced = true; // another admin edits the queue between our read and our write
        server.update('scheduling.volcano.sh', 'queues', null, 'research', (q) => (q.metadata.labels = { edited: 'elsewhere' }));
      }
    };
    try {
      const updated = await kube.updateQueue('research', { deserved: { cpu: '96', memory: '768Gi', 'nvidia.com/gpu': '12' }, guarantee: null, reclaimable: true });
      expect(updated).toMatchObject({ reclaimable: true, guarantee: null, deserved: { 'nvidia.com/gpu': '12' }, capability: { 'nvidia.com/gpu': '16' }, weight: 2 });
      expect(server.requests.filter((r) => r.method === 'PUT').length).toBe(2);
      expect(updated.raw.metadata.labels).toEqual({ edited: 'elsewhere' }); // the other edit survived
    } finally {
      server.beforeServe = null;
    }
    expect((await kube.getQueue('research')).deserved).toEqual({ cpu: '96', memory: '768Gi', 'nvidia.com/gpu': '12' });
  });

  it('refuses an invalid weight with the API server cause', async () => {
    const err = await appError(() => kube.createQueue({ name: 'zero', weight: 0 }));
    expect(err.code).toBe('K8S_INVALID');
    expect(err.message).toContain('spec.weight');
  });

  it('deletes a queue; reading it afterwards is K8S_NOT_FOUND', async () => {
    await kube.deleteQueue('research');
    expect(server.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/apis/scheduling.volcano.sh/v1beta1/queues/research' });
    const err = await appError(() => kube.getQueue('research'));
    expect(err.code).toBe('K8S_NOT_FOUND');
    expect(err.message).toContain('queues.scheduling.volcano.sh "research" does not exist');
  });
});
