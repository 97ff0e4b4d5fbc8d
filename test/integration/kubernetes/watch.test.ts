// Watches: events as they happen, resuming from the last resourceVersion after a dropped
// connection (no re-list, nothing missed or repeated), and a full re-list after 410 Gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient, WatchEvent } from '../../../main/protocols/kubernetes';
import { appError, startCluster, until, type FakeKubeApiServer, type Obj } from '../../support/k8s';

const job = (name: string, namespace: string): Obj => ({ metadata: { name, namespace }, spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } } });

const objectOf = (e: WatchEvent) => {
  if (e.type === 'SYNC') throw new Error('expected an object event, got SYNC');
  return e.object;
};

describe('Kubernetes watch', () => {
  let server: FakeKubeApiServer;
  let kube: KubeClient;

  beforeAll(async () => {
    ({ server, kube } = await startCluster());
    server.controllers.enabled = false; // only the test changes objects here
  });
  afterAll(async () => server?.close());

  function record(namespace: string, kind: 'Job' | 'PyTorchJob' = 'Job') {
    const events: WatchEvent[] = [];
    const stop = new AbortController();
    const done = kube.watch(kind, namespace, (e) => events.push(e), stop.signal, { retryDelayMs: 10 });
    const names = () => events.map((e) => (e.type === 'SYNC' ? `SYNC:${e.items.map((i) => i.metadata.name).join(',')}` : `${e.type}:${e.object.metadata.name}`));
    return { events, names, stop, done };
  }
  const watchRequests = (namespace: string) => server.requests.filter((r) => r.path === `/apis/batch/v1/namespaces/${namespace}/jobs` && r.query.watch === '1');

  it('starts with a SYNC of what exists, then sees ADDED, MODIFIED and DELETED', async () => {
    server.seed('batch', 'jobs', [job('existing', 'w1')]);
    const w = record('w1');
    await until(() => w.events.length === 1 && server.openStreams.watches === 1, 'the initial SYNC and an open watch');
    server.create('batch', 'jobs', job('fresh', 'w1'));
    server.create('batch', 'jobs', job('elsewhere', 'other-namespace'));
    server.update('batch', 'jobs', 'w1', 'fresh', (o) => (o.status = { active: 1 }));
    server.remove('batch', 'jobs', 'w1', 'existing');
    await until(() => w.events.length === 4, 'three events');
    expect(w.names()).toEqual(['SYNC:existing', 'ADDED:fresh', 'MODIFIED:fresh', 'DELETED:existing']);
    expect(objectOf(w.events[2]).status).toEqual({ active: 1 });
    expect(watchRequests('w1')[0].query).toMatchObject({ watch: '1', allowWatchBookmarks: 'true' });
    w.stop.abort();
    await w.done; // resolves on cancel
    await until(() => server.openStreams.watches === 0, 'the server to see the watch closed');
  });

  it('resumes from the last resourceVersion after a dropped connection, missing and repeating nothing', async () => {
    const w = record('w2');
    await until(() => w.events.length === 1 && server.openStreams.watches === 1, 'the watch to start');
    server.create('batch', 'jobs', job('a', 'w2'));
    await until(() => w.events.length === 2, 'ADDED a');
    const lastSeen = Number(objectOf(w.events[1]).metadata.resourceVersion);

    server.dropWatches();
    const rvBeforeB = Number(server.resourceVersion);
    server.create('batch', 'jobs', job('b', 'w2')); // happens while the client is disconnected
    server.update('batch', 'jobs', 'w2', 'a', (o) => (o.status = { active: 1 }));
    await until(() => w.events.length === 4, 'the events made while disconnected');
    server.create('batch', 'jobs', job('c', 'w2'));
    await until(() => w.events.length === 5, 'ADDED c on the resumed watch');

    expect(w.names()).toEqual(['SYNC:', 'ADDED:a', 'ADDED:b', 'MODIFIED:a', 'ADDED:c']);
    const reqs = watchRequests('w2');
    expect(reqs).toHaveLength(2);
    const resumedAt = Number(reqs[1].query.resourceVersion);
    expect(resumedAt).toBeGreaterThanOrEqual(lastSeen);
    expect(resumedAt).toBeLessThanOrEqual(rvBeforeB);
    w.stop.abort();
    await w.done;
  });

  it('re-lists after 410 Gone (history compacted while disconnected) and goes on watching', async () => {
    server.seed('batch', 'jobs', [job('old', 'w3')]);
    const w = record('w3');
    await until(() => w.events.length === 1 && server.openStreams.watches === 1, 'the watch to start');
    const listsBefore = server.requests.filter((r) => r.path === '/apis/batch/v1/namespaces/w3/jobs' && r.query.watch === undefined).length;

    server.dropWatches();
    server.create('batch', 'jobs', job('while-away', 'w3'));
    server.remove('batch', 'jobs', 'w3', 'old');
    server.compact(); // etcd compaction: the client's resourceVersion is now too old

    await until(() => w.events.filter((e) => e.type === 'SYNC').length === 2, 'the re-list');
    const lists = server.requests.filter((r) => r.path === '/apis/batch/v1/namespaces/w3/jobs' && r.query.watch === undefined).length;
    expect(lists).toBe(listsBefore + 1);
    expect(w.names()).toEqual(['SYNC:old', 'SYNC:while-away']);
    await until(() => server.openStreams.watches === 1, 'the watch to reopen');
    server.create('batch', 'jobs', job('after', 'w3'));
    await until(() => w.events.length === 3, 'ADDED after');
    expect(w.names().at(-1)).toBe('ADDED:after');
    w.stop.abort();
    await w.done;
  });

  it('gives up with K8S_CRD_MISSING instead of retrying when the CRD is not there', async () => {
    server.addons.kubeflow = false;
    try {
      const err = await appError(() => kube.watch('PyTorchJob', 'w4', () => {}, new AbortController().signal, { resourceVersion: '1' }));
      expect(err.code).toBe('K8S_CRD_MISSING');
    } finally {
      server.addons.kubeflow = true;
    }
  });
});
