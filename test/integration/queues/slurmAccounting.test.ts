// Per-user usage from real Slurm accounting: the lab Slurm with slurmdbd and a private MariaDB
// (main/lab/slurmdbd.ts). The expected figures are computed here from `sacct --json`, read
// independently of the parseable form the queues service uses.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../main/app';
import { startSlurm, stopSlurm, type SlurmLab } from '../../../main/lab/slurm';
import { accountingInstalled } from '../../../main/lab/slurmdbd';
import { identify } from '../../../main/lab/procs';
import { localRunner } from '../../../main/protocols/slurm';
import { appRouter } from '../../../shared/contract/router';
import { tempDir } from '../../support/tmp';
import { untilValue as until } from '../../support/untilValue';

const actor = { user: 'tester', via: 'cli' as const };


interface SacctJob {
  job_id: number;
  user: string;
  state: { current: string };
  time: { start: number; end: number; elapsed: number };
  tres: { allocated: { type: string; count: number | null }[] };
  steps: { time: { total: { seconds: number; microseconds: number } } }[];
}

describe('Usage from the lab Slurm\'s slurmdbd', { timeout: 180_000 }, () => {
  const t = tempDir('clusterdeck-queues-acct-');
  let lab: SlurmLab;
  let app: App;
  let api: ReturnType<typeof appRouter.createCaller>;
  const sh = (argv: string[]) => localRunner(lab.env).run(argv, { timeoutMs: 30_000 });
  const sacctJson = async (): Promise<SacctJob[]> => {
    const r = await sh(['sacct', '--json', '-a', '-S', 'now-1days', '-E', 'now']);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { jobs: SacctJob[] }).jobs;
  };

  beforeAll(async () => {
    expect(accountingInstalled(), 'slurmdbd and mariadb-server must be installed (.ci/run installs them)').toBe(true);
    lab = await startSlurm({ stateDir: t.dir, rest: false, accounting: true });
    app = createApp({ dataDir: join(t.dir, 'data'), passphrase: 'test-passphrase' });
    api = appRouter.createCaller({ services: app.services, actor });
    await api.jobs.addBackend({ name: 'lab', kind: 'slurm-cli', url: 'local', env: { SLURM_CONF: lab.confPath }, workDir: lab.workDir });
  }, 90_000);
  afterAll(async () => {
    app?.close();
    await lab?.stop();
    t.cleanup();
  });

  it('runs MariaDB and slurmdbd as its own processes, in its state folder', () => {
    expect(lab.accounting).toBe('slurmdbd');
    const kinds = lab.pids.map((p) => p.kind);
    expect(kinds).toEqual(expect.arrayContaining(['munged', 'mariadbd', 'slurmdbd', 'slurmctld', 'slurmd']));
    const maria = lab.pids.find((p) => p.kind === 'mariadbd')!;
    expect(identify(maria)).toBe('ours');
    expect(maria.cmdline).toContain(`--datadir=${join(lab.dir, 'mariadb', 'data')}`);
    expect(maria.cmdline).toContain('--bind-address=127.0.0.1');
  });

  it('books finished and running jobs from sacct, and idle CPU-hours from their CPU time', async () => {
    // Two CPUs, one of them busy for about two seconds, then one that is still running.
    const busy = await sh(['sbatch', '--parsable', '-n', '2', '-o', '/dev/null', '--chdir', lab.workDir, '--wrap', "timeout 2 sh -c 'while :; do :; done'; true"]);
    expect(busy.code, busy.stderr).toBe(0);
    const busyId = Number(busy.stdout.trim());
    const done = await until(sacctJson, (jobs) => jobs.some((j) => j.job_id === busyId && j.state.current === 'COMPLETED' && j.steps.length > 0));
    const run = await sh(['sbatch', '--parsable', '-n', '1', '-o', '/dev/null', '--chdir', lab.workDir, '--wrap', 'sleep 120']);
    expect(run.code, run.stderr).toBe(0);
    const runId = Number(run.stdout.trim());
    try {
      await until(sacctJson, (jobs) => jobs.some((j) => j.job_id === runId && j.state.current === 'RUNNING'));
      const finished = done.filter((j) => j.user === lab.user && j.state.current !== 'RUNNING' && j.time.start > 0);
      const cpus = (j: SacctJob) => j.tres.allocated.find((x) => x.type === 'cpu')?.count ?? 0;
      const used = (j: SacctJob) => j.steps.reduce((s, st) => s + st.time.total.seconds + st.time.total.microseconds / 1e6, 0);
      const bookedDone = finished.reduce((s, j) => s + (cpus(j) * (j.time.end - j.time.start)) / 3600, 0);
      const idleDone = finished.reduce((s, j) => s + Math.max(0, cpus(j) * (j.time.end - j.time.start) - used(j)) / 3600, 0);
      expect(used(finished.find((j) => j.job_id === busyId)!)).toBeGreaterThan(0); // jobacct_gather/linux recorded it

      const usage = await api.queues.usage({ backend: 'lab', days: 30 });
      expect(usage.source).toBe('slurmdbd');
      expect(usage.note).toMatch(/from Slurm accounting \(slurmdbd\)/);
      const row = usage.rows.find((r) => r.user === lab.user && r.deviceType === 'cpu')!;
      expect(row).toMatchObject({ allocated: 1, runningJobs: 1 });
      // The running job adds its time so far (seconds at most here) to what the finished ones booked.
      expect(row.bookedHours).toBeGreaterThanOrEqual(Math.round(bookedDone * 100) / 100 - 0.01);
      expect(row.bookedHours).toBeLessThan(bookedDone + 0.05);
      expect(row.idleHours).not.toBeNull();
      expect(row.idleHours!).toBeCloseTo(idleDone, 2);
      expect(row.idlePercent).not.toBeNull();
      expect(usage.totals.find((r) => r.deviceType === 'cpu')).toMatchObject({ allocated: 1, runningJobs: 1 });
    } finally {
      await sh(['scancel', String(runId)]);
    }
  });

  it('stops slurmctld before slurmdbd and MariaDB, and a restart keeps the recorded jobs', async () => {
    const before = (await sacctJson()).map((j) => j.job_id);
    expect(before.length).toBeGreaterThan(0);
    const r = await stopSlurm(lab.dir);
    expect(r.reused).toEqual([]);
    for (const p of lab.pids) expect(identify(p)).not.toBe('ours');
    lab = await startSlurm({ stateDir: t.dir, rest: false, accounting: true });
    const after = await until(sacctJson, (jobs) => before.every((id) => jobs.some((j) => j.job_id === id)));
    expect(after.map((j) => j.job_id)).toEqual(expect.arrayContaining(before));
  });

  it('a job slurmctld has forgotten gets its final state from accounting, not "vanished"', async () => {
    const j = await api.jobs.submit({ template: 'shell', backend: 'lab', params: { program: 'sleep', args: ['1'] } });
    expect(j.phase).toBe('submitted');
    const id = Number(j.backendJobId);
    await until(sacctJson, (jobs) => jobs.some((x) => x.job_id === id && x.state.current === 'COMPLETED'));
    // slurmctld forgets finished jobs after MinJobAge; here it restarts without its job state, which has the same effect.
    await stopSlurm(lab.dir);
    for (const f of ['job_state', 'job_state.old']) rmSync(join(lab.dir, 'ctld-state', f), { force: true });
    lab = await startSlurm({ stateDir: t.dir, rest: false, accounting: true });
    const squeue = await sh(['squeue', '-h', '-j', String(id)]);
    expect(squeue.stdout.trim()).toBe(''); // slurmctld no longer knows it
    const [row] = (await api.jobs.list({ backend: 'lab' })).filter((x) => x.id === j.id);
    expect(row).toMatchObject({ state: 'succeeded', rawState: 'COMPLETED', vanished: false, exitCode: 0, user: lab.user, queue: 'debug' });
  });
});
