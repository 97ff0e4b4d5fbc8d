// The Kubernetes backend of the one job model, end to end through the contract (createApp + the
// tRPC router, as every front door calls it) against the wire-level test API server:
// kubeconfig import into the vault, contexts, the pytorch-ddp template's preview sent exactly,
// watches updating rows and the change feed, pods/events/log tail and follow, cancel = delete,
// rerun, nasty parameters as literal strings, and the failures (unreachable → outbox, expired
// token, missing CRD).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createApp, type App } from '../../../main/app';
import { appRouter } from '../../../shared/contract/router';
import { changesOf } from '../../../main/services/events/changeFeed';
import { ChangeFeed } from '../../../main/services/events/changeFeed';
import { kubeClientForBackend } from '../../../main/services/jobs/kubeBackend';
import { FakeKubeApiServer, kubeconfigText, until } from '../../support/k8s';
import { tempDir } from '../../support/tmp';

const NASTY = ["'; rm -rf ~ #", '$(id)', '`id`', 'line1\nline2', 'key: {', '"q" \\ ${HOME}'];

describe('Kubernetes backend through the jobs contract', { timeout: 60_000 }, () => {
  const tmp = tempDir('clusterdeck-kube-jobs-');
  let server: FakeKubeApiServer;
  let other: FakeKubeApiServer;
  let app: App;
  let kubeconfig: string;
  // 'serve' keeps watches (a long-running front door); the CLI lists once.
  const caller = () => appRouter.createCaller({ services: app.services, actor: { user: 'alice', via: 'serve' } });
  const cliCaller = () => appRouter.createCaller({ services: app.services, actor: { user: 'alice', via: 'cli' } });

  beforeAll(async () => {
    server = await FakeKubeApiServer.start();
    other = await FakeKubeApiServer.start({ addons: { kubeflow: false, volcano: false } });
    kubeconfig = kubeconfigText([
      { name: 'lab', server: server.url, token: 'token-alice', user: 'alice', namespace: 'team-a', ca: server.pki.ca },
      { name: 'plain', server: other.url, token: 'token-alice', user: 'alice-plain', namespace: 'default', ca: other.pki.ca },
    ]);
    app = createApp({ dataDir: tmp.dir, passphrase: 'test passphrase' });
  });
  afterAll(async () => {
    app?.close();
    await server?.close();
    await other?.close();
    tmp.cleanup();
  });

  it('imports the kubeconfig into the vault, never into the row, and lists its contexts', async () => {
    const api = caller();
    expect(await api.jobs.kubeContexts({ kubeconfig })).toEqual([
      expect.objectContaining({ name: 'lab', server: server.url, namespace: 'team-a', current: true }),
      expect.objectContaining({ name: 'plain', server: other.url, current: false }),
    ]);
    const b = await api.jobs.addBackend({ name: 'k8s', kind: 'kubernetes', kubeconfig, context: 'lab' });
    expect(b).toMatchObject({ kind: 'kubernetes', url: server.url, credential: 'k8s-kubeconfig', context: 'lab', namespace: 'team-a' });
    // The secret is in the vault (kind kubeconfig), and nowhere in the row, the audit log or the answers.
    expect((await api.vault.list()).find((c) => c.name === 'k8s-kubeconfig')).toMatchObject({ kind: 'kubeconfig' });
    const row = JSON.stringify(app.db.prepare('SELECT * FROM job_backends').all());
    const audit = JSON.stringify(app.db.prepare('SELECT params, detail FROM audit_log').all());
    for (const text of [row, audit, JSON.stringify(await api.jobs.backends())]) expect(text).not.toContain('token-alice');
    // A context the kubeconfig lacks is named.
    await expect(api.jobs.addBackend({ name: 'bad', kind: 'kubernetes', kubeconfig, context: 'nope' })).rejects.toThrow(/no context "nope"; it has: lab, plain/);
    // The Queues page's entry point gives a client on the backend's context.
    expect(kubeClientForBackend(app.services.jobs.listBackends()[0], app.vault).context.name).toBe('lab');
  });

  it('creates exactly the previewed PyTorchJob manifest, in the backend namespace', async () => {
    const api = caller();
    const params = { name: 'ddp-a', workers: 2, command: ['torchrun', 'train.py'], env: { NCCL_DEBUG: 'INFO' } };
    const preview = await api.jobs.preview({ template: 'pytorch-ddp', params, backend: 'k8s' });
    expect(preview.kind).toBe('manifest');
    expect(preview.text).toContain('namespace: team-a'); // the context's namespace fills the template's default
    const before = server.requests.length;
    const j = await api.jobs.submit({ template: 'pytorch-ddp', params, backend: 'k8s' });
    expect(j).toMatchObject({ phase: 'submitted', backendJobId: 'PyTorchJob/team-a/ddp-a' });
    const posts = server.requests.slice(before).filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.path)).toEqual(['/apis/kubeflow.org/v1/namespaces/team-a/pytorchjobs']);
    expect(posts[0].body).toEqual(parse(preview.text));
    expect(j.rendered?.text).toBe(preview.text);
  });

  it('a watch event changes the row and fires the change feed, without any list call', async () => {
    const api = caller();
    const [j] = (await api.jobs.list({ refresh: true })).filter((x) => x.backendJobId === 'PyTorchJob/team-a/ddp-a');
    await until(() => server.openStreams.watches > 0, 'the watch');
    const feed = new ChangeFeed(app.db, 20);
    const abort = new AbortController();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const e of changesOf(feed, abort.signal)) if (e.module === 'jobs' && e.action === 'state') seen.push(e.targets);
    })();
    const listsBefore = server.requests.filter((r) => r.path.endsWith('/pytorchjobs') && r.method === 'GET' && r.query.watch !== '1').length;
    server.controllers.advance('kubeflow.org', 'pytorchjobs', 'team-a', 'ddp-a', 'Running');
    await until(() => app.services.jobs.listBackends() && (app.db.prepare('SELECT state FROM jobs WHERE id = ?').pluck().get(j.id) as string) === 'running', 'the row to say running');
    await until(() => seen.includes('k8s:PyTorchJob/team-a/ddp-a'), 'a change event');
    const row = (await api.jobs.list({ refresh: false })).find((x) => x.id === j.id)!;
    expect(row).toMatchObject({ state: 'running', rawState: 'Running' });
    expect(server.requests.filter((r) => r.path.endsWith('/pytorchjobs') && r.method === 'GET' && r.query.watch !== '1').length).toBe(listsBefore);
    abort.abort();
    feed.close();
    await reading;
  });

  it('shows pods and events, tails and follows the pods\' logs', async () => {
    const api = caller();
    const j = (await api.jobs.list({ refresh: false })).find((x) => x.backendJobId === 'PyTorchJob/team-a/ddp-a')!;
    const pods = await api.jobs.pods({ id: j.id });
    expect(pods.map((p) => `${p.name}:${p.role}`)).toEqual(['ddp-a-master-0:master', 'ddp-a-worker-0:worker', 'ddp-a-worker-1:worker']);
    const events = await api.jobs.events({ id: j.id });
    expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(['SuccessfulCreatePod', 'PyTorchJobRunning']));
    const many = Array.from({ length: 2500 }, (_, i) => `epoch line ${i}`);
    server.appendLog('team-a', 'ddp-a-master-0', ...many);
    const tail = await api.jobs.logs({ id: j.id, tailBytes: 1024 * 1024 });
    const masterLines = tail.text.split('\n').filter((l) => l.startsWith('[ddp-a-master-0] '));
    expect(masterLines.length).toBe(2000);
    expect(masterLines.at(-1)).toBe('[ddp-a-master-0] epoch line 2499');

    const abort = new AbortController();
    const got: string[] = [];
    // The service the router's subscription yields from, with the signal tRPC would pass.
    const sub = app.services.jobs.followLogs(j.id, 1, abort.signal);
    const reading = (async () => {
      for await (const l of sub) got.push(`${l.pod}: ${l.line}`);
    })();
    await until(() => got.includes('ddp-a-master-0: epoch line 2499'), 'the last line before following');
    server.appendLog('team-a', 'ddp-a-worker-1', 'worker says hi');
    server.appendLog('team-a', 'ddp-a-master-0', 'loss 0.1');
    await until(() => got.includes('ddp-a-worker-1: worker says hi') && got.includes('ddp-a-master-0: loss 0.1'), 'followed lines');
    abort.abort();
    await reading.catch(() => undefined);
    await until(() => server.openStreams.logs === 0, 'the log streams to close');
  });

  it('cancel deletes with Background propagation; rerun submits the same parameters under a new name', async () => {
    const api = caller();
    const j = (await api.jobs.list({ refresh: false })).find((x) => x.backendJobId === 'PyTorchJob/team-a/ddp-a')!;
    const before = server.requests.length;
    const c = await api.jobs.cancel({ id: j.id });
    expect(c).toMatchObject({ state: 'cancelled', rawState: 'Deleted' });
    // The delete is audited with its outcome (begun before the call, completed after it).
    const audited = app.db.prepare("SELECT targets, params, result, detail FROM audit_log WHERE module = 'jobs' AND action = 'cancel' ORDER BY id DESC").get();
    expect(audited).toEqual({ targets: 'k8s:PyTorchJob/team-a/ddp-a', params: JSON.stringify({ job: j.id, propagation: 'Background' }), result: 'ok', detail: 'deleted (Background propagation)' });
    const del = server.requests.slice(before).find((r) => r.method === 'DELETE')!;
    expect(del.path).toBe('/apis/kubeflow.org/v1/namespaces/team-a/pytorchjobs/ddp-a');
    expect(del.body).toMatchObject({ propagationPolicy: 'Background' });
    expect(server.object('kubeflow.org', 'pytorchjobs', 'team-a', 'ddp-a')).toBeUndefined();
    await until(() => server.objects('', 'pods', 'team-a').filter((p) => p.metadata.name.startsWith('ddp-a-')).length === 0, 'the pods to go');

    const r = await api.jobs.rerun({ id: j.id });
    expect(r.phase).toBe('submitted');
    expect(r.params).toEqual(j.params);
    expect(r.backendJobId).toMatch(/^PyTorchJob\/team-a\/ddp-a-r[0-9a-z]+$/);
    const created = server.requests.filter((x) => x.method === 'POST' && x.path.endsWith('/pytorchjobs')).at(-1)!;
    expect(created.body).toEqual(parse(r.rendered!.text));
  });

  it('parameters with shell and YAML syntax reach the manifest as literal strings', async () => {
    const api = caller();
    const j = await api.jobs.submit({ template: 'pytorch-ddp', params: { name: 'nasty', workers: 0, command: ['python', '-c', ...NASTY], env: Object.fromEntries(NASTY.map((v, i) => [`V${i}`, v])) }, backend: 'k8s' });
    expect(j.phase).toBe('submitted');
    const body = server.requests.filter((x) => x.method === 'POST' && x.path.endsWith('/pytorchjobs')).at(-1)!.body as { spec: { pytorchReplicaSpecs: { Master: { template: { spec: { containers: Array<{ command: string[]; env: Array<{ name: string; value: string }> }> } } } } } };
    const container = body.spec.pytorchReplicaSpecs.Master.template.spec.containers[0];
    expect(container.command).toEqual(['python', '-c', ...NASTY]);
    expect(container.env).toEqual(NASTY.map((v, i) => ({ name: `V${i}`, value: v })));
    // And the stored object on the server holds the same strings.
    const stored = server.object('kubeflow.org', 'pytorchjobs', 'team-a', 'nasty')!;
    expect(JSON.stringify(stored.spec)).toContain(JSON.stringify(NASTY[3]));
  });

  it('batch/v1 Job and Volcano Job templates: literal args and env, exactly the preview, watched to the end', async () => {
    const api = caller();
    const params = { name: 'plain', command: ['sh', '-c'], args: ['printf "%s\\n" "$@"', 'x', ...NASTY], env: { MSG: NASTY.join('|') } };
    const preview = await api.jobs.preview({ template: 'k8s-job', params, backend: 'k8s' });
    const j = await api.jobs.submit({ template: 'k8s-job', params, backend: 'k8s' });
    expect(j.backendJobId).toBe('Job/team-a/plain');
    const post = server.requests.filter((x) => x.method === 'POST' && x.path === '/apis/batch/v1/namespaces/team-a/jobs').at(-1)!;
    expect(post.body).toEqual(parse(preview.text));
    const c = (post.body as { spec: { template: { spec: { containers: Array<{ command: string[]; args: string[]; env: Array<{ name: string; value: string }> }> } } } }).spec.template.spec.containers[0];
    expect(c.command).toEqual(['sh', '-c']);
    expect(c.args).toEqual(['printf "%s\\n" "$@"', 'x', ...NASTY]);
    expect(c.env).toEqual([{ name: 'MSG', value: NASTY.join('|') }]);
    await caller().jobs.list({ refresh: true }); // starts the Job watch
    await until(() => server.requests.some((x) => x.path === '/apis/batch/v1/namespaces/team-a/jobs' && x.query.watch === '1'), 'the Job watch');
    const open = server.openStreams.watches;
    server.controllers.advance('batch', 'jobs', 'team-a', 'plain', 'Running');
    server.controllers.advance('batch', 'jobs', 'team-a', 'plain', 'Succeeded');
    await until(() => (app.db.prepare("SELECT state FROM jobs WHERE backend_job_id = 'Job/team-a/plain'").pluck().get() as string) === 'succeeded', 'the Job to succeed');
    // Its only job finished: that watch ends.
    await until(() => server.openStreams.watches === open - 1, 'the Job watch to end');

    const v = await api.jobs.submit({ template: 'volcano-job', params: { name: 'gang', workers: 3, queue: 'research' }, backend: 'k8s' });
    expect(v.backendJobId).toBe('VolcanoJob/team-a/gang');
    expect(server.object('batch.volcano.sh', 'jobs', 'team-a', 'gang')?.spec).toMatchObject({ queue: 'research', minAvailable: 3, schedulerName: 'volcano' });
    expect((await api.jobs.pods({ id: v.id })).map((p) => p.name)).toEqual(['gang-worker-0', 'gang-worker-1', 'gang-worker-2']);
    // Following pods whose containers have not started: told once, then followed once they run.
    const abort = new AbortController();
    const got: string[] = [];
    const reading = (async () => {
      for await (const l of app.services.jobs.followLogs(v.id, 10, abort.signal)) got.push(`${l.pod}: ${l.line}`);
    })();
    await until(() => got.filter((l) => /waiting to start: ContainerCreating; waiting for it to start/.test(l)).length === 3, 'the waiting notes');
    server.update('', 'pods', 'team-a', 'gang-worker-1', (p) => (p.status = { phase: 'Running' }));
    server.appendLog('team-a', 'gang-worker-1', 'rank 1 up');
    await until(() => got.includes('gang-worker-1: rank 1 up'), 'the started pod\'s log', 10_000);
    abort.abort();
    await reading;
    await expect(api.jobs.preview({ template: 'pytorch-ddp', params: { image: 'my image:1' }, backend: 'k8s' })).rejects.toThrow(/image "my image:1" cannot contain spaces/);

    // TFJob (the tensorflow template) and Horovod's MPIJob v2beta1 go where their manifests say.
    const tf = await api.jobs.submit({ template: 'tensorflow', params: { name: 'tf1', workers: 2 }, backend: 'k8s' });
    expect(tf.backendJobId).toBe('TFJob/team-a/tf1');
    expect((await api.jobs.pods({ id: tf.id })).map((p) => `${p.name}:${p.role}`)).toEqual(['tf1-worker-0:worker', 'tf1-worker-1:worker']);
    server.controllers.advance('kubeflow.org', 'tfjobs', 'team-a', 'tf1', 'Running');
    await until(() => (app.db.prepare('SELECT state FROM jobs WHERE id = ?').pluck().get(tf.id) as string) === 'running', 'the TFJob to run');
    // Pause and continue: runPolicy.suspend by merge patch; the watch sees Suspended, then Running again.
    await api.jobs.control({ id: tf.id, action: 'suspend' });
    expect(server.object('kubeflow.org', 'tfjobs', 'team-a', 'tf1')?.spec).toMatchObject({ runPolicy: { suspend: true } });
    await until(() => (app.db.prepare('SELECT state FROM jobs WHERE id = ?').pluck().get(tf.id) as string) === 'paused', 'the TFJob to pause');
    await api.jobs.control({ id: tf.id, action: 'resume' });
    await until(() => (app.db.prepare('SELECT state FROM jobs WHERE id = ?').pluck().get(tf.id) as string) === 'running', 'the TFJob to run again');
    await expect(api.jobs.control({ id: tf.id, action: 'hold' })).rejects.toThrow(/hold is a Slurm action; a Kubernetes job is paused with suspend and continued with resume/);
    const controls = app.db.prepare("SELECT action, params, result FROM audit_log WHERE module = 'jobs' AND targets = 'k8s:TFJob/team-a/tf1' AND action IN ('suspend', 'resume', 'hold') ORDER BY id").all();
    expect(controls).toEqual(['suspend', 'resume'].map((action) => ({ action, params: JSON.stringify({ job: tf.id }), result: 'ok' })));
    const mpi = await api.jobs.submit({ template: 'horovod', params: { name: 'hvd' }, backend: 'k8s' });
    expect(mpi.backendJobId).toBe('MPIJob/team-a/hvd');
    expect(server.requests.filter((x) => x.method === 'POST').at(-1)!.path).toBe('/apis/kubeflow.org/v2beta1/namespaces/team-a/mpijobs');
    // ... and is watched on that version (the standalone mpi-operator serves only v2beta1).
    await until(() => server.requests.some((x) => x.path === '/apis/kubeflow.org/v2beta1/namespaces/team-a/mpijobs' && x.query.watch === '1'), 'a v2beta1 watch');
    server.controllers.advance('kubeflow.org', 'mpijobs', 'team-a', 'hvd', 'Running');
    await until(() => (app.db.prepare('SELECT state FROM jobs WHERE id = ?').pluck().get(mpi.id) as string) === 'running', 'the MPIJob to run');
  });

  it('a job deleted on the cluster by someone else shows as cancelled (deleted from the cluster)', async () => {
    const api = caller();
    const j = await api.jobs.submit({ template: 'k8s-job', params: { name: 'gone' }, backend: 'k8s' });
    await api.jobs.list({ refresh: true });
    server.controllers.advance('batch', 'jobs', 'team-a', 'gone', 'Running');
    await until(() => (app.db.prepare('SELECT state FROM jobs WHERE id = ?').pluck().get(j.id) as string) === 'running', 'the job to run');
    server.remove('batch', 'jobs', 'team-a', 'gone');
    await until(() => (app.db.prepare('SELECT state FROM jobs WHERE id = ?').pluck().get(j.id) as string) === 'cancelled', 'the row to follow the delete');
    expect((await api.jobs.show({ id: j.id }))).toMatchObject({ state: 'cancelled', rawState: 'Deleted', reason: 'deleted from the cluster' });
    await expect(api.jobs.cancel({ id: j.id })).rejects.toThrow(/no longer on the cluster/);
    expect(app.db.prepare('SELECT state FROM jobs WHERE id = ?').pluck().get(j.id)).toBe('cancelled');
  });

  it('the CLI front door lists once (no watch) and sees the watch-free state', async () => {
    server.controllers.advance('kubeflow.org', 'pytorchjobs', 'team-a', 'nasty', 'Running');
    const rows = await cliCaller().jobs.list({ refresh: true });
    expect(rows.find((x) => x.backendJobId === 'PyTorchJob/team-a/nasty')).toMatchObject({ state: 'running' });
  });

  it('unreachable API server: the job waits in the outbox and is submitted when it answers', async () => {
    const api = caller();
    const down = await FakeKubeApiServer.start();
    const url = down.url;
    const cfg = kubeconfigText([{ name: 'down', server: url, token: 'token-alice', user: 'alice', namespace: 'team-b', ca: down.pki.ca }]);
    await down.close();
    await api.jobs.addBackend({ name: 'away', kind: 'kubernetes', kubeconfig: cfg });
    const j = await api.jobs.submit({ template: 'pytorch-ddp', params: { name: 'later' }, backend: 'away' });
    expect(j.phase).toBe('outbox');
    expect(j.lastError).toMatch(/cannot reach the API server/);
    expect(j.rendered?.text).toContain('name: later');
    // Point the backend at a live server (same kubeconfig shape, new address): the outbox flushes.
    await api.jobs.addBackend({ name: 'away', kind: 'kubernetes', kubeconfig: kubeconfigText([{ name: 'down', server: server.url, token: 'token-alice', user: 'alice', namespace: 'team-b', ca: server.pki.ca }]), replace: true });
    const flushed = await api.jobs.flushOutbox();
    expect(flushed.submitted).toEqual([{ id: j.id, backendJobId: 'PyTorchJob/team-b/later' }]);
    expect(server.object('kubeflow.org', 'pytorchjobs', 'team-b', 'later')).toBeDefined();
    // Removing the backend removes the kubeconfig it imported into the vault.
    await api.jobs.removeBackend({ name: 'away' });
    expect((await api.vault.list()).map((c) => c.name)).not.toContain('away-kubeconfig');
  });

  it('expired token and missing CRD: clear errors, the job kept as a draft', async () => {
    const api = caller();
    await api.jobs.switchContext({ backend: 'k8s', context: 'plain' });
    const b = (await api.jobs.backends()).find((x) => x.name === 'k8s')!;
    expect(b).toMatchObject({ context: 'plain', url: other.url });
    const e1 = await api.jobs.submit({ template: 'pytorch-ddp', params: { name: 'no-crd' }, backend: 'k8s' }).catch((e: Error) => e);
    expect((e1 as Error).message).toMatch(/Kubeflow's training operator is not installed .*install it \(or pick a context whose cluster has it\).*kept as a draft/);
    const e3 = await api.jobs.submit({ template: 'volcano-job', params: { name: 'no-volcano' }, backend: 'k8s' }).catch((e: Error) => e);
    expect((e3 as Error).message).toMatch(/Volcano is not installed .*no batch\.volcano\.sh\/v1alpha1 Job resource/);
    await api.jobs.switchContext({ backend: 'k8s', context: 'lab' });
    server.tokens.delete('token-alice');
    try {
      const e2 = await api.jobs.submit({ template: 'pytorch-ddp', params: { name: 'expired' }, backend: 'k8s' }).catch((e: Error) => e);
      expect((e2 as Error).message).toMatch(/rejected the credentials .*HTTP 401.*expired or is invalid; refresh the kubeconfig/);
      expect((e2 as Error).message).not.toContain('token-alice');
    } finally {
      server.tokens.set('token-alice', 'alice');
    }
    const drafts = await api.jobs.list({ phase: 'draft', refresh: false });
    expect(drafts.map((d) => d.name)).toEqual(expect.arrayContaining(['no-crd', 'no-volcano', 'expired']));
  });
});
