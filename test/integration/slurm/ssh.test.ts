// Slurm's commands on a "login node" over SSH: the lab's sshd in front of the lab's Slurm.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlurm, type SlurmLab } from '../../../main/lab/slurm';
import { startSshd, type SshServer } from '../../../main/lab/ssh';
import { SlurmCli, mapSlurmState, remoteCommand, sshRunner } from '../../../main/protocols/slurm';
import { SshPool, prepareAuth, type HostKey, type KnownHostKey } from '../../../main/protocols/ssh';
import { cli } from '../../support/cli';
import { tempDir } from '../../support/tmp';

const NASTY = ["'; rm -rf ~ #", '$(id)', '`id`', 'line1\nline2', 'key: {'];

describe('Slurm over SSH (lab sshd + lab Slurm)', { timeout: 180_000 }, () => {
  // Each step spawns the CLI (or SSH); on 2 shared cores a step can take seconds, so the limit is generous.
  const tmp = tempDir('clusterdeck-slurmssh-');
  let lab: SlurmLab;
  let sshd: SshServer;
  const pool = new SshPool();
  const keys: { host: string; port: number; key: HostKey }[] = [];
  const hostKeys = {
    lookup: (host: string, port: number): KnownHostKey[] => keys.filter((k) => k.host === host && k.port === port).map((k) => ({ ...k.key, source: 'test' }) as unknown as KnownHostKey),
    add: (host: string, port: number, key: HostKey) => void keys.push({ host, port, key }),
  };
  beforeAll(async () => {
    [lab, sshd] = await Promise.all([startSlurm({ stateDir: tmp.dir }), startSshd({ stateDir: tmp.dir })]);
  }, 60_000);
  afterAll(async () => {
    await pool.close();
    await sshd?.stop();
    await lab?.stop();
    tmp.cleanup();
  });

  it('remoteCommand quotes every word and carries stdin as base64 (checked with sh)', () => {
    const line = remoteCommand(['printf', '%s|', ...NASTY], { A: '$(id) x' });
    expect(execFileSync('sh', ['-c', line], { encoding: 'utf8' })).toBe(NASTY.map((v) => `${v}|`).join(''));
    expect(execFileSync('sh', ['-c', remoteCommand(['cat'], {}, NASTY.join('\n'))], { encoding: 'utf8' })).toBe(NASTY.join('\n'));
  });

  it('submits, lists and cancels through sbatch/squeue/scancel on the login node', async () => {
    const auth = prepareAuth({ username: sshd.user, privateKey: readFileSync(sshd.privateKeyPath) });
    const c = new SlurmCli(sshRunner({ pool, host: sshd.host, port: sshd.port, auth, hostKeys, policy: 'accept-new', env: lab.env }));
    const out = join(lab.workDir, 'ssh-%j.out');
    const { id } = await c.submit({ script: '#!/bin/sh\nprintf "%s\\n" "$@" "$MSG"\n', name: 'over-ssh', cwd: lab.workDir, output: out, env: { MSG: NASTY.join('|') } });
    for (;;) {
      const j = await c.job(id);
      if (j && mapSlurmState(j.state) === 'succeeded') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(readFileSync(out.replace('%j', id), 'utf8')).toBe(`${NASTY.join('|')}\n`);
    expect(keys).toHaveLength(1); // trusted on first use, then known
    const sleeper = await c.submit({ script: '#!/bin/sh\nsleep 300\n', name: 'sleeper', cwd: lab.workDir, output: '/dev/null' });
    await c.cancel(sleeper.id);
    expect((await c.partitions()).map((p) => p.name)).toEqual(['debug']);
  });

  it('through the CLI: an ssh:// slurm-cli backend with a vault key runs the nasty-parameter job', async () => {
    const data = join(tmp.dir, 'data');
    expect(cli(data, ['creds', 'add', 'login-key', '--kind', 'ssh_key', '--user', sshd.user], { input: readFileSync(sshd.privateKeyPath, 'utf8') }).code).toBe(0);
    const add = cli(data, ['backends', 'add', 'login', '--kind', 'slurm-cli', '--url', `ssh://${sshd.user}@127.0.0.1:${sshd.port}`, '--credential', 'login-key', '--env', `SLURM_CONF=${lab.confPath}`, '--workdir', lab.workDir]);
    expect(add.code, add.stderr).toBe(0);
    const args = NASTY.flatMap((v) => ['--param', `args=${v}`]);
    const sub = cli(data, ['jobs', 'submit', '--json', '--template', 'shell', '--param', 'program=printf', '--param', 'args=%s\\n', ...args]);
    expect(sub.code, sub.stderr).toBe(0);
    const id = JSON.parse(sub.stdout).id as number;
    let job: { state: string; output: string };
    for (;;) {
      job = (JSON.parse(cli(data, ['jobs', 'list', '--json']).stdout) as { id: number; state: string; output: string }[]).find((j) => j.id === id)!;
      if (job.state === 'succeeded') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(readFileSync(job.output, 'utf8')).toBe(NASTY.map((v) => `${v}\n`).join(''));
    expect(cli(data, ['jobs', 'logs', String(id)]).stderr).toMatch(/needs the SSH transport|file system/);
  });

  it('an unreachable login node puts the job in the outbox', async () => {
    const data = join(tmp.dir, 'data');
    cli(data, ['backends', 'add', 'gone', '--kind', 'slurm-cli', '--url', 'ssh://root@127.0.0.1:1', '--credential', 'login-key']);
    const sub = cli(data, ['jobs', 'submit', '--json', '--backend', 'gone', '--template', 'shell']);
    expect(sub.code, sub.stderr).toBe(0);
    const j = JSON.parse(sub.stdout);
    expect(j.phase).toBe('outbox');
    expect(j.lastError).toMatch(/login node root@127\.0\.0\.1:1 does not answer/);
  });
});
