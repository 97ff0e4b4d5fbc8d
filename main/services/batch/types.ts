// The data a batch produces. Everything here is plain, serialisable data so events can go straight
// into a tRPC subscription, a WebSocket or the CLI's JSON output.
import type { AppErrorData } from '../../../shared/errors';

export interface BatchTarget {
  readonly name: string;
}

export type BatchStatus = 'ok' | 'failed' | 'timeout' | 'unreachable' | 'cancelled';
export type BatchFailureStatus = Exclude<BatchStatus, 'ok'>;

/**
 * What happened to one target. `attempts` counts runs of the operation (0 when it never ran:
 * unreachable at precheck, or cancelled before its turn). `elapsedMs` is the last run's duration.
 */
export type BatchOutcome<T> =
  | { status: 'ok'; value: T; elapsedMs: number; attempts: number }
  | { status: BatchFailureStatus; error: AppErrorData; elapsedMs: number; attempts: number };

export interface BatchResult<T> {
  name: string;
  outcome: BatchOutcome<T>;
}

export interface BatchSummary {
  total: number;
  counts: Record<BatchStatus, number>;
  elapsedMs: number;
  /** True when the run was cancelled (outer signal, or the consumer stopped reading). */
  cancelled: boolean;
  /** Every target that did not end `ok`, in the order its result was emitted. */
  notOk: { name: string; status: BatchFailureStatus; code: string }[];
}

/**
 * `started` is emitted each time the operation starts on a target (again on a retry, with
 * `attempt` > 1); targets found dead by the precheck or cancelled before their turn get no
 * `started`. Every target gets exactly one `result`, and `done` comes last.
 */
export type BatchEvent<T> =
  | { type: 'started'; name: string; attempt: number }
  | { type: 'result'; name: string; outcome: BatchOutcome<T> }
  | { type: 'done'; summary: BatchSummary };

export interface OperationContext {
  /** Aborted on timeout or cancel: the protocol should close its session and give up. */
  signal: AbortSignal;
  /** 1 for the first run, 2 for the first retry, ... */
  attempt: number;
}

export interface PrecheckOptions<Tg extends BatchTarget> {
  /** Cheap reachability probe (TCP connect, ping). Resolving `false` or rejecting means unreachable. */
  probe: (target: Tg, ctx: { signal: AbortSignal }) => Promise<boolean | void>;
  timeoutMs: number;
  /** Window for probes; defaults to the batch fanout. Probes are cheap, so it can be much larger. */
  fanout?: number;
}

export interface RetryPolicy {
  /** Error codes worth another try, e.g. ['BATCH_TIMEOUT', 'IPMI_BUSY']. */
  codes: readonly string[];
  /** Extra runs after the first one. */
  retries: number;
  /** Pause before a retry is queued again; the target holds no window slot meanwhile. */
  delayMs?: number;
}

export interface BatchOptions<T, Tg extends BatchTarget = BatchTarget> {
  /** Ordered; names must be unique (results are keyed by name). */
  targets: readonly Tg[];
  /** Window size: at most this many operations run at once. */
  fanout: number;
  perTargetTimeoutMs: number;
  /** Minimum gap between the starts of consecutive operations (spreads power-on inrush). */
  staggerMs?: number;
  precheck?: PrecheckOptions<Tg>;
  /** Off by default. */
  retry?: RetryPolicy;
  /** Cancel: stops starting targets, aborts running ones, reports the rest as `cancelled`. */
  signal?: AbortSignal;
  operation: (target: Tg, ctx: OperationContext) => Promise<T>;
}
