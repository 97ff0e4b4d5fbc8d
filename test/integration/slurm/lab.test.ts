import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlurm, type SlurmLab } from '../../../main/lab/slurm';
import { identify } from '../../../main/lab/procs';
import { tempDir } from '../../support/tmp';

const run = (lab: SlurmLab, cmd: string, args: string[]) =>
  execFileSync(cmd, args, { env: { ...process.env, ...lab.env }, encoding: 'utf8', timeout: 20_000 });

async function waitUntil(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 100));
}

describe('lab Slurm on loopback (munged, slurmctld, slurmd, slurmrestd)', () => {
  const tmp = tempDir('clusterdeck-slurm-');
  let lab: SlurmLab;
  beforeAll(async () => {
    lab = await startSlurm({ stateDir: tmp.dir });
  }, 60_000);
  afterAll(async () => {
    await lab?.stop();
    tmp.cleanup();
  });

  it('runs sbatch --wrap and the job completes with its output', async () => {
    const out = join(lab.workDir, 'hi-%j.out');
    const id = run(lab, 'sbatch', ['--parsable', '-o', out, '--wrap', 'echo hi']).trim();
    expect(id).toMatch(/^\d+$/);
    const file = out.replace('%j', id);
    await waitUntil(() => run(lab, 'squeue', ['-h', '-j', id]).trim() === '' && existsSync(file));
    expect(readFileSync(file, 'utf8')).toBe('hi\n');
    expect(run(lab, 'scontrol', ['show', 'job', id])).toMatch(/JobState=COMPLETED/);
  });

  it('answers REST v0.0.38 with a token and refuses without one', async () => {
    const token = await lab.token(300);
    const ok = await fetch(`${lab.restUrl}/slurm/v0.0.38/jobs`, { headers: { 'X-SLURM-USER-NAME': lab.user, 'X-SLURM-USER-TOKEN': token } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { jobs: unknown[] }).jobs.length).toBeGreaterThan(0);
    const no = await fetch(`${lab.restUrl}/slurm/v0.0.38/jobs`);
    expect(no.status).toBe(401);
  });

  it('stops exactly its own processes', async () => {
    const recs = [...lab.pids];
    expect(recs.map((r) => r.kind).sort()).toEqual(['munged', 'slurmctld', 'slurmd', 'slurmrestd']);
    const res = await lab.stop();
    expect(res.stopped.sort()).toEqual(recs.map((r) => r.pid).sort());
    for (const r of recs) expect(identify(r)).toBe('gone');
  });
});
