import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../main/store/db';
import { AuditLog } from '../../../main/services/audit/auditLog';
import { JobStore, createJobsService, createTemplatesService } from '../../../main/services/jobs';
import type { SlurmClient, SlurmJob, SlurmSubmit } from '../../../main/protocols/slurm';
import { AppError } from '../../../shared/errors';
import type { JobsService } from '../../../shared/contract/services';
import { tempDir } from '../../support/tmp';

const actor = { user: 'tester', via: 'cli' as const };

/** A cluster in memory: jobs can be made to vanish and the controller to go away. */
class FakeSlurm implements SlurmClient {
  readonly kind = 'slurm-cli' as const;
  up = true;
  known = new Map<string, SlurmJob>();
  submitted: SlurmSubmit[] = [];
  private next = 100;
  private check() {
    if (!this.up) throw new AppError('SLURM_UNREACHABLE', 'the Slurm controller does not answer from local');
  }
  async submit(j: SlurmSubmit) {
    this.check();
    if (j.partition === 'nope') throw new AppError('SLURM_NO_SUCH_PARTITION', 'invalid partition');
    this.submitted.push(j);
    const id = String(this.next++);
    this.known.set(id, { id, name: j.name, state: 'PENDING', reason: '', partition: 'debug', nodes: '', user: 'u', exitCode: null, submitTime: 1, startTime: null, endTime: null, output: '' });
    return { id };
  }
  async jobs() {
    this.check();
    return [...this.known.values()];
  }
  async job(id: string) {
    this.check();
    return this.known.get(id) ?? null;
  }
  async cancel(id: string) {
    this.check();
    this.known.get(id)!.state = 'CANCELLED';
  }
  async control() {}
  async partitions() {
    return [];
  }
  async nodes() {
    return [];
  }
  async ping() {
    this.check();
  }
}

describe('jobs service (fake cluster)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let db: Db;
  let fake: FakeSlurm;
  let jobs: JobsService;
  beforeEach(() => {
    tmp = tempDir();
    db = openDatabase(tmp.dir);
    const audit = new AuditLog(db);
    const store = new JobStore(db);
    fake = new FakeSlurm();
    jobs = createJobsService({ store, audit, vault: { reveal: () => ({ secret: '', username: null }) }, templates: createTemplatesService(store, audit), makeClient: () => fake });
    jobs.addBackend(actor, { name: 'c1', kind: 'slurm-cli', url: 'local', user: null, credential: null, workDir: '/scratch', env: {}, replace: false });
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it('maps the job model onto the submit: priority, GPUs, environment, working folder', async () => {
    const j = await jobs.submit(actor, { template: 'slurm-single-gpu', params: { gpus: 2, gpuType: 'a100', priority: 40, env: { A: '$(id)' } }, draft: false });
    expect(j.phase).toBe('submitted');
    expect(fake.submitted[0]).toMatchObject({ gpusPerNode: 2, gpuType: 'a100', nice: 60, env: { A: '$(id)' }, cwd: '/scratch' });
    expect(fake.submitted[0].script).toContain('#SBATCH --gres=gpu:a100:2');
  });

  it('drafts need no cluster; unreachable goes to the outbox and list() submits it when the cluster answers', async () => {
    fake.up = false;
    const d = await jobs.submit(actor, { template: 'shell', params: {}, draft: true });
    expect(d.phase).toBe('draft');
    const o = await jobs.submit(actor, { template: 'shell', params: {}, draft: false });
    expect(o.phase).toBe('outbox');
    expect(o.lastError).toMatch(/does not answer/);
    expect((await jobs.list(actor, { refresh: true })).find((x) => x.id === o.id)!.phase).toBe('outbox');
    fake.up = true;
    const after = await jobs.list(actor, { refresh: true });
    expect(after.find((x) => x.id === o.id)!.phase).toBe('submitted');
    expect(after.find((x) => x.id === d.id)!.phase).toBe('draft');
  });

  it('a job that vanished is marked, and cancelling it says so', async () => {
    const j = await jobs.submit(actor, { template: 'shell', params: {}, draft: false });
    fake.known.clear();
    const listed = (await jobs.list(actor, { refresh: true })).find((x) => x.id === j.id)!;
    expect(listed.vanished).toBe(true);
    expect(listed.state).toBe('unknown');
    await expect(jobs.cancel(actor, j.id)).rejects.toThrow(/no longer known to its backend/);
  });

  it('control calls are audited with their outcome: ok, or failed with the reason', async () => {
    const a = await jobs.submit(actor, { template: 'shell', params: {}, draft: false });
    const b = await jobs.submit(actor, { template: 'shell', params: {}, draft: false });
    await jobs.control(actor, { id: a.id, action: 'hold' });
    await jobs.cancel(actor, a.id);
    fake.known.delete(b.backendJobId!);
    await expect(jobs.control(actor, { id: b.id, action: 'release' })).rejects.toThrow(/no longer known to its backend/);
    const c = await jobs.submit(actor, { template: 'shell', params: {}, draft: false });
    fake.up = false;
    await expect(jobs.cancel(actor, c.id)).rejects.toThrow(/does not answer/);
    const entries = db.prepare(`SELECT action, targets, params, result, detail FROM audit_log WHERE module = 'jobs' AND action IN ('hold', 'release', 'cancel') ORDER BY id`).all();
    expect(entries).toEqual([
      { action: 'hold', targets: `c1:${a.backendJobId}`, params: JSON.stringify({ job: a.id }), result: 'ok', detail: '' },
      { action: 'cancel', targets: `c1:${a.backendJobId}`, params: JSON.stringify({ job: a.id }), result: 'ok', detail: '' },
      { action: 'release', targets: `c1:${b.backendJobId}`, params: JSON.stringify({ job: b.id }), result: 'failed', detail: expect.stringMatching(/^job \d+ \(c1 job \d+\) is no longer known to its backend/) },
      { action: 'cancel', targets: `c1:${c.backendJobId}`, params: JSON.stringify({ job: c.id }), result: 'failed', detail: 'the Slurm controller does not answer from local' },
    ]);
  });

  it('a backend error other than unreachability keeps the job as a draft with the error', async () => {
    await expect(jobs.submit(actor, { template: 'shell', params: { partition: 'nope' }, draft: false })).rejects.toThrow(/kept as a draft/);
    const [d] = await jobs.list(actor, { refresh: false, phase: 'draft' });
    expect(d.lastError).toMatch(/invalid partition/);
  });

  it('Kubernetes templates preview but are not submitted to Slurm', async () => {
    expect(jobs.preview({ template: 'pytorch-ddp', params: {} }).text).toMatch(/kind: PyTorchJob/);
    await expect(jobs.submit(actor, { template: 'pytorch-ddp', params: {}, draft: false })).rejects.toThrow(/template pytorch-ddp is a Kubernetes manifest and backend \w+ is slurm-cli; pick a kubernetes backend/);
  });
});
