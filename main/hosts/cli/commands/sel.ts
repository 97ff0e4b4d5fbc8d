// `clusterdeck sel list|clear NODESET`: the BMCs' system event logs.
import type { Command } from 'commander';
import type { CliSession } from '../session';
import { CliExit } from '../exitCodes';
import type { SelEvent, SelRecord } from '../../../../shared/contract/schemas/power';
import { batchOptionsOf, confirmDestructive, finish, foldedBlocks, foldedLines, runBatchCommand, withBatchOptions, type BatchFlags } from './batchCli';

type SelResult = Extract<SelEvent, { type: 'result' }>;

export function selText(entries: SelRecord[]): string {
  if (!entries.length) return '(empty)';
  return entries.map((e) => `${String(e.id).padStart(4)} | ${e.time ?? 'no time'} | ${e.sensor} | ${e.event}`).join('\n');
}

export function registerSel(program: Command, session: () => CliSession): void {
  const sel = program.command('sel').description('the system event logs of the nodes\' BMCs');

  withBatchOptions(sel.command('list <nodeset>').description('list the event log entries'))
    .action(async (nodeset: string, o: BatchFlags) => {
      const { results, summary } = await runBatchCommand<SelResult>(session(), (caller) => caller.power.sel({ nodeset, op: 'list', options: batchOptionsOf(o) }));
      const code = finish(summary, o.json ? { summary, results: results.map(({ type: _t, ...r }) => r) } : undefined, foldedBlocks(results, (r) => selText(r.entries ?? [])));
      if (code !== 0) throw new CliExit(code);
    });

  withBatchOptions(sel.command('clear <nodeset>').description('erase the event logs').option('-y, --yes', 'do it without asking (required)'))
    .action(async (nodeset: string, o: BatchFlags) => {
      await confirmDestructive(await session().caller(true), nodeset, 'erase the event log of', o.yes);
      const { results, summary } = await runBatchCommand<SelResult>(session(), (caller) => caller.power.sel({ nodeset, op: 'clear', options: batchOptionsOf(o) }));
      const code = finish(summary, o.json ? { summary, results: results.map(({ type: _t, ...r }) => r) } : undefined, foldedLines(results, () => 'cleared'));
      if (code !== 0) throw new CliExit(code);
    });
}
