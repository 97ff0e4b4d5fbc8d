// Requests that cannot finish: a server that never answers (K8S_TIMEOUT), a caller who gives up
// (K8S_CANCELLED), nobody listening (K8S_UNREACHABLE). Each call ends with its code; no speed is asserted.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../../main/protocols/kubernetes';
import { appError, kubeconfigText, startCluster, until, type FakeKubeApiServer } from '../../support/k8s';

describe('Kubernetes timeouts, cancel and unreachable servers', () => {
  let server: FakeKubeApiServer;
  let kube: KubeClient;
  let kubeconfig: string;

  beforeAll(async () => {
    ({ server, kubeconfig } = await startCluster());
    kube = KubeClient.fromKubeconfig(kubeconfig, undefined, { timeoutMs: 300 });
    server.hang = (r) => r.path.includes('/namespaces/silent/');
  });
  afterAll(async () => server?.close());

  it('a request the server never answers ends with K8S_TIMEOUT', async () => {
    const err = await appError(() => kube.getJob('PyTorchJob', 'silent', 'x'));
    expect(err.code).toBe('K8S_TIMEOUT');
    expect(err.message).toContain('within 300 ms');
  });

  it('a stream that never starts ends with K8S_TIMEOUT too', async () => {
    const err = await appError(() => kube.followLog('silent', 'p').next());
    expect(err.code).toBe('K8S_TIMEOUT');
  });

  it('cancelling a pending request ends it with K8S_CANCELLED', async () => {
    const patient = KubeClient.fromKubeconfig(kubeconfig); // 15 s default: only the cancel can end it
    const stop = new AbortController();
    const pending = appError(() => patient.listJobs('Job', 'silent', { signal: stop.signal }));
    await until(() => server.requests.some((r) => r.path === '/apis/batch/v1/namespaces/silent/jobs'), 'the request to reach the server');
    stop.abort();
    expect((await pending).code).toBe('K8S_CANCELLED');
    // An already-cancelled signal does not even send the request.
    const before = server.requests.length;
    expect((await appError(() => patient.getJob('Job', 'default', 'x', { signal: AbortSignal.abort() }))).code).toBe('K8S_CANCELLED');
    expect(server.requests.length).toBe(before);
  });

  it('cancelling a watch resolves it and closes its connection', async () => {
    const stop = new AbortController();
    const done = kube.watch('Job', 'default', () => {}, stop.signal);
    await until(() => server.openStreams.watches === 1, 'the watch to open');
    stop.abort();
    await expect(done).resolves.toBeUndefined();
    await until(() => server.openStreams.watches === 0, 'the server to see it closed');
  });

  it('a server nobody listens on is K8S_UNREACHABLE, naming the server', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as net.AddressInfo).port;
        probe.close(() => resolve(p));
      });
    });
    const gone = KubeClient.fromKubeconfig(kubeconfigText([{ name: 'gone', server: `https://127.0.0.1:${port}`, token: 't', ca: server.pki.ca }]));
    const err = await appError(() => gone.listQueues());
    expect(err.code).toBe('K8S_UNREACHABLE');
    expect(err.message).toContain(`https://127.0.0.1:${port}`);
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('a watch keeps retrying an unreachable server (telling onRetry) until cancelled', async () => {
    const gone = KubeClient.fromKubeconfig(kubeconfigText([{ name: 'gone', server: 'https://127.0.0.1:1', token: 't', ca: server.pki.ca }]));
    const stop = new AbortController();
    const retries: string[] = [];
    const done = gone.watch('Job', 'default', () => {}, stop.signal, { retryDelayMs: 5, onRetry: (e) => retries.push(e.code) });
    await until(() => retries.length >= 2, 'two retries');
    stop.abort();
    await expect(done).resolves.toBeUndefined();
    expect(retries[0]).toBe('K8S_UNREACHABLE');
  });
});
