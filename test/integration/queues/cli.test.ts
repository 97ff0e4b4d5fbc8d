// `clusterdeck queues ...` through the built CLI against the lab Slurm (run `npm run build` first).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli';
import { tempDir } from '../../support/tmp';
import { startSlurm, type SlurmLab } from '../../../main/lab/slurm';

describe('clusterdeck queues', { timeout: 120_000 }, () => {
  const t = tempDir('clusterdeck-queues-cli-');
  const data = path.join(t.dir, 'data');
  let lab: SlurmLab;

  beforeAll(async () => {
    lab = await startSlurm({ stateDir: t.dir, rest: false });
    const add = cli(data, ['backends', 'add', 'lab', '--kind', 'slurm-cli', '--env', `SLURM_CONF=${lab.confPath}`, '--workdir', lab.workDir]);
    expect(add.code, add.stderr).toBe(0);
  }, 90_000);
  afterAll(async () => {
    await lab?.stop();
    t.cleanup();
  });

  it('lists the partition as a table and as JSON with the same counts', () => {
    const json = cli(data, ['queues', 'list', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const [b] = JSON.parse(json.stdout) as { backend: string; kind: string; partitions: { name: string; nodes: { total: number; idle: number }; cpus: { total: number; idle: number } }[] }[];
    expect(b).toMatchObject({ backend: 'lab', kind: 'slurm' });
    const p = b.partitions[0];
    const table = cli(data, ['queues', 'list', '--backend', 'lab']);
    expect(table.code, table.stderr).toBe(0);
    const [head, line] = table.stdout.trim().split('\n');
    expect(head).toMatch(/^PARTITION\s+STATE\s+NODES\s+IDLE\s+ALLOC\s+DOWN\s+CPUS/);
    expect(line.split(/\s+/).slice(0, 8)).toEqual(['debug*', 'UP', String(p.nodes.total), String(p.nodes.idle), '0', '0', String(p.cpus.total), String(p.cpus.idle)]);
  });

  it('prints per-user usage with the source named on stderr', () => {
    const u = cli(data, ['queues', 'usage']);
    expect(u.code, u.stderr).toBe(0);
    expect(u.stdout).toMatch(/^USER\s+DEVICE\s+ALLOCATED\s+PREEMPTIBLE\s+IDLE NOW\s+RUNNING\s+BOOKED H\s+IDLE H\s+IDLE %/);
    expect(u.stderr).toMatch(/source: jobcomp\)\. This cluster has no accounting storage \(slurmdbd\)/);
    const j = JSON.parse(cli(data, ['queues', 'usage', '--json', '--days', '7']).stdout) as { since: string; until: string; source: string };
    expect(Date.parse(j.until) - Date.parse(j.since)).toBe(7 * 86400 * 1000);
  });

  it('bad input exits 2 with what to fix', () => {
    const days = cli(data, ['queues', 'usage', '--days', 'month']);
    expect(days.code).toBe(2);
    expect(days.stderr).toMatch(/--days "month" must be a whole number/);
    const quota = cli(data, ['queues', 'create', 'q1', '--backend', 'lab', '--deserved', 'cpu']);
    expect(quota.code).toBe(2);
    expect(quota.stderr).toMatch(/--deserved "cpu" is not resource=quantity/);
    const slurm = cli(data, ['queues', 'rm', 'q1', '--backend', 'lab']);
    expect(slurm.code).toBe(2);
    expect(slurm.stderr).toMatch(/backend lab is slurm-cli: Volcano queues live on kubernetes backends/);
    const none = cli(data, ['queues', 'list', '--backend', 'nope']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no backend named nope/);
  });
});
