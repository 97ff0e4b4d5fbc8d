// The fan-out engine every batch operation goes through (power, SSH, ...). It knows nothing about
// protocols: it runs `operation` over targets in a sliding window, with a per-target timeout, an
// optional start stagger, an optional reachability precheck, retries and cancel, and streams one
// `result` per target. Lessons from ClusterShell, ipmipower and xCAT: a dead target costs one
// timeout and never stalls the batch, and a target never gets two verdicts.
import { AppError, type AppErrorData } from '../../../shared/errors';
import type {
  BatchEvent,
  BatchFailureStatus,
  BatchOptions,
  BatchOutcome,
  BatchStatus,
  BatchSummary,
  BatchTarget,
} from './types';

export const BATCH_TIMEOUT = 'BATCH_TIMEOUT';
export const BATCH_CANCELLED = 'BATCH_CANCELLED';
export const BATCH_UNREACHABLE = 'BATCH_UNREACHABLE';
/** An operation threw something that is not an AppError. */
export const BATCH_FAILED = 'BATCH_FAILED';
export const BATCH_INVALID_OPTIONS = 'BATCH_INVALID_OPTIONS';

// Monotonic: wall-clock jumps must not produce negative durations or skip a stagger.
const now = (): number => performance.now();
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs `opts.operation` over `opts.targets` and streams events: `started`, exactly one `result`
 * per target, then `done`. Nothing starts until the first event is pulled. If the consumer stops
 * early (`break`, or tRPC ending the subscription) the batch is cancelled and running operations
 * are aborted. Throws AppError(BATCH_INVALID_OPTIONS) at once on bad options.
 */
export function runBatch<T, Tg extends BatchTarget = BatchTarget>(
  opts: BatchOptions<T, Tg>,
): AsyncGenerator<BatchEvent<T>, void, undefined> {
  validate(opts);
  return stream(opts);
}

/** Error codes the operation can throw (as AppError) to get a status other than `failed`. */
export function statusOfCode(code: string): BatchFailureStatus {
  if (code === BATCH_TIMEOUT) return 'timeout';
  if (code === BATCH_UNREACHABLE) return 'unreachable';
  if (code === BATCH_CANCELLED) return 'cancelled';
  return 'failed';
}

export function toErrorData(error: unknown): AppErrorData {
  if (AppError.is(error)) return error.toData();
  const message = error instanceof Error ? error.message : String(error);
  const cause = (error as { code?: unknown } | null)?.code;
  return new AppError(
    BATCH_FAILED,
    message || 'The operation failed without saying why.',
    typeof cause === 'string' ? { cause } : {},
  ).toData();
}

async function* stream<T, Tg extends BatchTarget>(opts: BatchOptions<T, Tg>): AsyncGenerator<BatchEvent<T>, void, undefined> {
  const queue = new EventQueue<BatchEvent<T>>();
  // One internal signal for "stop": the caller's cancel or the consumer going away.
  const stop = new AbortController();
  const outer = opts.signal;
  const onOuter = (): void => stop.abort(outer?.reason);
  if (outer?.aborted) stop.abort(outer.reason);
  else outer?.addEventListener('abort', onOuter, { once: true });
  const job = drive(opts, stop.signal, (event) => queue.push(event)).then(
    () => queue.end(),
    (error: unknown) => queue.end(error),
  );
  try {
    yield* queue.drain();
  } finally {
    outer?.removeEventListener('abort', onOuter);
    stop.abort(); // no-op after a normal end; cancels the batch if the consumer left early
    await job;
  }
}

async function drive<T, Tg extends BatchTarget>(
  opts: BatchOptions<T, Tg>,
  signal: AbortSignal,
  emit: (event: BatchEvent<T>) => void,
): Promise<void> {
  const t0 = now();
  const { targets } = opts;
  const counts: Record<BatchStatus, number> = { ok: 0, failed: 0, timeout: 0, unreachable: 0, cancelled: 0 };
  const notOk: BatchSummary['notOk'] = [];
  const report = (index: number, outcome: BatchOutcome<unknown>): void => {
    const name = targets[index].name;
    counts[outcome.status]++;
    if (outcome.status !== 'ok') notOk.push({ name, status: outcome.status, code: outcome.error.code });
    emit({ type: 'result', name, outcome: outcome as BatchOutcome<T> });
  };

  // Work on indices, not targets: a number per pending target is all the engine keeps.
  let indices: number[] = Array.from({ length: targets.length }, (_, i) => i);

  const precheck = opts.precheck;
  const operate = (source: readonly number[] | Feed): Promise<void> => runPhase({
    source,
    fanout: opts.fanout,
    timeoutMs: opts.perTargetTimeoutMs,
    staggerMs: opts.staggerMs ?? 0,
    retry: opts.retry && {
      codes: new Set(opts.retry.codes),
      retries: opts.retry.retries,
      delayMs: opts.retry.delayMs ?? 0,
    },
    signal,
    run: (i, ctx) => opts.operation(targets[i], ctx),
    onStart: (i, attempt) => emit({ type: 'started', name: targets[i].name, attempt }),
    onSettle: report,
  });

  if (precheck && indices.length > 0) {
    // With a stagger the operations keep the caller's order (a power-on sequence): every probe
    // first. Otherwise each target's operation starts as soon as its probe answered, while other
    // probes still run: no barrier between the two passes.
    const inOrder = (opts.staggerMs ?? 0) > 0;
    const alive = new Uint8Array(targets.length);
    const feed: Feed = { items: [], closed: false };
    const probes = runPhase({
      source: indices,
      fanout: precheck.fanout ?? opts.fanout,
      timeoutMs: precheck.timeoutMs,
      staggerMs: 0,
      signal,
      run: async (i, ctx) => {
        if ((await precheck.probe(targets[i], { signal: ctx.signal })) === false) {
          throw new AppError(BATCH_UNREACHABLE, 'The target did not answer the reachability check.');
        }
      },
      onSettle: (i, outcome) => {
        if (outcome.status === 'ok' && signal.aborted) {
          report(i, { status: 'cancelled', error: new AppError(BATCH_CANCELLED, 'Cancelled before it started.').toData(), elapsedMs: 0, attempts: 0 });
        } else if (outcome.status === 'ok') {
          alive[i] = 1;
          if (inOrder) return;
          if (feed.push) feed.push(i);
          else feed.items.push(i);
        } else if (outcome.status === 'cancelled') report(i, { ...outcome, attempts: 0 });
        else report(i, { status: 'unreachable', error: unreachable(outcome, precheck.timeoutMs), elapsedMs: outcome.elapsedMs, attempts: 0 });
      },
    }).finally(() => {
      feed.closed = true;
      feed.onClose?.();
    });
    if (inOrder) {
      await probes;
      // Keep the caller's order for the operation (power-on sequence), not the probes' finishing order.
      await operate(indices.filter((i) => alive[i] === 1));
    } else {
      await Promise.all([probes, operate(feed)]);
    }
  } else {
    await operate(indices);
  }

  emit({
    type: 'done',
    summary: { total: targets.length, counts, elapsedMs: now() - t0, cancelled: signal.aborted, notOk },
  });
}

function unreachable(outcome: BatchOutcome<unknown>, timeoutMs: number): AppErrorData {
  if (outcome.status === 'ok') throw new Error('unreachable() needs a failed outcome');
  if (outcome.status === 'timeout') {
    return new AppError(BATCH_UNREACHABLE, `No answer to the reachability check within ${timeoutMs} ms; the operation was not run.`, { timeoutMs }).toData();
  }
  if (outcome.error.code === BATCH_UNREACHABLE) return outcome.error;
  return new AppError(BATCH_UNREACHABLE, `Reachability check failed: ${outcome.error.message}`, { cause: outcome.error.code }).toData();
}

// ---------------------------------------------------------------------------------------------
// One pass of the sliding window over a list of target indices (used for the precheck and for the
// operation itself).

/**
 * Indices that arrive while a phase runs (targets whose probe answered). The phase sets `push`
 * and `onClose` to hear of them; it ends once the feed is closed and everything it got is done.
 */
interface Feed {
  items: number[];
  closed: boolean;
  push?: (index: number) => void;
  onClose?: () => void;
}

interface Phase {
  source: readonly number[] | Feed;
  fanout: number;
  timeoutMs: number;
  staggerMs: number;
  retry?: { codes: ReadonlySet<string>; retries: number; delayMs: number };
  signal: AbortSignal;
  run: (index: number, ctx: { signal: AbortSignal; attempt: number }) => Promise<unknown>;
  onStart?: (index: number, attempt: number) => void;
  /** Called exactly once per index. */
  onSettle: (index: number, outcome: BatchOutcome<unknown>) => void;
}

interface Run {
  index: number;
  attempt: number;
  t0: number;
  ctrl: AbortController;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Set by whichever of result / timeout / cancel comes first; the others are then ignored. */
  settled: boolean;
}

interface Queued {
  index: number;
  attempt: number;
  timer?: ReturnType<typeof setTimeout>;
}

async function runPhase(p: Phase): Promise<void> {
  const { fanout, timeoutMs, staggerMs, retry, signal } = p;
  const feed: Feed | undefined = Array.isArray(p.source) ? undefined : (p.source as Feed);
  const indices: readonly number[] = feed ? feed.items : (p.source as readonly number[]);
  let next = 0; // indices[next..] have not started yet
  const again: Queued[] = []; // retries ready to start; they go before fresh targets
  let againHead = 0;
  const delayed = new Set<Queued>(); // retries waiting out their delay
  const running = new Set<Run>(); // never more than `fanout` entries
  let lastStart = -Infinity;

  let wake: (() => void) | undefined;
  const poke = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const nextWake = (): Promise<void> => new Promise<void>((resolve) => (wake = resolve));
  if (feed) {
    feed.push = (index) => {
      feed.items.push(index);
      poke();
    };
    feed.onClose = poke;
  }

  const settle = (run: Run, outcome: BatchOutcome<unknown>): void => {
    // A late answer after a timeout or cancel lands here and is dropped: the target already has
    // its verdict, and "timeout" followed by "ok" would leave the operator not knowing which is true.
    if (run.settled) return;
    run.settled = true;
    clearTimeout(run.timer);
    running.delete(run);
    if (
      retry && outcome.status !== 'ok' && outcome.status !== 'cancelled' && !signal.aborted &&
      run.attempt <= retry.retries && retry.codes.has(outcome.error.code)
    ) {
      const queued: Queued = { index: run.index, attempt: run.attempt + 1 };
      if (retry.delayMs > 0) {
        queued.timer = setTimeout(requeue, retry.delayMs, queued);
        delayed.add(queued);
      } else again.push(queued);
    } else {
      p.onSettle(run.index, outcome);
    }
    poke();
  };
  const requeue = (queued: Queued): void => {
    delayed.delete(queued);
    again.push(queued);
    poke();
  };

  // The timeout frees the window slot at once, even if the operation ignores its signal: one dead
  // target must cost one timeout, not hold a slot hostage for the rest of the batch.
  const onTimeout = (run: Run): void => {
    const error = new AppError(BATCH_TIMEOUT, `No answer within ${timeoutMs} ms; the operation was aborted.`, { timeoutMs });
    settle(run, { status: 'timeout', error: error.toData(), elapsedMs: now() - run.t0, attempts: run.attempt });
    run.ctrl.abort(error);
  };

  const launch = (index: number, attempt: number): void => {
    const run: Run = { index, attempt, t0: now(), ctrl: new AbortController(), timer: undefined, settled: false };
    lastStart = run.t0;
    running.add(run);
    p.onStart?.(index, attempt);
    // setTimeout with an argument instead of a closure: nothing per-target outlives the run.
    run.timer = setTimeout(onTimeout, timeoutMs, run);
    let pending: Promise<unknown>;
    try {
      pending = Promise.resolve(p.run(index, { signal: run.ctrl.signal, attempt }));
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (value) => settle(run, { status: 'ok', value, elapsedMs: now() - run.t0, attempts: attempt }),
      (error: unknown) => {
        const data = toErrorData(error);
        settle(run, { status: statusOfCode(data.code), error: data, elapsedMs: now() - run.t0, attempts: attempt });
      },
    );
  };

  signal.addEventListener('abort', poke);
  try {
    while (!signal.aborted) {
      if (running.size >= fanout) {
        await nextWake();
        continue;
      }
      if (againHead >= again.length && next >= indices.length) {
        if (running.size === 0 && delayed.size === 0 && (!feed || feed.closed)) break;
        await nextWake();
        continue;
      }
      if (staggerMs > 0) {
        const wait = lastStart + staggerMs - now();
        if (wait > 0) {
          await sleep(wait, signal);
          continue; // re-check: we may have been cancelled meanwhile
        }
      }
      if (againHead < again.length) {
        const queued = again[againHead];
        again[againHead++] = undefined as unknown as Queued; // let it go
        if (againHead === again.length) again.length = againHead = 0;
        launch(queued.index, queued.attempt);
      } else {
        launch(indices[next++], 1);
      }
    }

    if (signal.aborted) {
      // Cancel: running operations get their verdict now (late answers are dropped as above),
      // then everything that never got its turn, in order.
      const error = new AppError(BATCH_CANCELLED, 'Cancelled while running; the operation was aborted.');
      for (const run of Array.from(running)) {
        settle(run, { status: 'cancelled', error: error.toData(), elapsedMs: now() - run.t0, attempts: run.attempt });
        run.ctrl.abort(error);
      }
      const notStarted = new AppError(BATCH_CANCELLED, 'Cancelled before it started.').toData();
      const cancel = (index: number, attempts: number): void =>
        p.onSettle(index, { status: 'cancelled', error: notStarted, elapsedMs: 0, attempts });
      for (const queued of delayed) {
        clearTimeout(queued.timer);
        cancel(queued.index, queued.attempt - 1);
      }
      delayed.clear();
      while (againHead < again.length) {
        const queued = again[againHead++];
        cancel(queued.index, queued.attempt - 1);
      }
      while (next < indices.length) cancel(indices[next++], 0);
    }
  } finally {
    signal.removeEventListener('abort', poke);
  }
}

/** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

// ---------------------------------------------------------------------------------------------

/** Unbounded single-consumer queue between the engine (push) and the async generator (drain). */
class EventQueue<E> {
  private items: (E | undefined)[] = [];
  private head = 0;
  private ended = false;
  private failure: { error: unknown } | undefined;
  private waiter: (() => void) | undefined;

  push(item: E): void {
    this.items.push(item);
    this.notify();
  }

  end(error?: unknown): void {
    this.ended = true;
    if (error !== undefined) this.failure = { error };
    this.notify();
  }

  async *drain(): AsyncGenerator<E, void, undefined> {
    for (;;) {
      if (this.head < this.items.length) {
        const item = this.items[this.head] as E;
        this.items[this.head++] = undefined;
        if (this.head === this.items.length) {
          this.items = [];
          this.head = 0;
        }
        yield item;
      } else if (this.ended) {
        if (this.failure) throw this.failure.error;
        return;
      } else {
        await new Promise<void>((resolve) => (this.waiter = resolve));
      }
    }
  }

  private notify(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}

function validate<T, Tg extends BatchTarget>(opts: BatchOptions<T, Tg>): void {
  const bad = (what: string): never => {
    throw new AppError(BATCH_INVALID_OPTIONS, `Invalid batch options: ${what}.`, { detail: what });
  };
  const positiveInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 1;
  const timeout = (v: unknown): boolean => typeof v === 'number' && v > 0 && v <= MAX_TIMER_MS;
  if (!positiveInt(opts.fanout)) bad('fanout must be a whole number of at least 1');
  if (!timeout(opts.perTargetTimeoutMs)) bad(`perTargetTimeoutMs must be between 1 and ${MAX_TIMER_MS}`);
  if (opts.staggerMs !== undefined && !(opts.staggerMs >= 0 && opts.staggerMs <= MAX_TIMER_MS)) bad('staggerMs must be 0 or more');
  if (opts.precheck) {
    if (!timeout(opts.precheck.timeoutMs)) bad(`precheck.timeoutMs must be between 1 and ${MAX_TIMER_MS}`);
    if (opts.precheck.fanout !== undefined && !positiveInt(opts.precheck.fanout)) bad('precheck.fanout must be a whole number of at least 1');
  }
  if (opts.retry) {
    if (!(Number.isInteger(opts.retry.retries) && opts.retry.retries >= 0)) bad('retry.retries must be a whole number, 0 or more');
    const d = opts.retry.delayMs;
    if (d !== undefined && !(d >= 0 && d <= MAX_TIMER_MS)) bad('retry.delayMs must be 0 or more');
  }
  const seen = new Set<string>();
  for (const t of opts.targets) {
    if (seen.has(t.name)) bad(`target ${t.name} is listed twice`);
    seen.add(t.name);
  }
}
