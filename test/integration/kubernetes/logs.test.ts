// Log follow: the last N lines, then each line as the container writes it; cancel stops it and
// closes the connection; the stream ends by itself when the container exits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from '../../../main/protocols/kubernetes';
import { appError, startCluster, until, type FakeKubeApiServer } from '../../support/k8s';

describe('Kubernetes pod logs', () => {
  let server: FakeKubeApiServer;
  let kube: KubeClient;

  beforeAll(async () => {
    ({ server, kube } = await startCluster());
    await kube.createJob({ apiVersion: 'kubeflow.org/v1', kind: 'PyTorchJob', metadata: { name: 'logs' }, spec: { pytorchReplicaSpecs: { Master: { replicas: 1, template: { spec: { containers: [{ name: 'pytorch', image: 'pytorch/pytorch' }] } } } } } });
    await until(() => server.objects('', 'pods', 'team-a').length === 1, 'the master pod');
  });
  afterAll(async () => server?.close());

  it('refuses logs of a container that has not started, saying why', async () => {
    const err = await appError(() => kube.followLog('team-a', 'logs-master-0').next());
    expect(err.code).toBe('K8S_BAD_REQUEST');
    expect(err.message).toContain('waiting to start: ContainerCreating');
  });

  it('sends the last N lines, then lines as the server writes them, and stops on cancel', async () => {
    server.controllers.advance('kubeflow.org', 'pytorchjobs', 'team-a', 'logs'); // Running
    server.appendLog('team-a', 'logs-master-0', 'epoch 1', 'epoch 2', 'epoch 3');
    const stop = new AbortController();
    const lines = kube.followLog('team-a', 'logs-master-0', { tailLines: 2, signal: stop.signal });
    expect((await lines.next()).value).toBe('epoch 2');
    expect((await lines.next()).value).toBe('epoch 3');
    expect(server.requests.at(-1)?.query).toMatchObject({ follow: 'true', tailLines: '2' });
    expect(server.openStreams.logs).toBe(1);

    const next = lines.next(); // waits for a line not yet written
    server.appendLog('team-a', 'logs-master-0', 'epoch 4');
    expect((await next).value).toBe('epoch 4');
    server.appendLog('team-a', 'logs-master-0', 'epoch 5', 'epoch 6');
    expect((await lines.next()).value).toBe('epoch 5');
    expect((await lines.next()).value).toBe('epoch 6');

    const pending = lines.next();
    stop.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    await until(() => server.openStreams.logs === 0, 'the server to see the follower leave');
  });

  it('ends by itself when the container exits', async () => {
    const got: string[] = [];
    const reading = (async () => {
      for await (const line of kube.followLog('team-a', 'logs-master-0', { tailLines: 1 })) got.push(line);
    })();
    await until(() => got.length === 1, 'the tail line');
    server.appendLog('team-a', 'logs-master-0', 'done');
    server.controllers.advance('kubeflow.org', 'pytorchjobs', 'team-a', 'logs'); // Succeeded: the log ends
    await reading;
    expect(got).toEqual(['epoch 6', 'done']);
    // Without follow, the whole log comes at once.
    const all: string[] = [];
    for await (const line of kube.followLog('team-a', 'logs-master-0', { follow: false })) all.push(line);
    expect(all).toEqual(['epoch 1', 'epoch 2', 'epoch 3', 'epoch 4', 'epoch 5', 'epoch 6', 'done']);
  });

  it('a pod that is gone is K8S_NOT_FOUND', async () => {
    const err = await appError(() => kube.followLog('team-a', 'no-such-pod').next());
    expect(err.code).toBe('K8S_NOT_FOUND');
    expect(err.message).toContain('pods/log "no-such-pod"');
  });
});
