// Jobs against the test API server: the PyTorchJob the pytorch-ddp template renders, its pods,
// conditions and events, delete, paging through 2,500 jobs, and the refusals (CRD missing,
// forbidden, invalid, name taken).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toJobState, type K8sObject, type KubeClient } from '../../../main/protocols/kubernetes';
import { appError, startCluster, until, type FakeKubeApiServer } from '../../support/k8s';

/** The manifest the pytorch-ddp template renders for these values, filled in by hand here. */
function pytorchManifest(values: Record<string, unknown>): K8sObject {
  const template = JSON.parse(readFileSync(join(__dirname, '../../../resources/templates/pytorch-ddp.json'), 'utf8')) as { manifest: unknown };
  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const m = /^\{\{(\w+)(?:\|(\w+))?\}\}$/.exec(node);
      if (!m) return node;
      const v = values[m[1]];
      return m[2] === 'envList' ? Object.entries(v as Record<string, string>).map(([name, value]) => ({ name, value })) : v;
    }
    if (Array.isArray(node)) return node.flatMap((el) => (typeof el === 'string' && /^\{\{\w+\}\}$/.test(el) && Array.isArray(values[el.slice(2, -2)]) ? (values[el.slice(2, -2)] as unknown[]) : [fill(el)]));
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v)]));
    return node;
  };
  return fill(template.manifest) as K8sObject;
}

const VALUES = { name: 'ddp-mnist', namespace: 'team-a', image: 'pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime', workers: 2, gpusPerReplica: 1, command: ['torchrun', 'train.py', '--epochs', '3'], env: { NCCL_DEBUG: 'INFO' } };

describe('Kubernetes jobs', () => {
  let server: FakeKubeApiServer;
  let kube: KubeClient;

  beforeAll(async () => {
    ({ server, kube } = await startCluster());
  });
  afterAll(async () => server?.close());

  it('creates the PyTorchJob the pytorch-ddp template renders and reads back exactly that spec', async () => {
    const manifest = pytorchManifest(VALUES);
    expect(manifest.spec).toMatchObject({ pytorchReplicaSpecs: { Worker: { replicas: 2 }, Master: { replicas: 1 } } });
    const created = await kube.createJob(manifest);
    expect(created.metadata).toMatchObject({ name: 'ddp-mnist', namespace: 'team-a', labels: { 'app.kubernetes.io/managed-by': 'clusterdeck' } });
    expect(created.metadata.uid).toBeTruthy();
    expect(server.requests.at(-1)).toMatchObject({ method: 'POST', path: '/apis/kubeflow.org/v1/namespaces/team-a/pytorchjobs' });
    const read = await kube.getJob('PyTorchJob', 'team-a', 'ddp-mnist');
    expect(read.spec).toEqual(manifest.spec);
    expect(read.spec).toEqual(JSON.parse(JSON.stringify(manifest.spec)));
    const master = (read.spec as { pytorchReplicaSpecs: { Master: { template: { spec: { containers: Array<Record<string, unknown>> } } } } }).pytorchReplicaSpecs.Master.template.spec.containers[0];
    expect(master).toEqual({ name: 'pytorch', image: VALUES.image, command: ['torchrun', 'train.py', '--epochs', '3'], env: [{ name: 'NCCL_DEBUG', value: 'INFO' }], resources: { limits: { 'nvidia.com/gpu': 1 } } });
  });

  it('finds its pods by training.kubeflow.org/job-name and follows its conditions Created → Running → Succeeded', async () => {
    await until(() => server.objects('', 'pods', 'team-a').length === 3, 'the controller to create 3 pods');
    const pods = await kube.podsOf('PyTorchJob', 'team-a', 'ddp-mnist');
    expect(pods.map((p) => [p.name, p.role, p.phase]).sort()).toEqual([
      ['ddp-mnist-master-0', 'master', 'Pending'],
      ['ddp-mnist-worker-0', 'worker', 'Pending'],
      ['ddp-mnist-worker-1', 'worker', 'Pending'],
    ]);
    expect(server.requests.at(-1)?.query.labelSelector).toBe('training.kubeflow.org/job-name=ddp-mnist');
    await until(() => !!server.object('kubeflow.org', 'pytorchjobs', 'team-a', 'ddp-mnist')?.status?.conditions, 'the Created condition');
    expect(toJobState('PyTorchJob', await kube.getJob('PyTorchJob', 'team-a', 'ddp-mnist'))).toMatchObject({ state: 'scheduling', rawState: 'Created' });
    server.controllers.advance('kubeflow.org', 'pytorchjobs', 'team-a', 'ddp-mnist');
    expect(toJobState('PyTorchJob', await kube.getJob('PyTorchJob', 'team-a', 'ddp-mnist'))).toMatchObject({ state: 'running', rawState: 'Running' });
    expect((await kube.podsOf('PyTorchJob', 'team-a', 'ddp-mnist')).every((p) => p.phase === 'Running')).toBe(true);
    server.controllers.advance('kubeflow.org', 'pytorchjobs', 'team-a', 'ddp-mnist');
    expect(toJobState('PyTorchJob', await kube.getJob('PyTorchJob', 'team-a', 'ddp-mnist'))).toEqual({ state: 'succeeded', rawState: 'Succeeded', reason: 'PyTorchJobSucceeded: PyTorchJob team-a/ddp-mnist is succeeded.' });
  });

  it('lists the events of the job, oldest first, filtered by involvedObject', async () => {
    const events = await kube.events('team-a', { kind: 'PyTorchJob', name: 'ddp-mnist' });
    expect(server.requests.at(-1)?.query.fieldSelector).toBe('involvedObject.name=ddp-mnist,involvedObject.kind=PyTorchJob');
    expect(events.map((e) => e.reason)).toEqual(['SuccessfulCreatePod', 'SuccessfulCreatePod', 'SuccessfulCreatePod', 'PyTorchJobCreated', 'PyTorchJobRunning', 'PyTorchJobSucceeded']);
    expect(events[0]).toMatchObject({ type: 'Normal', message: 'Created pod: ddp-mnist-master-0', object: { kind: 'PyTorchJob', name: 'ddp-mnist' } });
    expect(await kube.events('team-a', { name: 'no-such-job' })).toEqual([]);
  });

  it('deletes the job (and its pods go with it); a later get is K8S_NOT_FOUND naming the job', async () => {
    await kube.deleteJob('PyTorchJob', 'team-a', 'ddp-mnist');
    expect(server.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/apis/kubeflow.org/v1/namespaces/team-a/pytorchjobs/ddp-mnist' });
    const err = await appError(() => kube.getJob('PyTorchJob', 'team-a', 'ddp-mnist'));
    expect(err.code).toBe('K8S_NOT_FOUND');
    expect(err.message).toContain('pytorchjobs.kubeflow.org "ddp-mnist" in namespace "team-a" does not exist');
    expect(await kube.podsOf('PyTorchJob', 'team-a', 'ddp-mnist')).toEqual([]);
    expect((await appError(() => kube.deleteJob('PyTorchJob', 'team-a', 'ddp-mnist'))).code).toBe('K8S_NOT_FOUND');
  });

  it('pages through 2,500 jobs with limit/continue, each once', async () => {
    server.seed('batch', 'jobs', Array.from({ length: 2500 }, (_, i) => ({ metadata: { name: `bulk-${String(i).padStart(4, '0')}`, namespace: 'bulk' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } } })));
    const first = await kube.listJobs('Job', 'bulk', { limit: 1000 });
    expect(first.items).toHaveLength(1000);
    expect(first.remainingItemCount).toBe(1500);
    expect(first.continue).toBeTruthy();
    const before = server.requests.length;
    const all = await kube.listAllJobs('Job', 'bulk', { pageSize: 500 });
    expect(all.pages).toBe(5);
    expect(server.requests.length - before).toBe(5);
    expect(server.requests.slice(before).map((r) => r.query.limit)).toEqual(['500', '500', '500', '500', '500']);
    expect(new Set(all.items.map((j) => j.metadata.name)).size).toBe(2500);
    expect(all.resourceVersion).toBe(first.resourceVersion);
    // Walking the pages by hand ends with a null continue.
    let token: string | undefined;
    let n = 0;
    do {
      const page = await kube.listJobs('Job', 'bulk', { limit: 999, continue: token });
      n += page.items.length;
      token = page.continue ?? undefined;
    } while (token);
    expect(n).toBe(2500);
  });

  it('creates a batch/v1 Job and a Volcano Job and finds their pods by job-name and volcano.sh/job-name', async () => {
    await kube.createJob({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'prep' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'prep', image: 'busybox' }] } } } });
    await kube.createJob({ apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', metadata: { name: 'vc-train', namespace: 'team-a' }, spec: { schedulerName: 'volcano', queue: 'research', minAvailable: 2, tasks: [{ name: 'worker', replicas: 2, template: { spec: { containers: [{ name: 'w', image: 'busybox' }] } } }] } });
    expect(server.requests.at(-1)?.path).toBe('/apis/batch.volcano.sh/v1alpha1/namespaces/team-a/jobs');
    await until(() => server.objects('', 'pods', 'team-a').length === 3, 'pods for both jobs');
    expect((await kube.podsOf('Job', 'team-a', 'prep')).map((p) => p.name)).toEqual([expect.stringMatching(/^prep-/)]);
    expect((await kube.podsOf('VolcanoJob', 'team-a', 'vc-train')).map((p) => p.name).sort()).toEqual(['vc-train-worker-0', 'vc-train-worker-1']);
    await until(() => !!server.object('batch.volcano.sh', 'jobs', 'team-a', 'vc-train')?.status, 'the Volcano status');
    expect(toJobState('VolcanoJob', await kube.getJob('VolcanoJob', 'team-a', 'vc-train'))).toMatchObject({ state: 'queued', rawState: 'Pending' });
    server.controllers.advance('batch', 'jobs', 'team-a', 'prep', 'Failed');
    expect(toJobState('Job', await kube.getJob('Job', 'team-a', 'prep'))).toMatchObject({ state: 'failed', rawState: 'Failed' });
  });

  it('creates an MPIJob at the version its manifest names (kubeflow.org/v2beta1 for the horovod template)', async () => {
    const mpi = { apiVersion: 'kubeflow.org/v2beta1', kind: 'MPIJob', metadata: { name: 'hvd', namespace: 'team-a' }, spec: { slotsPerWorker: 1, mpiReplicaSpecs: { Launcher: { replicas: 1, template: { spec: { containers: [{ name: 'launcher', image: 'horovod/horovod' }] } } }, Worker: { replicas: 1, template: { spec: { containers: [{ name: 'worker', image: 'horovod/horovod' }] } } } } } };
    await kube.createJob(mpi);
    expect(server.requests.at(-1)?.path).toBe('/apis/kubeflow.org/v2beta1/namespaces/team-a/mpijobs');
  });

  it('says the training operator is not installed when kubeflow.org is missing (K8S_CRD_MISSING), and Volcano likewise', async () => {
    server.addons = { kubeflow: false, volcano: false };
    try {
      const err = await appError(() => kube.createJob(pytorchManifest({ ...VALUES, name: 'no-crd' })));
      expect(err.code).toBe('K8S_CRD_MISSING');
      expect(err.message).toMatch(/^Kubeflow's training operator is not installed/);
      expect(err.params).toMatchObject({ group: 'kubeflow.org', version: 'v1', kind: 'PyTorchJob' });
      expect((await appError(() => kube.listJobs('MPIJob', 'team-a'))).code).toBe('K8S_CRD_MISSING');
      const vc = await appError(() => kube.listQueues());
      expect(vc.code).toBe('K8S_CRD_MISSING');
      expect(vc.message).toMatch(/^Volcano is not installed/);
      // A job that vanished is still K8S_NOT_FOUND, not a missing CRD.
      expect((await appError(() => kube.getJob('Job', 'team-a', 'gone'))).code).toBe('K8S_NOT_FOUND');
    } finally {
      server.addons = { kubeflow: true, volcano: true };
    }
  });

  it('names the verb and resource when RBAC forbids it (K8S_FORBIDDEN)', async () => {
    server.forbidden.push({ verb: 'delete', resource: 'pytorchjobs.kubeflow.org' });
    try {
      await kube.createJob(pytorchManifest({ ...VALUES, name: 'keep-me' }));
      const err = await appError(() => kube.deleteJob('PyTorchJob', 'team-a', 'keep-me'));
      expect(err.code).toBe('K8S_FORBIDDEN');
      expect(err.message).toContain('user "alice" may not delete pytorchjobs.kubeflow.org "keep-me" in namespace "team-a"');
      expect(err.params).toMatchObject({ verb: 'delete', resource: 'pytorchjobs.kubeflow.org' });
    } finally {
      server.forbidden.length = 0;
    }
  });

  it('passes on the API server causes for an invalid object (K8S_INVALID) and refuses a taken name (K8S_CONFLICT)', async () => {
    const bad = pytorchManifest({ ...VALUES, name: 'Bad_Name', image: '' });
    const err = await appError(() => kube.createJob(bad));
    expect(err.code).toBe('K8S_INVALID');
    expect(err.message).toContain('metadata.name: Invalid value: "Bad_Name"');
    expect(err.message).toContain('spec.pytorchReplicaSpecs.Master.template.spec.containers[0].image: Required value');
    const taken = await appError(() => kube.createJob(pytorchManifest({ ...VALUES, name: 'keep-me' })));
    expect(taken.code).toBe('K8S_CONFLICT');
    expect(taken.message).toContain('already exists');
    // Something ClusterDeck cannot run is refused before any request.
    expect((await appError(() => kube.createJob({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } }))).code).toBe('K8S_INVALID');
  });
});

describe('pausing and resuming jobs', () => {
  let server: FakeKubeApiServer;
  let kube: KubeClient;

  beforeAll(async () => {
    ({ server, kube } = await startCluster());
  });
  afterAll(async () => server?.close());

  it('suspends a PyTorchJob through runPolicy.suspend (pausing → paused) and resumes it', async () => {
    await kube.createJob(pytorchManifest({ ...VALUES, name: 'pausable', workers: 1 }));
    await until(() => server.objects('', 'pods', 'team-a').length === 2, 'two pods');
    server.controllers.advance('kubeflow.org', 'pytorchjobs', 'team-a', 'pausable'); // Running
    const patched = await kube.setSuspended('PyTorchJob', 'team-a', 'pausable', true);
    expect(server.requests.at(-1)).toMatchObject({ method: 'PATCH', path: '/apis/kubeflow.org/v1/namespaces/team-a/pytorchjobs/pausable' });
    expect(toJobState('PyTorchJob', patched).state).toBe('pausing');
    await until(() => server.objects('', 'pods', 'team-a').length === 0, 'the pods to stop');
    await until(() => toJobState('PyTorchJob', server.object('kubeflow.org', 'pytorchjobs', 'team-a', 'pausable')).state === 'paused', 'Suspended');
    expect((await kube.getJob('PyTorchJob', 'team-a', 'pausable')).spec).toMatchObject({ runPolicy: { suspend: true }, pytorchReplicaSpecs: { Worker: { replicas: 1 } } });
    await kube.setSuspended('PyTorchJob', 'team-a', 'pausable', false);
    await until(() => toJobState('PyTorchJob', server.object('kubeflow.org', 'pytorchjobs', 'team-a', 'pausable')).state === 'running', 'running again');
    expect(await kube.podsOf('PyTorchJob', 'team-a', 'pausable')).toHaveLength(2);
  });

  it('suspends a batch/v1 Job through spec.suspend; Volcano is refused with a reason', async () => {
    await kube.createJob({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'b' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } } });
    await until(() => !!server.object('batch', 'jobs', 'team-a', 'b')?.status, 'the job to start');
    await kube.setSuspended('Job', 'team-a', 'b', true);
    await until(() => toJobState('Job', server.object('batch', 'jobs', 'team-a', 'b')).state === 'paused', 'Suspended');
    expect((await appError(() => kube.setSuspended('VolcanoJob', 'team-a', 'x', true))).code).toBe('K8S_UNSUPPORTED');
  });

  it('deletes a pod of a job by name', async () => {
    const [pod] = await kube.podsOf('PyTorchJob', 'team-a', 'pausable');
    await kube.deletePod('team-a', pod.name);
    expect(server.object('', 'pods', 'team-a', pod.name)).toBeUndefined();
    expect((await appError(() => kube.deletePod('team-a', pod.name))).code).toBe('K8S_NOT_FOUND');
  });
});
