// `clusterdeck sel list|clear NODESET`: the BMCs' system event logs.
import type { Command } from 'commander';
import type { CliSession } from '../session';
import { CliExit } from '../exitCodes';
import type { SelEvent } from '../../../../shared/contract/schemas/power';
import { printBatch } from '../batchOutput';
import { batchOptionsOf, confirmDestructive, runBatchCommand, withBatchOptions, type BatchFlags } from './batchCli';

export { selText } from '../batchOutput';

type SelResult = Extract<SelEvent, { type: 'result' }>;

export function registerSel(program: Command, session: () => CliSession): void {
  const sel = program.command('sel').description('the system event logs of the nodes\' BMCs');

  withBatchOptions(sel.command('list <nodeset>').description('list the event log entries'))
    .action(async (nodeset: string, o: BatchFlags) => {
      const { results, summary } = await runBatchCommand<SelResult>(session(), (caller) => caller.power.sel({ nodeset, op: 'list', options: batchOptionsOf(o) }));
      const code = printBatch({ kind: 'sel', op: 'list' }, results, summary, o.json);
      if (code !== 0) throw new CliExit(code);
    });

  withBatchOptions(sel.command('clear <nodeset>').description('erase the event logs').option('-y, --yes', 'do it without asking (required)'))
    .action(async (nodeset: string, o: BatchFlags) => {
      await confirmDestructive(await session().caller(true), nodeset, 'erase the event log of', o.yes);
      const { results, summary } = await runBatchCommand<SelResult>(session(), (caller) => caller.power.sel({ nodeset, op: 'clear', options: batchOptionsOf(o) }));
      const code = printBatch({ kind: 'sel', op: 'clear' }, results, summary, o.json);
      if (code !== 0) throw new CliExit(code);
    });
}
