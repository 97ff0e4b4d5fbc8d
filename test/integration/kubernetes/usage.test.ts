// Per-user usage on a kubernetes backend through the contract, against the test API server: the
// run times come from each job's status as the watch (serve) or a listing (CLI) sees it, the GPU
// count from its replicas' limits. The expected hours are computed here from the times the test
// API server holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../main/app';
import { appRouter } from '../../../shared/contract/router';
import { FakeKubeApiServer, kubeconfigText, until } from '../../support/k8s';
import { tempDir } from '../../support/tmp';

const H = 3600_000;

describe('Per-user usage on Kubernetes', { timeout: 60_000 }, () => {
  const tmp = tempDir('clusterdeck-kube-usage-');
  let server: FakeKubeApiServer;
  let app: App;
  const serve = () => appRouter.createCaller({ services: app.services, actor: { user: 'alice', via: 'serve' } });
  const cli = () => appRouter.createCaller({ services: app.services, actor: { user: 'alice', via: 'cli' } });
  const run = (id: number) => app.db.prepare('SELECT run_started_at AS start, run_ended_at AS end, devices FROM jobs WHERE id = ?').get(id) as { start: string | null; end: string | null; devices: string | null };

  beforeAll(async () => {
    server = await FakeKubeApiServer.start();
    app = createApp({ dataDir: tmp.dir, passphrase: 'test passphrase' });
    const kubeconfig = kubeconfigText([{ name: 'lab', server: server.url, token: 'token-alice', user: 'alice', namespace: 'team-a', ca: server.pki.ca }]);
    await serve().jobs.addBackend({ name: 'k8s', kind: 'kubernetes', kubeconfig });
  });
  afterAll(async () => {
    app?.close();
    await server?.close();
    tmp.cleanup();
  });

  it('books GPU-hours from startTime/completionTime and the replicas\' GPU limits; allocated now while running', async () => {
    // PyTorchJob: a master and 1 worker with 2 GPUs each = 4 GPUs.
    const ddp = await serve().jobs.submit({ template: 'pytorch-ddp', backend: 'k8s', params: { name: 'ddp', workers: 1, gpusPerReplica: 2 } });
    // Volcano Job: 3 workers × 1 GPU.
    const vj = await serve().jobs.submit({ template: 'volcano-job', backend: 'k8s', params: { name: 'vj', queue: 'research', workers: 3, gpusPerWorker: 1 } });
    server.controllers.advance('kubeflow.org', 'pytorchjobs', 'team-a', 'ddp', 'Running');
    server.controllers.advance('batch.volcano.sh', 'jobs', 'team-a', 'vj', 'Running');
    await until(() => run(ddp.id).start !== null && run(vj.id).start !== null, 'the watches to record both starts');
    expect(JSON.parse(run(ddp.id).devices!)).toEqual({ gpu: 4 });
    expect(JSON.parse(run(vj.id).devices!)).toEqual({ gpu: 3 });
    // The Volcano job's start is its Running condition's time, as Volcano records it.
    const vjObj = server.object('batch.volcano.sh', 'jobs', 'team-a', 'vj')!;
    const running = (vjObj.status!.conditions as { status: string; lastTransitionTime: string }[]).find((c) => c.status === 'Running')!;
    expect(run(vj.id).start).toBe(new Date(running.lastTransitionTime).toISOString());

    const now = await serve().queues.usage({ backend: 'k8s' });
    expect(now.source).toBe('kubernetes');
    expect(now.note).toMatch(/Kubernetes records no job owner[\s\S]*Idle hours need GPU utilization/);
    expect(now.rows).toEqual([expect.objectContaining({ user: 'alice', deviceType: 'gpu', allocated: 7, runningJobs: 2, idleHours: null, idlePercent: null })]);

    // The PyTorchJob ran two hours, ten hours ago: the operator's times, moved back (a watch event carries them).
    const started = new Date(Date.now() - 10 * H).toISOString();
    const ended = new Date(Date.now() - 8 * H).toISOString();
    // As the operator writes a success: Running off, Succeeded on, completionTime set (one update, one watch event).
    server.update('kubeflow.org', 'pytorchjobs', 'team-a', 'ddp', (o) => {
      const conditions = [
        { type: 'Created', status: 'True', reason: 'PyTorchJobCreated', lastTransitionTime: started },
        { type: 'Running', status: 'False', reason: 'PyTorchJobRunning', lastTransitionTime: started },
        { type: 'Succeeded', status: 'True', reason: 'PyTorchJobSucceeded', lastTransitionTime: ended },
      ];
      o.status = { ...o.status, conditions, startTime: started, completionTime: ended };
    });
    await until(() => run(ddp.id).end === ended, 'the watch to record the operator\'s times');
    expect(run(ddp.id).start).toBe(started);
    expect((await serve().jobs.show({ id: ddp.id })).state).toBe('succeeded');

    const later = await serve().queues.usage({ backend: 'k8s', days: 30 });
    const row = later.rows.find((r) => r.user === 'alice' && r.deviceType === 'gpu')!;
    const vjHours = (Date.parse(later.until) - Date.parse(run(vj.id).start!)) / H;
    expect(row).toMatchObject({ allocated: 3, runningJobs: 1 });
    expect(row.bookedHours).toBeCloseTo(4 * 2 + 3 * vjHours, 2);
    expect(later.totals).toEqual([expect.objectContaining({ deviceType: 'gpu', allocated: 3, runningJobs: 1 })]);
  });

  it('a CLI call lists once and records the end; a cancelled job stops booking', async () => {
    const j = await cli().jobs.submit({ template: 'k8s-job', backend: 'k8s', params: { name: 'one', gpus: 1 } });
    server.controllers.advance('batch', 'jobs', 'team-a', 'one', 'Running');
    // No watch in a CLI: usage brings the row up to date with one listing.
    const u = await cli().queues.usage({ backend: 'k8s' });
    expect(run(j.id).start).not.toBeNull();
    expect(u.rows.find((r) => r.deviceType === 'gpu')).toMatchObject({ allocated: 4 });
    await cli().jobs.cancel({ id: j.id });
    expect(run(j.id).end).not.toBeNull();
    const after = await cli().queues.usage({ backend: 'k8s' });
    expect(after.rows.find((r) => r.deviceType === 'gpu')).toMatchObject({ allocated: 3 });
  });

  it('an API server that refuses the token: no stale figures, a message naming the backend', async () => {
    server.tokens.delete('token-alice');
    try {
      await expect(cli().queues.usage({ backend: 'k8s' })).rejects.toMatchObject({ message: expect.stringMatching(/^backend k8s did not answer while its jobs were brought up to date/) });
    } finally {
      server.tokens.set('token-alice', 'alice');
    }
  });
});
