import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlurm, type SlurmLab } from '../../../main/lab/slurm';
import { SlurmCli, SlurmRest, localRunner, mapSlurmState, type SlurmClient } from '../../../main/protocols/slurm';
import { pickFreePorts } from '../../../main/lab/ports';
import { tempDir } from '../../support/tmp';
import { untilValue as until } from '../../support/untilValue';


describe('Slurm clients (CLI and slurmrestd v0.0.38) against the lab', () => {
  const tmp = tempDir('clusterdeck-slurmc-');
  let lab: SlurmLab;
  const clients: Record<string, () => SlurmClient> = {};
  beforeAll(async () => {
    lab = await startSlurm({ stateDir: tmp.dir });
    clients.cli = () => new SlurmCli(localRunner(lab.env));
    clients.rest = () => new SlurmRest({ url: lab.restUrl!, user: lab.user, token: () => lab.token(600) });
  }, 60_000);
  afterAll(async () => {
    await lab?.stop();
    tmp.cleanup();
  });

  for (const kind of ['cli', 'rest']) {
    it(`${kind}: submits a script with environment, sees it succeed, reads partitions and nodes`, async () => {
      const c = clients[kind]();
      const out = join(lab.workDir, `${kind}-%j.out`);
      const { id } = await c.submit({ script: '#!/bin/sh\necho "$GREETING"\n', name: `t-${kind}`, cwd: lab.workDir, output: out, env: { GREETING: "it's $(id) `x`\nline2" } });
      const done = await until(() => c.job(id), (j) => j !== null && mapSlurmState(j.state) === 'succeeded');
      expect(done!.name).toBe(`t-${kind}`);
      expect(done!.exitCode).toBe(0);
      expect(readFileSync(out.replace('%j', id), 'utf8')).toBe("it's $(id) `x`\nline2\n");
      expect((await c.jobs()).some((j) => j.id === id)).toBe(true);
      const parts = await c.partitions();
      expect(parts.map((p) => p.name)).toContain('debug');
      expect((await c.nodes())[0].name).toBe('localhost');
      await c.ping();
    });

    it(`${kind}: cancels a sleeping job and reports a vanished one as null`, async () => {
      const c = clients[kind]();
      const { id } = await c.submit({ script: '#!/bin/sh\nsleep 300\n', name: 'sleeper', cwd: lab.workDir, output: '/dev/null' });
      await c.cancel(id);
      const j = await until(() => c.job(id), (v) => v !== null && mapSlurmState(v.state) === 'cancelled');
      expect(j!.state).toMatch(/CANCELLED/);
      expect(await c.job('999999')).toBeNull();
    });

    it(`${kind}: a partition that does not exist is named in the error`, async () => {
      const c = clients[kind]();
      await expect(c.submit({ script: '#!/bin/sh\ntrue\n', name: 'x', cwd: lab.workDir, partition: 'nope' })).rejects.toMatchObject({ code: 'SLURM_NO_SUCH_PARTITION' });
    });
  }

  it('cli: hold, release, suspend and resume map to paused/queued/running', async () => {
    const c = clients.cli();
    const { id } = await c.submit({ script: '#!/bin/sh\nsleep 300\n', name: 'ctl', cwd: lab.workDir, output: '/dev/null', hold: true });
    let j = await c.job(id);
    expect(mapSlurmState(j!.state, j!.reason)).toBe('paused');
    await c.control(id, 'release');
    j = await until(() => c.job(id), (v) => mapSlurmState(v!.state) === 'running');
    await c.control(id, 'suspend');
    j = await until(() => c.job(id), (v) => mapSlurmState(v!.state) === 'paused');
    expect(j!.state).toBe('SUSPENDED');
    await c.control(id, 'resume');
    await until(() => c.job(id), (v) => mapSlurmState(v!.state) === 'running');
    await c.cancel(id);
  });

  it('rest: hold and release a pending job; suspend says to use a slurm-cli backend', async () => {
    const c = clients.rest();
    const { id } = await c.submit({ script: '#!/bin/sh\nsleep 300\n', name: 'held', cwd: lab.workDir, output: '/dev/null', hold: true });
    let j = await c.job(id);
    expect(mapSlurmState(j!.state, j!.reason)).toBe('paused');
    await c.control(id, 'release');
    j = await until(() => c.job(id), (v) => mapSlurmState(v!.state, v!.reason) !== 'paused');
    await expect(c.control(id, 'suspend')).rejects.toThrow(/use a slurm-cli backend/);
    await c.cancel(id);
  });

  it('rest: an unreachable slurmrestd and a bad token say what to fix', async () => {
    const [port] = await pickFreePorts('tcp', 1);
    const down = new SlurmRest({ url: `http://127.0.0.1:${port}`, user: 'root', token: () => 'x' });
    await expect(down.ping()).rejects.toMatchObject({ code: 'SLURM_UNREACHABLE' });
    const bad = new SlurmRest({ url: lab.restUrl!, user: 'root', token: () => 'not-a-token' });
    // slurmrestd 22.05 passes the token through; slurmctld's refusal arrives as HTTP 500.
    await expect(bad.jobs()).rejects.toThrow(/scontrol token/);
    const none = await fetch(`${lab.restUrl}/slurm/v0.0.38/jobs`);
    expect(none.status).toBe(401);
    expect(existsSync(lab.workDir)).toBe(true);
  });
});
