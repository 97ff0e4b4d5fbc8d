// Queues of a Slurm cluster reached through a login node over SSH (the lab's sshd in front of the
// lab's Slurm): partitions, squeue's allocations and sacct all travel through the same runner.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../main/app';
import { startSlurm, type SlurmLab } from '../../../main/lab/slurm';
import { startSshd, type SshServer } from '../../../main/lab/ssh';
import { localRunner } from '../../../main/protocols/slurm';
import { appRouter } from '../../../shared/contract/router';
import { tempDir } from '../../support/tmp';

describe('Queues through an SSH login node', { timeout: 180_000 }, () => {
  const tmp = tempDir('clusterdeck-queues-ssh-');
  let lab: SlurmLab;
  let sshd: SshServer;
  let app: App;
  let api: ReturnType<typeof appRouter.createCaller>;

  beforeAll(async () => {
    [lab, sshd] = await Promise.all([startSlurm({ stateDir: tmp.dir, rest: false }), startSshd({ stateDir: tmp.dir })]);
    app = createApp({ dataDir: join(tmp.dir, 'data'), passphrase: 'test-passphrase' });
    api = appRouter.createCaller({ services: app.services, actor: { user: 'tester', via: 'cli' } });
    await api.vault.add({ name: 'login-key', kind: 'ssh_key', username: sshd.user, secret: readFileSync(sshd.privateKeyPath, 'utf8') });
    await api.jobs.addBackend({ name: 'login', kind: 'slurm-cli', url: `ssh://${sshd.user}@127.0.0.1:${sshd.port}`, credential: 'login-key', env: { SLURM_CONF: lab.confPath }, workDir: lab.workDir });
  }, 90_000);
  afterAll(async () => {
    await app?.shutdown();
    await sshd?.stop();
    await lab?.stop();
    tmp.cleanup();
  });

  it('lists the partition and per-user usage with a running job, over SSH', async () => {
    const sub = await localRunner(lab.env).run(['sbatch', '--parsable', '-n', '1', '-o', '/dev/null', '--chdir', lab.workDir, '--wrap', 'sleep 60'], { timeoutMs: 30_000 });
    expect(sub.code, sub.stderr).toBe(0);
    try {
      let list = await api.queues.list({ backend: 'login' });
      for (let i = 0; i < 100 && list[0].partitions[0]?.runningJobs !== 1; i++) {
        await new Promise((r) => setTimeout(r, 200));
        list = await api.queues.list({ backend: 'login' });
      }
      expect(list[0]).toMatchObject({ backend: 'login', kind: 'slurm', error: null });
      expect(list[0].partitions[0]).toMatchObject({ name: 'debug', runningJobs: 1, cpus: { allocated: 1 }, nodes: { total: 1 } });
      const usage = await api.queues.usage({ backend: 'login' });
      expect(usage.source).toBe('jobcomp'); // sacct ran on the login node, with SLURM_TIME_FORMAT through `env`
      expect(usage.rows.find((r) => r.user === lab.user && r.deviceType === 'cpu')).toMatchObject({ allocated: 1, runningJobs: 1 });
    } finally {
      await localRunner(lab.env).run(['scancel', sub.stdout.trim()], { timeoutMs: 30_000 });
    }
  });
});
