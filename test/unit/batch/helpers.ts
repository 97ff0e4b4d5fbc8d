import type { BatchEvent, BatchOutcome, BatchSummary, BatchTarget } from '../../../main/services/batch';

export const names = (n: number, prefix = 'node'): BatchTarget[] =>
  Array.from({ length: n }, (_, i) => ({ name: `${prefix}${String(i + 1).padStart(String(n).length, '0')}` }));

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves after `ms`, or rejects with the signal's reason when it aborts (a well-behaved protocol). */
export const abortableDelay = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });

export interface Collected<T> {
  events: BatchEvent<T>[];
  results: Map<string, BatchOutcome<T>>;
  resultCount: Map<string, number>;
  started: string[];
  summary: BatchSummary;
}

export async function collect<T>(stream: AsyncIterable<BatchEvent<T>>, onEvent?: (e: BatchEvent<T>) => void): Promise<Collected<T>> {
  const events: BatchEvent<T>[] = [];
  const results = new Map<string, BatchOutcome<T>>();
  const resultCount = new Map<string, number>();
  const started: string[] = [];
  let summary: BatchSummary | undefined;
  for await (const e of stream) {
    if (summary) throw new Error('event after done');
    events.push(e);
    if (e.type === 'result') {
      results.set(e.name, e.outcome);
      resultCount.set(e.name, (resultCount.get(e.name) ?? 0) + 1);
    } else if (e.type === 'started') started.push(e.name);
    else summary = e.summary;
    onEvent?.(e);
  }
  if (!summary) throw new Error('no done event');
  return { events, results, resultCount, started, summary };
}

/** Asserts every target has exactly one result and nothing else got one. */
export function expectOneResultEach(c: Collected<unknown>, targets: readonly BatchTarget[]): void {
  const problems: string[] = [];
  for (const t of targets) if (c.resultCount.get(t.name) !== 1) problems.push(`${t.name}: ${c.resultCount.get(t.name) ?? 0}`);
  if (c.resultCount.size !== targets.length) problems.push(`results for ${c.resultCount.size} names, expected ${targets.length}`);
  if (problems.length) throw new Error(`not exactly one result per target: ${problems.slice(0, 10).join(', ')}`);
}
