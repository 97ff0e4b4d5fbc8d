// A Kubernetes job's endpoint through the jobs contract: 127.0.0.1:<any port> forwarded to the
// job's running pod over pods/portforward (the test API server relays it to a local HTTP server
// standing in for the pod's Jupyter); the forward ends when a watch sees the job finish.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../main/app';
import type { EndpointEvent } from '../../../shared/contract/schemas/jobs';
import { appRouter } from '../../../shared/contract/router';
import { FakeKubeApiServer, kubeconfigText } from '../../support/k8s';
import { tempDir } from '../../support/tmp';

describe('Kubernetes job endpoints', { timeout: 60_000 }, () => {
  const tmp = tempDir('clusterdeck-kube-endpoints-');
  let server: FakeKubeApiServer;
  let app: App;
  let web: http.Server;
  let webPort: number;
  const caller = (signal?: AbortSignal) => appRouter.createCaller({ services: app.services, actor: { user: 'alice', via: 'serve' } }, { signal });

  beforeAll(async () => {
    server = await FakeKubeApiServer.start();
    web = http.createServer((req, res) => res.end(`jupyter in the pod: ${req.url}`));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    webPort = (web.address() as AddressInfo).port;
    app = createApp({ dataDir: tmp.dir, passphrase: 'test passphrase' });
    const kubeconfig = kubeconfigText([{ name: 'lab', server: server.url, token: 'token-alice', user: 'alice', namespace: 'team-a', ca: server.pki.ca }]);
    await caller().jobs.addBackend({ name: 'k8s', kind: 'kubernetes', kubeconfig });
  });
  afterAll(async () => {
    app?.close();
    await server?.close();
    web?.close();
    tmp.cleanup();
  });

  it('forwards a port of the running pod and closes when the job finishes', async () => {
    const j = await caller().jobs.submit({ template: 'k8s-job', backend: 'k8s', params: { name: 'nb', image: 'jupyter/base-notebook' } });
    // The kubeconfig context's user; a plain Job queues in its namespace, a Volcano Job in its Volcano queue.
    expect(j).toMatchObject({ user: 'alice', queue: 'team-a' });
    const v = await caller().jobs.submit({ template: 'volcano-job', backend: 'k8s', params: { name: 'vj', queue: 'research' } });
    expect(v).toMatchObject({ user: 'alice', queue: 'research' });
    expect((await caller().jobs.list({ queue: 'research', refresh: false })).map((x) => x.name)).toEqual(['vj']);
    expect((await caller().jobs.list({ user: 'alice', refresh: false })).map((x) => x.name)).toEqual(['nb', 'vj']);
    await expect(caller().jobs.endpoints({ id: j.id })).rejects.toThrow(/is scheduling; its endpoints can be opened only while it runs/);
    server.controllers.advance('batch', 'jobs', 'team-a', 'nb', 'Running');
    const stop = new AbortController();
    const events = (await caller(stop.signal).jobs.openEndpoint({ id: j.id, port: webPort }))[Symbol.asyncIterator]() as AsyncIterator<EndpointEvent>;
    const opened = (await events.next()).value as EndpointEvent;
    const pod = server.objects('', 'pods', 'team-a')[0].metadata.name;
    expect(opened).toMatchObject({ type: 'open', endpoint: { name: `port-${webPort}`, host: pod, pod, port: webPort, source: 'request' }, via: `pod team-a/${pod}` });
    if (opened.type !== 'open') throw new Error('not open');
    // Two requests: each connection is a port-forward WebSocket of its own.
    expect(await (await fetch(`${opened.url}lab`)).text()).toBe('jupyter in the pod: /lab');
    expect(await (await fetch(`${opened.url}tree`)).text()).toBe('jupyter in the pod: /tree');
    expect(server.requests.filter((r) => r.path.endsWith(`/pods/${pod}/portforward`)).length).toBeGreaterThanOrEqual(1);

    server.controllers.advance('batch', 'jobs', 'team-a', 'nb', 'Succeeded');
    expect((await events.next()).value).toMatchObject({ type: 'closed', reason: `job ${j.id} is succeeded` });
    expect((await events.next()).done).toBe(true);
    await expect(fetch(opened.url)).rejects.toThrow();
  });
});
