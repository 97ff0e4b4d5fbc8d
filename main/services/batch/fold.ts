// Folding results for people: targets with the same rendered outcome are one line (ClusterShell's
// clubak), and a whole batch is one sentence. Node-set folding of names is the caller's `fold`
// (shared/nodeset), taken as a parameter so this module stays independent of it.
import type { BatchOutcome, BatchResult } from './types';

export interface OutcomeGroup {
  key: string;
  /** Sorted naturally (gpu2 before gpu10). */
  names: string[];
}

/** Default rendering: the value for ok results (strings as is, the rest as JSON), else status and message. */
export function renderOutcome(outcome: BatchOutcome<unknown>): string {
  if (outcome.status !== 'ok') return `${outcome.status}: ${outcome.error.message}`;
  const { value } = outcome;
  if (value === undefined) return 'ok';
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

/** Groups targets whose outcomes render to the same key: largest group first, then by first name. */
export function foldOutcomes<T>(
  results: Iterable<BatchResult<T>>,
  keyOf: (outcome: BatchOutcome<T>, name: string) => string = renderOutcome,
): OutcomeGroup[] {
  const byKey = new Map<string, string[]>();
  for (const { name, outcome } of results) {
    const key = keyOf(outcome, name);
    const names = byKey.get(key);
    if (names) names.push(name);
    else byKey.set(key, [name]);
  }
  const groups: OutcomeGroup[] = [];
  for (const [key, names] of byKey) groups.push({ key, names: names.sort(compareNames) });
  return groups.sort(byGroupOrder);
}

/**
 * One line for a whole batch, e.g. `120 on, 6 off, 2 timeout: gpu[007,091]`. Groups are keyed by
 * `label`; groups of successes give a count, groups holding failures also name their targets
 * (folded by `fold`) because those are the ones the operator acts on. Successes come first, each
 * part largest first; a part that lists names is followed by `; ` since node sets contain commas.
 */
export function summarize<T>(
  results: Iterable<BatchResult<T>>,
  fold: (names: string[]) => string,
  label: (outcome: BatchOutcome<T>) => string = (o) => o.status,
): string {
  const byLabel = new Map<string, { names: string[]; failed: boolean }>();
  for (const { name, outcome } of results) {
    const key = label(outcome);
    let group = byLabel.get(key);
    if (!group) byLabel.set(key, (group = { names: [], failed: false }));
    group.names.push(name);
    if (outcome.status !== 'ok') group.failed = true;
  }
  if (byLabel.size === 0) return 'no targets';
  const good: OutcomeGroup[] = [];
  const bad: OutcomeGroup[] = [];
  for (const [key, { names, failed }] of byLabel) (failed ? bad : good).push({ key, names: names.sort(compareNames) });
  good.sort(byGroupOrder);
  bad.sort(byGroupOrder);
  let line = '';
  let lastListedNames = false;
  for (const g of good) {
    line += `${line ? ', ' : ''}${g.names.length} ${g.key}`;
  }
  for (const g of bad) {
    line += `${line ? (lastListedNames ? '; ' : ', ') : ''}${g.names.length} ${g.key}: ${fold(g.names)}`;
    lastListedNames = true;
  }
  return line;
}

function byGroupOrder(a: OutcomeGroup, b: OutcomeGroup): number {
  return b.names.length - a.names.length || compareNames(a.names[0], b.names[0]);
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Natural order: runs of digits compare as numbers, so node2 < node10 and gpu007 = gpu7 < gpu8. */
export function compareNames(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      let ie = i;
      while (ie < a.length && isDigit(a.charCodeAt(ie))) ie++;
      let je = j;
      while (je < b.length && isDigit(b.charCodeAt(je))) je++;
      // Skip leading zeros, then the longer number is bigger, else compare digit by digit.
      let is = i;
      while (is < ie - 1 && a.charCodeAt(is) === 48) is++;
      let js = j;
      while (js < je - 1 && b.charCodeAt(js) === 48) js++;
      const byLength = ie - is - (je - js);
      if (byLength !== 0) return byLength;
      for (; is < ie; is++, js++) {
        const d = a.charCodeAt(is) - b.charCodeAt(js);
        if (d !== 0) return d;
      }
      i = ie;
      j = je;
    } else {
      if (ca !== cb) return ca - cb;
      i++;
      j++;
    }
  }
  const rest = a.length - i - (b.length - j);
  if (rest !== 0) return rest;
  return a < b ? -1 : a > b ? 1 : 0; // same value, different zero padding: keep a stable order
}
