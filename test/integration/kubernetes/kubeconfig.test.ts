// Kubeconfig import: two contexts on two API servers, switching, and the refusals that name what to fix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../../main/protocols/kubernetes';
import { FakeKubeApiServer, appError, kubeconfigText } from '../../support/k8s';

describe('kubeconfig and contexts', () => {
  let prod: FakeKubeApiServer;
  let dev: FakeKubeApiServer;
  let text: string;

  beforeAll(async () => {
    prod = await FakeKubeApiServer.start({ tokens: { 'token-prod': 'ops' } });
    dev = await FakeKubeApiServer.start({ tokens: { 'token-dev': 'dev' }, addons: { kubeflow: false } });
    text = kubeconfigText(
      [
        { name: 'prod', server: prod.url, token: 'token-prod', user: 'ops', namespace: 'training', ca: prod.pki.ca },
        { name: 'dev', server: dev.url, token: 'token-dev', user: 'dev', ca: dev.pki.ca },
      ],
      'prod',
    );
  });
  afterAll(async () => {
    await prod?.close();
    await dev?.close();
  });

  it('lists both contexts and starts on current-context', () => {
    const kube = KubeClient.fromKubeconfig(text);
    expect(kube.contexts()).toEqual([
      { name: 'prod', cluster: 'prod-cluster', server: prod.url, user: 'ops', namespace: 'training', current: true },
      { name: 'dev', cluster: 'dev-cluster', server: dev.url, user: 'dev', namespace: 'default', current: false },
    ]);
    expect(kube.context.name).toBe('prod');
    expect(kube.namespace).toBe('training');
  });

  it('switching context talks to the other cluster with the other user', async () => {
    const kube = KubeClient.fromKubeconfig(text);
    await kube.listJobs('Job', 'default');
    const devKube = kube.withContext('dev');
    expect(devKube.context).toMatchObject({ name: 'dev', current: true });
    expect(devKube.contexts().find((c) => c.current)?.name).toBe('dev');
    expect(kube.context.name).toBe('prod'); // the first client is unchanged
    await devKube.listJobs('Job', 'default');
    expect(prod.requests.at(-1)).toMatchObject({ path: '/apis/batch/v1/namespaces/default/jobs', user: 'ops' });
    expect(dev.requests.at(-1)).toMatchObject({ path: '/apis/batch/v1/namespaces/default/jobs', user: 'dev' });
    // The dev cluster has no training operator; prod has.
    expect(await devKube.installedKinds()).toMatchObject({ PyTorchJob: false, MPIJob: false, Job: true, VolcanoJob: true, Queue: true });
    expect(await kube.installedKinds()).toMatchObject({ PyTorchJob: true, MPIJob: true, Job: true });
    // Choosing the context up front works the same.
    expect(KubeClient.fromKubeconfig(text, 'dev').context.server).toBe(dev.url);
  });

  it('authenticates with a client certificate from the kubeconfig (CN is the user)', async () => {
    const cert = await prod.pki.client('cert-user');
    const kube = KubeClient.fromKubeconfig(kubeconfigText([{ name: 'certs', server: prod.url, clientCert: cert, ca: prod.pki.ca }]));
    await kube.listJobs('Job', 'default');
    expect(prod.requests.at(-1)).toMatchObject({ user: 'cert-user' });
  });

  it('refuses a server whose certificate the kubeconfig CA did not sign', async () => {
    const wrongCa = (await prod.pki.client('not-a-ca')).cert; // any certificate that is not the cluster CA
    const kube = KubeClient.fromKubeconfig(kubeconfigText([{ name: 'x', server: prod.url, token: 'token-prod', ca: wrongCa }]));
    const err = await appError(() => kube.listJobs('Job', 'default'));
    expect(err.code).toBe('K8S_TLS');
    expect(err.message).toContain('certificate-authority-data');
  });

  it('refuses an unknown context, naming the ones there are', () => {
    const err = (() => {
      try {
        KubeClient.fromKubeconfig(text, 'staging');
      } catch (e) {
        return e as { code: string; message: string };
      }
    })();
    expect(err?.code).toBe('K8S_KUBECONFIG');
    expect(err?.message).toContain('no context "staging"');
    expect(err?.message).toContain('prod, dev');
  });

  it('refuses text that is not a kubeconfig, and one without contexts', () => {
    expect(() => KubeClient.fromKubeconfig('clusters: [unclosed')).toThrow(expect.objectContaining({ code: 'K8S_KUBECONFIG' }));
    expect(() => KubeClient.fromKubeconfig('apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n')).toThrow(expect.objectContaining({ code: 'K8S_KUBECONFIG', message: expect.stringContaining('no contexts') }));
  });

  it('refuses exec credential plugins with advice instead of running them', () => {
    const exec = `apiVersion: v1
kind: Config
clusters:
- name: eks
  cluster:
    server: ${prod.url}
    certificate-authority-data: ${Buffer.from(prod.pki.ca).toString('base64')}
users:
- name: aws
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [eks, get-token, --cluster-name, prod]
contexts:
- name: eks
  context: { cluster: eks, user: aws }
current-context: eks
`;
    expect(() => KubeClient.fromKubeconfig(exec)).toThrow(expect.objectContaining({ code: 'K8S_KUBECONFIG', message: expect.stringMatching(/exec plugin \(aws\).*token or a client certificate/) }));
  });

  it('an expired token is K8S_UNAUTHORIZED with advice to refresh the kubeconfig, and the token is never in the message', async () => {
    const kube = KubeClient.fromKubeconfig(text);
    prod.tokens.delete('token-prod'); // the token expired
    try {
      const err = await appError(() => kube.listJobs('PyTorchJob', 'training'));
      expect(err.code).toBe('K8S_UNAUTHORIZED');
      expect(err.message).toMatch(/refresh the kubeconfig/);
      expect(err.message).toContain('"prod"');
      expect(JSON.stringify(err)).not.toContain('token-prod');
      // A watch gives up on it rather than retrying forever.
      const watchErr = await appError(() => kube.watch('PyTorchJob', 'training', () => {}, new AbortController().signal));
      expect(watchErr.code).toBe('K8S_UNAUTHORIZED');
    } finally {
      prod.tokens.set('token-prod', 'ops');
    }
  });
});
