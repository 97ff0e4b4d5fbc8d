// The queues service against the lab's real single-node Slurm (no slurmdbd, jobcomp/filetxt):
// partition counts follow the node and the running jobs; per-user usage falls back to the job
// completion log and says so.
import { readFileSync } from 'node:fs';
import { cpus as osCpus } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../main/app';
import { startSlurm, type SlurmLab } from '../../../main/lab/slurm';
import { localRunner } from '../../../main/protocols/slurm';
import { appRouter } from '../../../shared/contract/router';
import { tempDir } from '../../support/tmp';
import { untilValue as until } from '../../support/untilValue';

const actor = { user: 'tester', via: 'cli' as const };


describe('Queues on the lab Slurm', { timeout: 180_000 }, () => {
  const t = tempDir('clusterdeck-queues-slurm-');
  let lab: SlurmLab;
  let app: App;
  let api: ReturnType<typeof appRouter.createCaller>;
  const sh = (argv: string[]) => localRunner(lab.env).run(argv, { timeoutMs: 30_000 });

  beforeAll(async () => {
    lab = await startSlurm({ stateDir: t.dir });
    app = createApp({ dataDir: join(t.dir, 'data'), passphrase: 'test-passphrase' });
    api = appRouter.createCaller({ services: app.services, actor });
    await api.jobs.addBackend({ name: 'lab', kind: 'slurm-cli', url: 'local', env: { SLURM_CONF: lab.confPath }, workDir: lab.workDir });
    await api.jobs.addBackend({ name: 'lab-rest', kind: 'slurm-rest', url: lab.restUrl!, credential: 'lab-jwt', user: lab.user });
  }, 90_000);
  afterAll(async () => {
    app?.close();
    await lab?.stop();
    t.cleanup();
  });

  it('counts the partition\'s node and CPUs, idle and then allocated to a running job', async () => {
    const idle = await api.queues.list({ backend: 'lab' });
    expect(idle).toHaveLength(1);
    const [debug] = idle[0].partitions;
    const cpus = (await app.services.jobs.nodes('lab'))[0].cpus;
    expect(cpus).toBe(Math.max(1, osCpus().length));
    expect(debug).toMatchObject({ name: 'debug', isDefault: true, nodeList: 'localhost', nodes: { total: 1, idle: 1, allocated: 0, down: 0 }, cpus: { total: cpus, idle: cpus, allocated: 0 }, gpus: { total: 0, allocated: 0, idle: 0 }, runningJobs: 0 });

    expect(idle[0].nodes).toEqual([{ name: 'localhost', status: 'idle', state: 'idle', partitions: ['debug'], cpus, gpus: 0, reason: '' }]);

    const sub = await sh(['sbatch', '--parsable', '-n', '1', '-o', '/dev/null', '--chdir', lab.workDir, '--wrap', 'sleep 120']);
    expect(sub.code, sub.stderr).toBe(0);
    const id = sub.stdout.trim();
    try {
      // squeue and sinfo are two snapshots: the node's state follows the job's a moment later.
      const busy = await until(() => api.queues.list({ backend: 'lab' }), (l) => l[0].partitions[0].runningJobs === 1 && l[0].partitions[0].nodes.idle === 0);
      const p = busy[0].partitions[0];
      expect(p.cpus.allocated).toBe(1);
      expect(p.cpus.idle).toBe(cpus - 1);
      // One CPU of the only node: mixed when it has more, allocated when that was all it had.
      expect(p.nodes).toMatchObject(cpus > 1 ? { total: 1, allocated: 1, mixed: 1, idle: 0 } : { total: 1, allocated: 1, idle: 0 });

      const usage = await api.queues.usage({ backend: 'lab' });
      const mine = usage.rows.find((r) => r.user === lab.user && r.deviceType === 'cpu')!;
      expect(mine).toMatchObject({ allocated: 1, runningJobs: 1, idleHours: null, idlePercent: null });
      expect(usage.totals.find((r) => r.deviceType === 'cpu')!.allocated).toBe(1);
    } finally {
      await sh(['scancel', id]);
    }
  });

  it('usage without slurmdbd: booked hours from the job completion log, said clearly', async () => {
    const sub = await sh(['sbatch', '--parsable', '-n', '2', '-o', '/dev/null', '--chdir', lab.workDir, '--wrap', 'sleep 3']);
    expect(sub.code, sub.stderr).toBe(0);
    const id = sub.stdout.trim();
    const log = join(lab.confPath, '..', 'log', 'jobcomp.txt');
    await until(async () => { try { return readFileSync(log, 'utf8'); } catch { return ''; } }, (s) => s.includes(`JobId=${id} `));
    // What slurmctld wrote for every finished job: CPUs × (end − start), read independently of sacct.
    const expected = readFileSync(log, 'utf8').split('\n').filter((l) => l.includes(`UserId=${lab.user}(`)).reduce((sum, l) => {
      const f = Object.fromEntries([...l.matchAll(/(\w+)=(\S*)/g)].map((m) => [m[1], m[2]]));
      return sum + (Number(f.ProcCnt) * (Date.parse(f.EndTime) - Date.parse(f.StartTime))) / 1000 / 3600;
    }, 0);
    expect(expected).toBeGreaterThan(0);
    const usage = await until(() => api.queues.usage({ backend: 'lab', days: 30 }), (u) => u.rows.some((r) => r.user === lab.user && r.runningJobs === 0));
    expect(usage.source).toBe('jobcomp');
    expect(usage.note).toMatch(/no accounting storage \(slurmdbd\)/);
    const row = usage.rows.find((r) => r.user === lab.user && r.deviceType === 'cpu')!;
    expect(row.bookedHours).toBeCloseTo(expected, 2);
    expect(row).toMatchObject({ allocated: 0, idleHours: null, allocatedPreemptible: null });
    expect(Date.parse(usage.until) - Date.parse(usage.since)).toBe(30 * 86400 * 1000);
  });

  it('a slurmrestd backend lists partitions (GPUs allocated unknown) and says usage needs a slurm-cli backend', async () => {
    const jwt = await lab.token(600);
    await api.vault.add({ name: 'lab-jwt', kind: 'token', username: lab.user, secret: jwt });
    const [rest] = await api.queues.list({ backend: 'lab-rest' });
    expect(rest.error).toBeNull();
    expect(rest.partitions[0]).toMatchObject({ name: 'debug', nodes: { total: 1 }, gpus: { allocated: null, idle: null }, runningJobs: null });
    const u = await api.queues.usage({ backend: 'lab-rest' });
    expect(u).toMatchObject({ source: 'none', rows: [] });
    expect(u.note).toMatch(/slurm-cli backend/);
  });

  it('names what to fix: an unknown backend, usage with several backends, a Slurm backend for a Volcano call', async () => {
    await expect(api.queues.list({ backend: 'nope' })).rejects.toMatchObject({ message: expect.stringMatching(/no backend named nope \(backends: lab, lab-rest\)/) });
    await expect(api.queues.usage({})).rejects.toMatchObject({ message: expect.stringMatching(/several backends are configured \(lab, lab-rest\); choose one with --backend/) });
    await expect(api.queues.create({ backend: 'lab', name: 'q1' })).rejects.toMatchObject({ message: expect.stringMatching(/backend lab is slurm-cli: Volcano queues live on kubernetes backends/) });
    const all = await api.queues.list({});
    expect(all.map((b) => [b.backend, b.kind])).toEqual([['lab', 'slurm'], ['lab-rest', 'slurm']]);
  });
});
