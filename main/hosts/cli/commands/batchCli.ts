// What the power, sensors and sel commands share: batch options, the in-process subscription with
// Ctrl-C as cancel and the destructive-action guard. What they print is ../batchOutput.ts (shared
// with the vault agent's fast path, ../agentRun.ts).
import type { Command } from 'commander';
import { AppError } from '../../../../shared/errors';
import type { BatchSummary } from '../../../../shared/contract/schemas/power';
import type { CliSession, Caller } from '../session';
import { CliExit, EXIT_USAGE } from '../exitCodes';
import { CANCELLING_MESSAGE, parseCount, parseDuration, Progress, type ResultLike } from '../batchOutput';

export { batchOptionsOf, failureText, finish, foldedBlocks, foldedLines, parseCount, parseDuration, type BatchFlags } from '../batchOutput';

/** The options every batch command takes. */
export function withBatchOptions(c: Command): Command {
  return c
    .option('--json', 'JSON output: every node\'s result and the summary')
    .option('-f, --fanout <n>', 'sessions open at once', parseCount)
    .option('-t, --timeout <duration>', 'per node: the whole operation (default 10s)', parseDuration)
    .option('--retransmit <duration>', 'resend an unanswered IPMI packet after this long (default 400ms)', parseDuration)
    .option('--stagger <duration>', 'wait this long between two nodes\' starts (e.g. 200ms against power-on inrush)', parseDuration)
    .option('--retries <n>', 'extra attempts after a timeout (actions safe to repeat only; default 1)', parseCount)
    .option('--no-precheck', 'skip the reachability check before the operation');
}

/** Destructive actions say how many nodes they hit and need --yes. */
export async function confirmDestructive(caller: Caller, nodeset: string, what: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  const p = await caller.inventory.previewNodeSet({ expr: nodeset });
  if (p.unknown.length) {
    throw new AppError('NODES_NOT_FOUND', `${p.unknownFolded} ${p.unknown.length === 1 ? 'is' : 'are'} not in the inventory. Check the node set; nothing was run.`, { nodes: p.unknownFolded, count: p.unknown.length });
  }
  throw new CliExit(EXIT_USAGE, `This would ${what} ${p.count} node(s): ${p.folded}. Run again with --yes to confirm.`);
}

type EventLike<R extends ResultLike> = { type: 'plan' } | { type: 'started' } | R | { type: 'done'; summary: BatchSummary };

/**
 * Runs one batch subscription in-process. Ctrl-C aborts the caller's signal, which cancels the
 * batch; the summary still arrives once every session is closed.
 */
export async function runBatchCommand<R extends ResultLike>(
  session: CliSession,
  start: (caller: Caller) => Promise<AsyncIterable<EventLike<R>>>,
): Promise<{ results: R[]; summary: BatchSummary }> {
  const stop = new AbortController();
  const caller = await session.newCaller(true, stop.signal);
  let interrupts = 0;
  const onSigint = (): void => {
    if (++interrupts > 1) process.exit(130); // a second Ctrl-C: leave now
    process.stderr.write(CANCELLING_MESSAGE);
    stop.abort();
  };
  process.on('SIGINT', onSigint);
  const progress = process.stderr.isTTY ? new Progress() : undefined;
  try {
    const results: R[] = [];
    let summary: BatchSummary | undefined;
    for await (const e of await start(caller)) {
      if (e.type === 'plan') progress?.plan((e as unknown as { nodes: unknown[] }).nodes.length);
      else if (e.type === 'result') {
        results.push(e as R);
        progress?.tick();
      } else if (e.type === 'done') summary = (e as { summary: BatchSummary }).summary;
    }
    progress?.clear();
    if (!summary) throw new AppError('INTERNAL', 'The batch ended without a summary.');
    return { results, summary };
  } finally {
    progress?.clear();
    process.off('SIGINT', onSigint);
  }
}
