// "Retry failed": a new run over only the targets that did not succeed last time.
import type { BatchFailureStatus, BatchOptions, BatchSummary, BatchTarget } from './types';

export interface RetryFilter {
  /** Defaults to every non-ok status. */
  statuses?: readonly BatchFailureStatus[];
  /** Only these error codes (any code when omitted). */
  codes?: readonly string[];
}

const ALL_FAILURES: readonly BatchFailureStatus[] = ['failed', 'timeout', 'unreachable', 'cancelled'];

/** The targets of `targets` (kept in their order) that `summary` lists as not ok and match `filter`. */
export function failedTargets<Tg extends BatchTarget>(
  targets: readonly Tg[],
  summary: BatchSummary,
  filter: RetryFilter = {},
): Tg[] {
  const statuses = new Set(filter.statuses ?? ALL_FAILURES);
  const codes = filter.codes && new Set(filter.codes);
  const wanted = new Set<string>();
  for (const f of summary.notOk) {
    if (statuses.has(f.status) && (!codes || codes.has(f.code))) wanted.add(f.name);
  }
  return targets.filter((t) => wanted.has(t.name));
}

/**
 * Options for a new run over the failed targets of a previous one. Pass a fresh `signal` in
 * `overrides` when the previous run was cancelled: its signal is already aborted.
 */
export function retryFailed<T, Tg extends BatchTarget>(
  previous: BatchOptions<T, Tg>,
  summary: BatchSummary,
  overrides: Partial<BatchOptions<T, Tg>> = {},
  filter: RetryFilter = {},
): BatchOptions<T, Tg> {
  const merged = { ...previous, ...overrides };
  return { ...merged, targets: failedTargets(merged.targets, summary, filter) };
}
