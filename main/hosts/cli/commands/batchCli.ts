// What the power, sensors and sel commands share: batch options, the in-process subscription with
// Ctrl-C as cancel, the destructive-action guard, and ipmipower/clubak-style folded output.
import type { Command } from 'commander';
import { AppError, type AppErrorData } from '../../../../shared/errors';
import { foldNodeSet } from '../../../../shared/nodeset';
import type { BatchOptions, BatchSummary } from '../../../../shared/contract/schemas/power';
import errorTexts from '../../../../shared/i18n/errors.en.json';
import { compareNames } from '../../../services/batch';
import type { CliSession, Caller } from '../session';
import { CliExit, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE } from '../exitCodes';

/** `200ms`, `1.5s`, `2m` or plain milliseconds. */
export function parseDuration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
  if (!m) throw new AppError('INVALID_INPUT', `"${v}" is not a duration: write 500ms, 10s or 2m.`);
  const n = Number(m[1]) * (m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 1);
  return Math.round(n);
}

export function parseCount(v: string): number {
  if (!/^\d+$/.test(v)) throw new AppError('INVALID_INPUT', `"${v}" is not a whole number`);
  return Number(v);
}

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

export interface BatchFlags {
  json?: boolean;
  fanout?: number;
  timeout?: number;
  retransmit?: number;
  stagger?: number;
  retries?: number;
  precheck?: boolean;
  yes?: boolean;
}

export function batchOptionsOf(f: BatchFlags): BatchOptions {
  return { fanout: f.fanout, timeoutMs: f.timeout, retransmitMs: f.retransmit, staggerMs: f.stagger, retries: f.retries, precheck: f.precheck };
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

interface ResultLike {
  type: 'result';
  name: string;
  status: string;
  error: AppErrorData | null;
  elapsedMs: number;
  attempts: number;
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
    process.stderr.write('\nclusterdeck: cancelling: closing the BMC sessions (Ctrl-C again to quit at once)\n');
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

class Progress {
  private total = 0;
  private done = 0;
  private last = 0;
  plan(total: number): void {
    this.total = total;
  }
  tick(): void {
    this.done++;
    const now = Date.now();
    if (now - this.last < 100 && this.done < this.total) return;
    this.last = now;
    process.stderr.write(`\r${this.done}/${this.total} node(s) done`);
  }
  clear(): void {
    if (this.last) process.stderr.write('\r\x1b[K');
    this.last = 0;
  }
}

/**
 * A failure as one line that is the same for every node with the same cause (so it folds):
 * the English catalog text with its parameters, not the message that names the node's BMC.
 */
export function failureText(status: string, e: AppErrorData | null): string {
  if (!e) return status;
  const template = (errorTexts as Record<string, string>)[e.key];
  const text = template ? template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(e.params[k] ?? '')) : e.message;
  return `${status}: ${text}`;
}

/** Nodes whose results read the same, largest group first (then by first name). */
function groupByText<R extends ResultLike>(results: R[], okText: (r: R) => string): { key: string; names: string[] }[] {
  const byText = new Map<string, string[]>();
  for (const r of results) {
    const key = r.status === 'ok' ? okText(r) : failureText(r.status, r.error);
    const names = byText.get(key);
    if (names) names.push(r.name);
    else byText.set(key, [r.name]);
  }
  return [...byText]
    .map(([key, names]) => ({ key, names: names.sort(compareNames) }))
    .sort((a, b) => b.names.length - a.names.length || compareNames(a.names[0], b.names[0]));
}

/** `gpu[001-120]: on` lines, like ipmipower; largest group first. */
export function foldedLines<R extends ResultLike>(results: R[], okText: (r: R) => string): string[] {
  return groupByText(results, okText).map((g) => `${foldNodeSet(g.names)}: ${g.key}`);
}

/** clubak's blocks for multi-line outputs: a header with the folded node set, then the text. */
export function foldedBlocks<R extends ResultLike>(results: R[], okText: (r: R) => string): string[] {
  const groups = groupByText(results, okText);
  const out: string[] = [];
  for (const g of groups) {
    const head = `${foldNodeSet(g.names)} (${g.names.length})`;
    const rule = '-'.repeat(Math.min(80, Math.max(15, head.length)));
    out.push(rule, head, rule, g.key);
  }
  return out;
}

export function finish(summary: BatchSummary, json: unknown | undefined, lines: string[]): number {
  if (json !== undefined) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  else if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
  process.stderr.write(`${summary.line} (${(summary.elapsedMs / 1000).toFixed(2)} s${summary.cancelled ? ', cancelled' : ''})\n`);
  return summary.counts.ok === summary.total ? EXIT_OK : EXIT_SOME_FAILED;
}
