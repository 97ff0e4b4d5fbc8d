// Jobs through the built `clusterdeck` command against the lab's single-node Slurm
// (run `npm run build` first).
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { startSlurm, type SlurmLab } from '../../../main/lab/slurm';
import { pickFreePorts } from '../../../main/lab/ports';
import { cli } from '../../support/cli';
import { tempDir } from '../../support/tmp';

const NASTY = ["'; rm -rf ~ #", '$(id)', '`id`', 'line1\nline2', 'key: {', '"q" \\ ${HOME}'];

interface JobJson { id: number; phase: string; state: string | null; rawState: string | null; backendJobId: string | null; output: string | null; lastError: string | null }

describe('clusterdeck jobs/templates/backends against the lab Slurm', { timeout: 180_000 }, () => {
  // Each step spawns the CLI (or SSH); on 2 shared cores a step can take seconds, so the limit is generous.
  const tmp = tempDir('clusterdeck-jobs-');
  const data = `${tmp.dir}/data`;
  let lab: SlurmLab;
  const run = (...args: string[]) => cli(data, args);
  const ok = (...args: string[]) => {
    const r = run(...args);
    if (r.code !== 0) throw new Error(`clusterdeck ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const jobs = (): JobJson[] => JSON.parse(ok('jobs', 'list', '--json'));
  const submit = (...args: string[]): JobJson => JSON.parse(ok('jobs', 'submit', '--json', ...args));
  async function until(id: number, pred: (j: JobJson) => boolean): Promise<JobJson> {
    for (;;) {
      const j = jobs().find((x) => x.id === id)!;
      if (pred(j)) return j;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  beforeAll(async () => {
    lab = await startSlurm({ stateDir: tmp.dir });
    ok('backends', 'add', 'lab', '--kind', 'slurm-cli', '--env', `SLURM_CONF=${lab.confPath}`, '--workdir', lab.workDir);
  }, 60_000);
  afterAll(async () => {
    await lab?.stop();
    tmp.cleanup();
  });

  it('lists the ten offline templates and previews the exact script', () => {
    const names = (JSON.parse(ok('templates', 'list', '--json')) as { name: string }[]).map((t) => t.name).sort();
    expect(names).toEqual(['horovod', 'jupyter', 'jupyter-k8s', 'k8s-job', 'pytorch-ddp', 'shell', 'slurm-mpi', 'slurm-single-gpu', 'tensorboard', 'tensorboard-k8s', 'tensorflow', 'volcano-job']);
    const text = ok('jobs', 'preview', '--template', 'shell', '--param', 'program=echo', '--param', 'args=$(id)');
    expect(text).toContain("exec echo '$(id)'");
    expect(text).toContain(`#SBATCH --chdir=${lab.workDir}`);
  });

  it('submits from the single-GPU template (0 GPUs here), sees it succeed and reads its output', async () => {
    const j = submit('--template', 'slurm-single-gpu', '--param', 'gpus=0', '--param', 'program=echo', '--param', 'args=hello from slurm');
    expect(j.phase).toBe('submitted');
    const done = await until(j.id, (x) => x.state === 'succeeded');
    expect(done.rawState).toBe('COMPLETED');
    // stdout and stderr share the output file; the template reports node and GPUs on stderr first.
    expect(ok('jobs', 'logs', String(j.id))).toMatch(/^job \d+ on .*, GPUs: none\nhello from slurm\n$/);
    expect(ok('jobs', 'show', String(j.id))).toMatch(/state: succeeded \(COMPLETED\)/);
  });

  it('nasty parameter values reach the job as literal text (arguments and environment)', async () => {
    const args = NASTY.flatMap((v) => ['--param', `args=${v}`]);
    const a = submit('--template', 'shell', '--param', 'program=printf', '--param', 'args=%s\\n', ...args);
    const b = submit('--template', 'slurm-single-gpu', '--param', 'gpus=0', '--param', 'program=sh', '--param', 'args=-c', '--param', 'args=printf %s "$MSG"', '--param', `env.MSG=${NASTY.join('|')}`);
    const da = await until(a.id, (x) => x.state === 'succeeded');
    const db = await until(b.id, (x) => x.state === 'succeeded');
    expect(readFileSync(da.output!, 'utf8')).toBe(NASTY.map((v) => `${v}\n`).join(''));
    expect(readFileSync(db.output!, 'utf8').replace(/^job \d+ on .*, GPUs: none\n/, '')).toBe(NASTY.join('|'));
  });

  it('cancels a sleeping job', async () => {
    const j = submit('--template', 'shell', '--param', 'program=sleep', '--param', 'args=300');
    await until(j.id, (x) => x.state === 'running' || x.state === 'queued');
    ok('jobs', 'cancel', String(j.id));
    const c = await until(j.id, (x) => x.state === 'cancelled');
    expect(c.rawState).toMatch(/CANCELLED/);
    const audit = ok('audit', 'list', '--json');
    expect(audit).toContain('"action": "cancel"');
  });

  it('slurmrestd with a JWT from the vault submits too', async () => {
    const token = execFileSync('scontrol', ['token', 'lifespan=3600'], { env: { ...process.env, ...lab.env }, encoding: 'utf8' }).trim();
    expect(cli(data, ['creds', 'add', 'lab-jwt', '--kind', 'token', '--user', 'root'], { input: token }).code).toBe(0);
    ok('backends', 'add', 'rest', '--kind', 'slurm-rest', '--url', lab.restUrl!, '--credential', 'lab-jwt', '--workdir', lab.workDir);
    const j = submit('--backend', 'rest', '--template', 'shell', '--param', 'program=echo', '--param', 'args=over rest');
    const done = await until(j.id, (x) => x.state === 'succeeded');
    expect(readFileSync(done.output!, 'utf8')).toBe('over rest\n');
    expect(ok('audit', 'list')).not.toContain(token);
  });

  it('an unreachable backend puts the job in the outbox; a flush submits it once the backend answers', async () => {
    const [port] = await pickFreePorts('tcp', 1);
    ok('backends', 'add', 'later', '--kind', 'slurm-rest', '--url', `http://127.0.0.1:${port}`, '--credential', 'lab-jwt', '--workdir', lab.workDir);
    const j = submit('--backend', 'later', '--template', 'shell', '--param', 'program=echo', '--param', 'args=from the outbox');
    expect(j.phase).toBe('outbox');
    expect(j.lastError).toMatch(/cannot reach slurmrestd at http:\/\/127\.0\.0\.1:\d+/);
    const still = run('jobs', 'outbox', 'flush');
    expect(still.code).toBe(1);
    expect(still.stderr).toMatch(/still waits/);
    // The backend comes up (here: its address is corrected to the running slurmrestd).
    ok('backends', 'add', 'later', '--replace', '--kind', 'slurm-rest', '--url', lab.restUrl!, '--credential', 'lab-jwt', '--workdir', lab.workDir);
    expect(ok('jobs', 'outbox', 'flush')).toMatch(new RegExp(`job ${j.id} submitted as job \\d+`));
    const done = await until(j.id, (x) => x.state === 'succeeded');
    expect(readFileSync(done.output!, 'utf8')).toBe('from the outbox\n');
  });

  it('bad input: a missing partition, bad parameters, an unknown template or job say what to fix; drafts are kept', () => {
    const p = run('jobs', 'submit', '--backend', 'lab', '--template', 'shell', '--param', 'partition=nope');
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/Invalid partition name.*jobs partitions.*kept as a draft/);
    const drafts = JSON.parse(ok('jobs', 'list', '--phase', 'draft', '--json')) as JobJson[];
    expect(drafts.some((d) => /Invalid partition/.test(d.lastError ?? ''))).toBe(true);
    const bad = run('jobs', 'submit', '--backend', 'lab', '--template', 'slurm-single-gpu', '--param', 'gpus=lots', '--param', 'priority=0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/gpus: must be a number; priority: must be at least 1/);
    expect(run('jobs', 'submit', '--template', 'nope').stderr).toMatch(/no template named nope \(templates: slurm-single-gpu/);
    expect(run('jobs', 'show', '9999').stderr).toMatch(/no job 9999/);
    const draft = submit('--template', 'shell', '--draft', '--backend', 'lab');
    expect(draft.phase).toBe('draft');
    expect(ok('jobs', 'partitions', '--backend', 'lab')).toMatch(/debug\s+UP\s+yes/);
  });

  it('templates: clone, edit (new version), export, import, and a template whose schema and script disagree', () => {
    ok('templates', 'clone', 'shell', 'my-shell');
    const file = `${tmp.dir}/my-shell.json`;
    ok('templates', 'export', 'my-shell', '-o', file);
    const body = JSON.parse(readFileSync(file, 'utf8'));
    body.title = 'Mine, edited';
    writeFileSync(file, JSON.stringify(body));
    expect(ok('templates', 'save', file)).toMatch(/my-shell v2 saved/);
    const shown = JSON.parse(ok('templates', 'show', 'my-shell', '--json'));
    expect(shown.versions).toEqual([1, 2]);
    body.name = 'broken';
    body.script = 'exec {{program}} {{argz}}\n';
    writeFileSync(file, JSON.stringify(body));
    const r = run('templates', 'import', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\{\{argz\}\} is used but not declared in parameters; parameter args is declared but never used/);
    expect(run('templates', 'rm', 'shell').stderr).toMatch(/built-in/);
    ok('templates', 'rm', 'my-shell');
  });
});
