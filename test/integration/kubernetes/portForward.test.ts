// pods/portforward over a WebSocket (v4.channel.k8s.io) against the test API server: bytes reach
// the pod's port and come back, a pod that is not running or does not exist is refused with the
// server's Status, a port nothing listens on is reported from the error channel.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from '../../../main/protocols/kubernetes';
import { appError, startCluster, until, type FakeKubeApiServer } from '../../support/k8s';

describe('Kubernetes port-forward', () => {
  let server: FakeKubeApiServer;
  let kube: KubeClient;
  let web: http.Server;
  let webPort: number;

  beforeAll(async () => {
    ({ server, kube } = await startCluster());
    web = http.createServer((req, res) => res.end(`pod says hello to ${req.url}`));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    webPort = (web.address() as AddressInfo).port;
    await kube.createJob({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'nb' }, spec: { template: { spec: { containers: [{ name: 'main', image: 'jupyter' }] } } } });
    await until(() => server.objects('', 'pods', 'team-a').length === 1, 'the pod');
  });
  afterAll(async () => {
    await server?.close();
    web?.close();
  });

  const podName = () => server.objects('', 'pods', 'team-a')[0].metadata.name;

  it('refuses a pod that is not running, and one that does not exist', async () => {
    expect((await appError(() => kube.portForward('team-a', podName(), webPort))).code).toBe('K8S_BAD_REQUEST');
    const missing = await appError(() => kube.portForward('team-a', 'nope', webPort));
    expect(missing.code).toBe('K8S_NOT_FOUND');
  });

  it('carries an HTTP exchange to the pod port and back', async () => {
    server.controllers.advance('batch', 'jobs', 'team-a', 'nb'); // Running
    const stream = await kube.portForward('team-a', podName(), webPort);
    expect(server.requests.at(-1)).toMatchObject({ path: `/api/v1/namespaces/team-a/pods/${podName()}/portforward`, query: { ports: String(webPort) }, user: 'alice' });
    stream.write('GET /tree HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    expect(text).toContain('pod says hello to /tree');
    await until(() => server.portForwards.size === 0, 'the WebSocket to close');
  });

  it('reports a port nothing listens on from the error channel', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const stream = await kube.portForward('team-a', podName(), closedPort);
    const err = await new Promise<Error>((resolve) => {
      stream.on('error', resolve);
      stream.resume();
    });
    expect((err as { code?: string }).code).toBe('K8S_PORT_FORWARD');
    expect(err.message).toContain(`error forwarding port ${closedPort}`);
  });
});
