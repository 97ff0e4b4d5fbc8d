import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliSession } from '../session';
import { printJson } from '../output';
import { labDown, labUp, readLabState } from '../../../lab';
import { purgeLabInventory, writeLabInventory, LAB_GROUP } from '../../../services/lab/labInventory';
import { AppError } from '../../../../shared/errors';
import { registerLabSlurm } from './labSlurm';

const int = (v: string) => {
  if (!/^\d+$/.test(v)) throw new AppError('INVALID_INPUT', `"${v}" is not a whole number`);
  return Number(v);
};

/** Lab state lives in the data folder, so `lab down` finds what `lab up` started. */
const labDir = (dataDir: string) => path.join(dataDir, 'lab');

export function registerLab(program: Command, session: () => CliSession): void {
  const lab = program.command('lab').description('a working cluster on this machine: simulated BMCs (ipmi_sim) and SSH nodes (sshd) on 127.0.0.1');

  lab.command('up')
    .option('--bmcs <n>', 'BMCs to start', int, 4)
    .option('--ssh-nodes <n>', 'SSH nodes (aliases of local sshd instances)', int, 4)
    .option('--json', 'JSON output')
    .action(async (o: { bmcs: number; sshNodes: number; json?: boolean }) => {
      if (o.bmcs > 2000 || o.sshNodes > 2000) throw new AppError('INVALID_INPUT', 'The lab starts at most 2000 BMCs and 2000 SSH nodes.');
      const app = await session().open(true);
      const state = await labUp({ stateDir: labDir(app.dataDir), bmcs: o.bmcs, sshNodes: o.sshNodes });
      const actor = { user: os.userInfo().username, via: 'cli' as const };
      const id = app.audit.begin(actor, { module: 'lab', action: 'up', params: { bmcs: o.bmcs, sshNodes: o.sshNodes } });
      try {
        const { nodes } = writeLabInventory(app, actor, state);
        app.audit.complete(id, 'ok', `${state.pids.length} process(es), ${nodes} node(s)`);
        if (o.json) return printJson({ nodes, bmcs: state.bmcs.map(({ password: _p, ...b }) => b), ssh: state.ssh.length, pids: state.pids.map((p) => p.pid) });
        process.stdout.write(`lab is up: ${state.bmcs.length} BMC(s), ${state.ssh.length} SSH node(s), ${state.pids.length} process(es)\n`);
        process.stdout.write(`inventory: ${nodes} node(s) in group @${LAB_GROUP}; credentials lab-bmc and lab-ssh are in the vault\n`);
        process.stdout.write(`stop it with: clusterdeck lab down\n`);
      } catch (error) {
        app.audit.complete(id, 'failed', String((error as Error).message));
        await labDown(labDir(app.dataDir));
        throw error;
      }
    });

  registerLabSlurm(lab, session);

  lab.command('down')
    .option('--purge', 'also remove the lab nodes, racks, group and credentials from the inventory')
    .action(async (o: { purge?: boolean }) => {
      const app = await session().open(!!o.purge);
      const actor = { user: os.userInfo().username, via: 'cli' as const };
      const r = await app.audit.record(actor, { module: 'lab', action: 'down' }, () => labDown(labDir(app.dataDir)));
      process.stdout.write(`stopped ${r.stopped.length} process(es)${r.alreadyGone.length ? `, ${r.alreadyGone.length} already gone` : ''}${r.reused.length ? `, ${r.reused.length} pid(s) now belong to other programs and were left alone` : ''}\n`);
      if (o.purge) process.stdout.write(`removed ${purgeLabInventory(app, actor).nodes} lab node(s) from the inventory\n`);
    });

  lab.command('status').option('--json', 'JSON output').action(async (o: { json?: boolean }) => {
    const state = readLabState(labDir(session().dataDir));
    if (!state) {
      process.stdout.write('no lab is running (start one with: clusterdeck lab up)\n');
      return;
    }
    const summary = { status: state.status, createdAt: state.createdAt, bmcs: state.bmcs.length, ssh: state.ssh.length, pids: state.pids.map((p) => p.pid) };
    if (o.json) printJson(summary);
    else process.stdout.write(`lab ${state.status} since ${state.createdAt}: ${summary.bmcs} BMC(s), ${summary.ssh} SSH node(s), pids ${summary.pids.join(' ')}\n`);
  });
}
