// A Kubernetes job's endpoint through the jobs contract: 127.0.0.1:<any port> forwarded to the
// job's running pod over pods/portforward (the test API server relays it to a local HTTP server
// standing in for the pod's Jupyter); the forward ends when a watch sees the job finish.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
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

  it('jupyter-k8s: the pod prints its endpoint line, which the Endpoints list reads and opens over port-forward', async () => {
    const nasty = "/home/jovyan/it's $(id) `x`";
    const j = await caller().jobs.submit({ template: 'jupyter-k8s', backend: 'k8s', params: { name: 'lab', port: webPort, notebookDir: nasty } });
    const created = server.object('batch', 'jobs', 'team-a', 'lab')!;
    const container = (created.spec!.template as { spec: { containers: { command: string[]; ports: { name: string; containerPort: number }[] }[] } }).spec.containers[0];
    // The port is declared on the container, as Kubernetes shows it.
    expect(container.ports).toEqual([{ name: 'jupyter', containerPort: webPort }]);
    server.controllers.advance('batch', 'jobs', 'team-a', 'lab', 'Running');
    const pod = server.objects('', 'pods', 'team-a').find((p) => p.metadata.name.startsWith('lab-'))!.metadata.name;
    // Run the container's command as the pod would, with a stand-in `jupyter` that prints the arguments it got:
    // the endpoint line comes out, and the notebook folder reaches Jupyter as one literal argument.
    const bin = join(tmp.dir, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'jupyter'), '#!/bin/sh\nfor a in "$@"; do printf "jupyter-arg:%s\\n" "$a"; done\n');
    chmodSync(join(bin, 'jupyter'), 0o755);
    const out = execFileSync(container.command[0], container.command.slice(1), { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^clusterdeck-endpoint jupyter \\S+ ${webPort}$`));
    expect(lines.slice(1)).toEqual(['jupyter-arg:lab', 'jupyter-arg:--no-browser', 'jupyter-arg:--ip=0.0.0.0', `jupyter-arg:--port=${webPort}`, `jupyter-arg:--notebook-dir=${nasty}`]);
    server.appendLog('team-a', pod, ...lines);

    const [endpoint] = await caller().jobs.endpoints({ id: j.id });
    expect(endpoint).toEqual({ name: 'jupyter', host: pod, port: webPort, source: 'output', pod });
    const stop = new AbortController();
    const events = (await caller(stop.signal).jobs.openEndpoint({ id: j.id, name: 'jupyter' }))[Symbol.asyncIterator]() as AsyncIterator<EndpointEvent>;
    const opened = (await events.next()).value as EndpointEvent;
    expect(opened).toMatchObject({ type: 'open', endpoint: { name: 'jupyter', port: webPort, pod }, via: `pod team-a/${pod}` });
    if (opened.type !== 'open') throw new Error('not open');
    expect(await (await fetch(`${opened.url}lab?token=t`)).text()).toBe('jupyter in the pod: /lab?token=t');
    stop.abort();
    await events.return?.();
  });

  it('tensorboard-k8s: before the pod prints anything, the declared port is the endpoint', async () => {
    const j = await caller().jobs.submit({ template: 'tensorboard-k8s', backend: 'k8s', params: { name: 'tb', port: webPort, logDir: 's3://bucket/runs' } });
    server.controllers.advance('batch', 'jobs', 'team-a', 'tb', 'Running');
    const pod = server.objects('', 'pods', 'team-a').find((p) => p.metadata.name.startsWith('tb-'))!.metadata.name;
    expect(await caller().jobs.endpoints({ id: j.id })).toEqual([{ name: 'tensorboard', host: pod, port: webPort, source: 'template', pod }]);
    const stop = new AbortController();
    const events = (await caller(stop.signal).jobs.openEndpoint({ id: j.id }))[Symbol.asyncIterator]() as AsyncIterator<EndpointEvent>;
    const opened = (await events.next()).value as EndpointEvent;
    if (opened.type !== 'open') throw new Error(`not open: ${JSON.stringify(opened)}`);
    expect(await (await fetch(`${opened.url}#scalars`)).text()).toBe('jupyter in the pod: /');
    stop.abort();
    await events.return?.();
  });
});
