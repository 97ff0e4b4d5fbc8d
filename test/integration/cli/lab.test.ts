import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli';
import { tempDir } from '../../support/tmp';

/** Running, and not a zombie waiting for a parent that is gone (containers' pid 1 may never reap). */
const alive = (pid: number) => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

describe('clusterdeck lab up/down', () => {
  const t = tempDir();
  const data = path.join(t.dir, 'data');
  afterAll(() => { cli(data, ['lab', 'down']); t.cleanup(); });

  it('starts real BMCs and sshd, writes them into the inventory, and stops exactly those processes', () => {
    const up = cli(data, ['lab', 'up', '--bmcs', '3', '--ssh-nodes', '2', '--json']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const info = JSON.parse(up.stdout) as { nodes: number; bmcs: { host: string; port: number; user: string }[]; pids: number[] };
    expect(info.nodes).toBe(3);
    expect(up.stdout).not.toMatch(/password/i);
    for (const pid of info.pids) expect(alive(pid)).toBe(true);

    const nodes = JSON.parse(cli(data, ['nodes', 'list', '--json', '--nodeset', '@lab']).stdout) as { name: string; bmc: { port: number; credential: string } | null; ssh: { port: number } | null }[];
    expect(nodes.map((n) => n.name)).toEqual(['node001', 'node002', 'node003']);
    expect(nodes.every((n) => n.bmc?.credential === 'lab-bmc')).toBe(true);
    expect(nodes.filter((n) => n.ssh).length).toBe(2);
    expect(cli(data, ['creds', 'list', '--json']).stdout).toMatch(/lab-ssh/);

    // The BMC the inventory names really answers, with the credential the vault holds.
    const lab = JSON.parse(fs.readFileSync(path.join(data, 'lab', 'lab.json'), 'utf8')) as { bmcs: { port: number; user: string; password: string }[] };
    const b = lab.bmcs[0];
    const r = spawnSync('ipmitool', ['-I', 'lanplus', '-C', '3', '-H', '127.0.0.1', '-p', String(nodes[0].bmc!.port), '-U', b.user, '-P', b.password, 'chassis', 'power', 'status'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stdout).toMatch(/Chassis Power is (on|off)/);

    expect(cli(data, ['lab', 'status']).stdout).toMatch(/lab up since .*3 BMC\(s\), 2 SSH node\(s\)/);
    const down = cli(data, ['lab', 'down', '--purge']);
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/stopped \d+ process\(es\)/);
    expect(down.stdout).toMatch(/removed 3 lab node\(s\)/);
    for (const pid of info.pids) expect(alive(pid)).toBe(false);
    expect(JSON.parse(cli(data, ['nodes', 'list', '--json']).stdout)).toEqual([]);
    expect(cli(data, ['lab', 'status']).stdout).toMatch(/no lab is running/);
  });
});
