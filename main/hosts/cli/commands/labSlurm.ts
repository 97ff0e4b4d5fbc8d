// `clusterdeck lab slurm up|down`: the lab's single-node Slurm (main/lab/slurm.ts) in the data
// folder, with backends lab-slurm (sbatch/squeue here) and lab-slurm-rest (slurmrestd + JWT).
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliSession } from '../session';
import { printJson } from '../output';
import { startSlurm, stopSlurm } from '../../../lab/slurm';

const slurmDir = (dataDir: string) => path.join(dataDir, 'lab');

export function registerLabSlurm(lab: Command, session: () => CliSession): void {
  const slurm = lab.command('slurm').description('a single-node Slurm on 127.0.0.1 (munged, slurmctld, slurmd, slurmrestd, slurmdbd with MariaDB, from Debian)');

  slurm.command('up').description('start it and add the backends lab-slurm (commands) and lab-slurm-rest (slurmrestd)')
    .option('--no-rest', 'do not start slurmrestd')
    .option('--no-accounting', 'do not start slurmdbd and its MariaDB (started when the slurmdbd and mariadb-server packages are installed)')
    .option('--json', 'JSON output')
    .action(async (o: { rest: boolean; accounting: boolean; json?: boolean }) => {
      const app = await session().open(o.rest);
      const actor = { user: os.userInfo().username, via: 'cli' as const };
      const s = await startSlurm({ stateDir: slurmDir(app.dataDir), rest: o.rest, accounting: o.accounting ? 'auto' : false });
      try {
        app.services.jobs.addBackend(actor, { name: 'lab-slurm', kind: 'slurm-cli', url: 'local', user: null, credential: null, workDir: s.workDir, env: s.env, replace: true });
        if (s.restUrl) {
          // A year-long token for the lab only; it lives in the vault like any other secret.
          app.services.vault.add(actor, { name: 'lab-slurm-jwt', kind: 'token', username: s.user, secret: await s.token(365 * 24 * 3600), passphrase: null, replace: true });
          app.services.jobs.addBackend(actor, { name: 'lab-slurm-rest', kind: 'slurm-rest', url: s.restUrl, user: s.user, credential: 'lab-slurm-jwt', workDir: s.workDir, env: {}, replace: true });
        }
      } catch (err) {
        await s.stop();
        throw err;
      }
      if (o.json) return printJson({ confPath: s.confPath, restUrl: s.restUrl ?? null, workDir: s.workDir, accounting: s.accounting, pids: s.pids.map((p) => p.pid) });
      process.stdout.write(`Slurm is up: partition ${s.partition}, node ${s.nodeName}, ${s.pids.length} process(es)\n`);
      process.stdout.write(s.accounting === 'slurmdbd'
        ? 'accounting: slurmdbd with a private MariaDB (sacct and `queues usage` have every job)\n'
        : `accounting: none, finished jobs only in the job completion log${s.accountingNote ? ` (${s.accountingNote})` : ''}\n`);
      process.stdout.write(`backends: lab-slurm (SLURM_CONF=${s.confPath})${s.restUrl ? `, lab-slurm-rest (${s.restUrl})` : ''}\n`);
      process.stdout.write('try: clusterdeck jobs submit --backend lab-slurm --template shell --param program=hostname\nstop it with: clusterdeck lab slurm down\n');
    });

  slurm.command('down').description('stop exactly the Slurm processes `lab slurm up` started')
    .action(async () => {
      const r = await stopSlurm(path.join(slurmDir(session().dataDir), 'slurm'));
      process.stdout.write(`stopped ${r.stopped.length} process(es)${r.alreadyGone.length ? `, ${r.alreadyGone.length} already gone` : ''}\n`);
    });
}
