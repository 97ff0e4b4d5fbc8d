// `clusterdeck lab slurm up|down` through the built CLI (run `npm run build` first).
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli';
import { isRunning } from '../../../main/lab/procs';
import { stopSlurm } from '../../../main/lab/slurm';
import { tempDir } from '../../support/tmp';

describe('clusterdeck lab slurm', { timeout: 180_000 }, () => {
  // Each step spawns the CLI (or SSH); on 2 shared cores a step can take seconds, so the limit is generous.
  const tmp = tempDir('clusterdeck-labslurm-');
  const data = `${tmp.dir}/data`;
  afterAll(async () => {
    // In-process, so the daemons stop even when the CLI itself could not run.
    await stopSlurm(`${data}/lab/slurm`);
    tmp.cleanup();
  });

  it('starts Slurm with accounting and two backends, runs a job over slurmrestd, and stops exactly its processes', async () => {
    const up = cli(data, ['lab', 'slurm', 'up', '--json']);
    expect(up.code, up.stderr).toBe(0);
    const { pids, accounting } = JSON.parse(up.stdout) as { pids: number[]; accounting: string };
    // munged, mariadbd, slurmdbd, slurmctld, slurmd, slurmrestd (.ci/run installs slurmdbd and mariadb-server).
    expect(accounting).toBe('slurmdbd');
    expect(pids).toHaveLength(6);
    const backends = JSON.parse(cli(data, ['backends', 'list', '--json']).stdout) as { name: string }[];
    expect(backends.map((b) => b.name)).toEqual(['lab-slurm', 'lab-slurm-rest']);
    const sub = cli(data, ['jobs', 'submit', '--json', '--backend', 'lab-slurm-rest', '--template', 'shell', '--param', 'program=hostname']);
    expect(sub.code, sub.stderr).toBe(0);
    const id = JSON.parse(sub.stdout).id as number;
    for (;;) {
      const j = (JSON.parse(cli(data, ['jobs', 'list', '--json']).stdout) as { id: number; state: string }[]).find((x) => x.id === id)!;
      if (j.state === 'succeeded') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    // The finished job is in slurmdbd's accounting, so per-user usage is read from there.
    const usage = cli(data, ['queues', 'usage', '--backend', 'lab-slurm', '--json']);
    expect(usage.code, usage.stderr).toBe(0);
    expect(JSON.parse(usage.stdout)).toMatchObject({ source: 'slurmdbd' });
    expect(cli(data, ['audit', 'list']).stdout).not.toMatch(/eyJ/); // no JWT in the audit log
    const down = cli(data, ['lab', 'slurm', 'down']);
    expect(down.stdout).toBe('stopped 6 process(es)\n');
    for (const pid of pids) expect(isRunning(pid)).toBe(false); // gone or a zombie awaiting its reaper
  });
});
