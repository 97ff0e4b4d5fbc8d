// What `clusterdeck power|sensors|sel` print once a batch ended, and the option values they
// parse: one module for both ways a batch runs (in-process, ./commands/batchCli.ts, and in the
// vault agent, ./agentRunner.ts), so both print exactly the same. The printers write to a sink:
// the process's stdout and stderr in-process, frames to the CLI in the agent. No commander, no
// services here.
import { AppError, type AppErrorData } from '../../../shared/errors';
import { foldNodeSet } from '../../../shared/nodeset';
import type { BatchOptions, BatchSummary, PowerAction, Sensor, SelRecord } from '../../../shared/contract/schemas/power';
import errorTexts from '../../../shared/i18n/errors.en.json';
import { compareNames } from '../../services/batch/fold';
import { CANCELLING_MESSAGE, CLEAR_PROGRESS, progressText } from './agentClient';
import { EXIT_OK, EXIT_SOME_FAILED } from './exitStatus';

export { CANCELLING_MESSAGE };

/** Where a command's output goes. */
export interface OutputSink {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** This process's stdout and stderr. */
export const processOutput: OutputSink = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

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

export interface ResultLike {
  type: 'result';
  name: string;
  status: string;
  error: AppErrorData | null;
  elapsedMs: number;
  attempts: number;
}

/**
 * "n/N node(s) done" on a terminal's stderr while a batch runs, at most 10 times a second (and the
 * last one). `show` draws it (by default on this process's stderr; the agent sends a frame instead,
 * and the CLI draws it); `erase` takes it away before the output.
 */
export class Progress {
  private total = 0;
  private done = 0;
  private last = 0;
  constructor(
    private readonly show: (done: number, total: number) => void = (done, total) => void process.stderr.write(progressText(done, total)),
    private readonly erase: () => void = () => void process.stderr.write(CLEAR_PROGRESS),
  ) {}
  plan(total: number): void {
    this.total = total;
  }
  tick(): void {
    this.done++;
    const now = Date.now();
    if (now - this.last < 100 && this.done < this.total) return;
    this.last = now;
    this.show(this.done, this.total);
  }
  clear(): void {
    if (this.last) this.erase();
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

export function finish(summary: BatchSummary, json: unknown | undefined, lines: string[], out: OutputSink = processOutput): number {
  if (json !== undefined) out.stdout(`${JSON.stringify(json, null, 2)}\n`);
  else if (lines.length) out.stdout(`${lines.join('\n')}\n`);
  out.stderr(`${summary.line} (${(summary.elapsedMs / 1000).toFixed(2)} s${summary.cancelled ? ', cancelled' : ''})\n`);
  return summary.counts.ok === summary.total ? EXIT_OK : EXIT_SOME_FAILED;
}

export function sensorTable(sensors: Sensor[]): string {
  const rows = sensors.map((s) => [s.name, s.value === null ? 'na' : String(Number(s.value.toFixed(3))), s.unit, s.status]);
  const widths = [0, 1, 2].map((i) => Math.max(0, ...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c)).join(' | ')).join('\n') || '(no sensors)';
}

export function selText(entries: SelRecord[]): string {
  if (!entries.length) return '(empty)';
  return entries.map((e) => `${String(e.id).padStart(4)} | ${e.time ?? 'no time'} | ${e.sensor} | ${e.event}`).join('\n');
}

/** Which BMC command's output: a power action, sensors, or one of the event log's operations. */
export type BmcCommand = { kind: 'power'; action: PowerAction } | { kind: 'sensors' } | { kind: 'sel'; op: 'list' | 'clear' };

interface AnyBmcResult extends ResultLike {
  power?: string | null;
  sensors?: Sensor[] | null;
  entries?: SelRecord[] | null;
}

/** Prints a finished batch as the command prints it (folded lines or blocks, or --json) and returns the exit code. */
export function printBatch(cmd: BmcCommand, results: AnyBmcResult[], summary: BatchSummary, json: boolean | undefined, out: OutputSink = processOutput): number {
  const plain = results.map(({ type: _t, ...r }) => r);
  if (cmd.kind === 'power') {
    const okText = (r: AnyBmcResult): string => (cmd.action === 'status' ? (r.power ?? 'unknown') : 'ok');
    return finish(summary, json ? { action: cmd.action, summary, results: plain } : undefined, json ? [] : foldedLines(results, okText), out);
  }
  const lines = json ? [] : cmd.kind === 'sensors'
    ? foldedBlocks(results, (r) => sensorTable(r.sensors ?? []))
    : cmd.op === 'list' ? foldedBlocks(results, (r) => selText(r.entries ?? [])) : foldedLines(results, () => 'cleared');
  return finish(summary, json ? { summary, results: plain } : undefined, lines, out);
}
