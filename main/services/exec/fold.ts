// Folding exec results for people: identical results (status, exit code, output, error) become
// one group named by a folded node set (ClusterShell's `clubak -b`), and a whole run one line.
import { foldNodeSet } from '../../../shared/nodeset';
import { compareNames } from '../batch';
import type { ExecGroup, ExecNodeResult, ExecStatus, ExecSummary } from '../../../shared/contract/schemas/exec';

const NOT_OK: Exclude<ExecStatus, 'ok'>[] = ['failed', 'unreachable', 'timeout', 'error', 'cancelled'];

export function groupKey(r: ExecNodeResult): string {
  return JSON.stringify([r.status, r.exitCode, r.signal, r.stdout, r.stderr, r.truncated, r.error?.code ?? null, r.error?.message ?? null]);
}

/** Groups identical results: largest group first, then by first node name. */
export function foldResults(results: Iterable<ExecNodeResult>): ExecGroup[] {
  const byKey = new Map<string, { first: ExecNodeResult; names: string[] }>();
  for (const r of results) {
    const key = groupKey(r);
    const g = byKey.get(key);
    if (g) g.names.push(r.name);
    else byKey.set(key, { first: r, names: [r.name] });
  }
  const groups = [...byKey.values()].map((g) => ({ ...g, names: g.names.sort(compareNames) }));
  groups.sort((a, b) => b.names.length - a.names.length || compareNames(a.names[0], b.names[0]));
  return groups.map(({ first, names }) => ({
    nodes: fold(names),
    count: names.length,
    status: first.status,
    exitCode: first.exitCode,
    signal: first.signal,
    stdout: first.stdout,
    stderr: first.stderr,
    truncated: first.truncated,
    error: first.error,
  }));
}

export function fold(names: string[]): string {
  if (names.length === 0) return '';
  try {
    return foldNodeSet(names);
  } catch {
    return names.join(','); // names the node set syntax cannot hold: list them
  }
}

/** Folded node sets per non-ok status. */
export function nodesByStatus(results: readonly ExecNodeResult[]): ExecSummary['nodes'] {
  const out = { failed: '', unreachable: '', timeout: '', error: '', cancelled: '' };
  for (const s of NOT_OK) out[s] = fold(results.filter((r) => r.status === s).map((r) => r.name));
  return out;
}

/** "47 ok; 2 failed: n[048-049]; 3 unreachable: n[050-052]; 1 timeout: n053". */
export function summaryLine(results: readonly ExecNodeResult[], cancelled: boolean): string {
  const parts: string[] = [];
  const ok = results.filter((r) => r.status === 'ok').length;
  if (ok) parts.push(`${ok} ok`);
  const nodes = nodesByStatus(results);
  // Failed nodes by exit status ("2 failed (exit 1): ..."), the other statuses as one part each.
  const failedBy = new Map<string, string[]>();
  for (const r of results) {
    if (r.status !== 'failed') continue;
    const why = r.signal ? `signal ${r.signal}` : r.exitCode === null ? 'no exit status' : `exit ${r.exitCode}`;
    const names = failedBy.get(why);
    if (names) names.push(r.name);
    else failedBy.set(why, [r.name]);
  }
  for (const [why, names] of [...failedBy].sort((a, b) => b[1].length - a[1].length)) parts.push(`${names.length} failed (${why}): ${fold(names)}`);
  for (const s of NOT_OK) {
    if (s === 'failed') continue;
    const count = results.filter((r) => r.status === s).length;
    if (count) parts.push(`${count} ${s}: ${nodes[s]}`);
  }
  if (parts.length === 0) return cancelled ? 'cancelled before any node ran' : 'no nodes';
  return (cancelled ? 'cancelled; ' : '') + parts.join('; ');
}

/** Nodes folded by one aspect of their results (stdout alone, stderr alone, ...), as clush -b shows them. */
export function foldBy(results: Iterable<ExecNodeResult>, keyOf: (r: ExecNodeResult) => string | null): { key: string; nodes: string; count: number }[] {
  const byKey = new Map<string, string[]>();
  for (const r of results) {
    const key = keyOf(r);
    if (key === null) continue;
    const names = byKey.get(key);
    if (names) names.push(r.name);
    else byKey.set(key, [r.name]);
  }
  return [...byKey]
    .map(([key, names]) => ({ key, names: names.sort(compareNames) }))
    .sort((a, b) => b.names.length - a.names.length || compareNames(a.names[0], b.names[0]))
    .map(({ key, names }) => ({ key, nodes: fold(names), count: names.length }));
}
