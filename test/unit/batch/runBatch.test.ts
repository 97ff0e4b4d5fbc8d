import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import {
  BATCH_CANCELLED,
  BATCH_FAILED,
  BATCH_INVALID_OPTIONS,
  BATCH_TIMEOUT,
  BATCH_UNREACHABLE,
  failedTargets,
  retryFailed,
  runBatch,
  type BatchOptions,
  type BatchTarget,
} from '../../../main/services/batch';
import { abortableDelay, collect, delay, expectOneResultEach, names } from './helpers';

/** Wraps an operation to record how many run at once. */
function concurrency<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  const state = { current: 0, max: 0, calls: 0 };
  const wrapped = async (...args: A): Promise<R> => {
    state.calls++;
    state.max = Math.max(state.max, ++state.current);
    try {
      return await fn(...args);
    } finally {
      state.current--;
    }
  };
  return { state, wrapped };
}

describe('runBatch: window', () => {
  it('never runs more than fanout operations at once, and fills the window', async () => {
    const targets = names(60);
    const { state, wrapped } = concurrency(async (t: BatchTarget) => {
      await delay(1 + (t.name.charCodeAt(t.name.length - 1) % 5));
      return t.name.toUpperCase();
    });
    const c = await collect(runBatch({ targets, fanout: 7, perTargetTimeoutMs: 5_000, operation: wrapped }));
    expect(state.max).toBe(7);
    expect(state.calls).toBe(60);
    expectOneResultEach(c, targets);
    expect(c.summary.counts.ok).toBe(60);
    expect(c.results.get('node01')).toMatchObject({ status: 'ok', value: 'NODE01', attempts: 1 });
    // Started in the caller's order, each before its own result, and done last.
    expect(c.started).toEqual(targets.map((t) => t.name));
    for (const t of targets) {
      const s = c.events.findIndex((e) => e.type === 'started' && e.name === t.name);
      const r = c.events.findIndex((e) => e.type === 'result' && e.name === t.name);
      expect(s).toBeLessThan(r);
    }
    expect(c.events.at(-1)?.type).toBe('done');
  });

  it('finishes an empty batch with just done', async () => {
    const c = await collect(runBatch({ targets: [], fanout: 4, perTargetTimeoutMs: 100, operation: async () => 1 }));
    expect(c.events).toHaveLength(1);
    expect(c.summary).toMatchObject({ total: 0, cancelled: false, notOk: [] });
  });

  it('keeps a minimum gap between starts with staggerMs', async () => {
    const starts: number[] = [];
    const c = await collect(
      runBatch({
        targets: names(6),
        fanout: 10,
        perTargetTimeoutMs: 5_000,
        staggerMs: 25,
        operation: async () => {
          starts.push(performance.now());
        },
      }),
    );
    expect(c.summary.counts.ok).toBe(6);
    const gaps = starts.slice(1).map((s, i) => s - starts[i]);
    // Timers may fire up to ~1 ms early against performance.now().
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(23);
    expect(starts[5] - starts[0]).toBeLessThan(25 * 5 + 200);
  });

  it('starts a new target as soon as a slot frees when there is no stagger', async () => {
    const t0 = performance.now();
    const c = await collect(
      runBatch({ targets: names(20), fanout: 20, perTargetTimeoutMs: 5_000, operation: () => delay(30) }),
    );
    expect(c.summary.counts.ok).toBe(20);
    expect(performance.now() - t0).toBeLessThan(200); // one wave, not twenty
  });
});

describe('runBatch: errors and timeouts', () => {
  it('gives exactly one timeout result even when the operation resolves later, and aborts its signal', async () => {
    let lateResolved = false;
    let slowSignal: AbortSignal | undefined;
    const c = await collect(
      runBatch({
        // Five 20 ms targets after it (fanout 1) keep the stream open past the late answer at
        // ~90 ms, so a second result for 'slow' would be seen.
        targets: [{ name: 'slow' }, ...names(5, 'other')],
        fanout: 1,
        perTargetTimeoutMs: 30,
        operation: async (t, { signal }) => {
          if (t.name !== 'slow') return abortableDelay(20, signal).then(() => 'other');
          slowSignal = signal;
          await delay(90); // ignores the signal on purpose
          lateResolved = true;
          return 'late';
        },
      }),
    );
    expect(c.resultCount.get('slow')).toBe(1);
    const slow = c.results.get('slow');
    expect(slow?.status).toBe('timeout');
    if (slow?.status !== 'timeout') throw new Error('unreachable');
    expect(slow.error.code).toBe(BATCH_TIMEOUT);
    expect(slow.elapsedMs).toBeGreaterThanOrEqual(25);
    expect(slowSignal?.aborted).toBe(true);
    expect(AppError.is(slowSignal?.reason) && slowSignal.reason.code).toBe(BATCH_TIMEOUT);
    expect(c.summary.counts).toMatchObject({ ok: 5, timeout: 1 });
    expect(c.summary.notOk).toEqual([{ name: 'slow', status: 'timeout', code: BATCH_TIMEOUT }]);
    expect(lateResolved).toBe(true); // it did resolve while the batch was still running
  });

  it('does not let a dead target that ignores its signal hold the window', async () => {
    const t0 = performance.now();
    const c = await collect(
      runBatch({
        targets: names(4),
        fanout: 1,
        perTargetTimeoutMs: 40,
        operation: (t) => (t.name === 'node1' ? new Promise<never>(() => {}) : Promise.resolve('up')),
      }),
    );
    expect(c.results.get('node1')?.status).toBe('timeout');
    expect(c.summary.counts.ok).toBe(3);
    expect(performance.now() - t0).toBeLessThan(40 + 150);
  });

  it('maps thrown errors to failed / unreachable outcomes', async () => {
    const c = await collect(
      runBatch({
        targets: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }],
        fanout: 4,
        perTargetTimeoutMs: 1_000,
        operation: (t): Promise<string> => {
          if (t.name === 'a') throw new Error('thrown synchronously');
          if (t.name === 'b') return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
          if (t.name === 'c') return Promise.reject(new AppError('IPMI_AUTH', 'Wrong BMC password.'));
          return Promise.reject(new AppError(BATCH_UNREACHABLE, 'No route to host.'));
        },
      }),
    );
    expect(c.results.get('a')).toMatchObject({ status: 'failed', error: { code: BATCH_FAILED, message: 'thrown synchronously' } });
    expect(c.results.get('b')).toMatchObject({ status: 'failed', error: { code: BATCH_FAILED, params: { cause: 'ECONNREFUSED' } } });
    expect(c.results.get('c')).toMatchObject({ status: 'failed', error: { code: 'IPMI_AUTH', message: 'Wrong BMC password.' } });
    expect(c.results.get('d')).toMatchObject({ status: 'unreachable', error: { code: BATCH_UNREACHABLE } });
  });

  it('rejects bad options at once', () => {
    const op = async (): Promise<number> => 1;
    const expectInvalid = (o: BatchOptions<number>): void => {
      try {
        runBatch(o);
        throw new Error('expected a throw');
      } catch (e) {
        expect(AppError.is(e) && e.code).toBe(BATCH_INVALID_OPTIONS);
      }
    };
    expectInvalid({ targets: [{ name: 'a' }, { name: 'a' }], fanout: 1, perTargetTimeoutMs: 10, operation: op });
    expectInvalid({ targets: [], fanout: 0, perTargetTimeoutMs: 10, operation: op });
    expectInvalid({ targets: [], fanout: 1.5, perTargetTimeoutMs: 10, operation: op });
    expectInvalid({ targets: [], fanout: 1, perTargetTimeoutMs: 0, operation: op });
    expectInvalid({ targets: [], fanout: 1, perTargetTimeoutMs: 10, retry: { codes: [], retries: -1 }, operation: op });
    expectInvalid({ targets: [], fanout: 1, perTargetTimeoutMs: 10, precheck: { probe: async () => true, timeoutMs: 0 }, operation: op });
  });
});

describe('runBatch: precheck', () => {
  it('marks dead targets unreachable without running the operation, within about one probe timeout', async () => {
    const targets = names(600);
    const dead = new Set(targets.filter((_, i) => i % 3 !== 0).map((t) => t.name)); // 400 dead
    const ran: string[] = [];
    const probeTimeoutMs = 60;
    const t0 = performance.now();
    const c = await collect(
      runBatch({
        targets,
        fanout: 32,
        perTargetTimeoutMs: 1_000,
        precheck: {
          timeoutMs: probeTimeoutMs,
          fanout: 1_000,
          // A dead BMC never answers; the probe only stops when aborted.
          probe: (t, { signal }) => (dead.has(t.name) ? abortableDelay(60_000, signal) : delay(1).then(() => true)),
        },
        operation: async (t) => {
          ran.push(t.name);
          return 'on';
        },
      }),
    );
    const elapsed = performance.now() - t0;
    expectOneResultEach(c, targets);
    expect(c.summary.counts).toMatchObject({ ok: 200, unreachable: 400 });
    expect(ran.some((n) => dead.has(n))).toBe(false);
    expect(c.started.some((n) => dead.has(n))).toBe(false);
    const one = c.results.get('node002');
    expect(one).toMatchObject({ status: 'unreachable', attempts: 0, error: { code: BATCH_UNREACHABLE, params: { timeoutMs: probeTimeoutMs } } });
    expect(elapsed).toBeLessThan(probeTimeoutMs * 3);
    // Each operation starts when its probe answered; here the probes answered in the caller's order.
    expect(ran).toEqual(targets.filter((t) => !dead.has(t.name)).map((t) => t.name));
  });

  it('starts a target\'s operation as soon as its probe answered, while slower probes still run', async () => {
    const targets = names(3);
    const events: string[] = [];
    const c = await collect(
      runBatch({
        targets,
        fanout: 8,
        perTargetTimeoutMs: 1_000,
        precheck: {
          timeoutMs: 1_000,
          probe: async (t) => {
            await delay(t.name === 'node1' ? 80 : 1);
            events.push(`probed ${t.name}`);
            return true;
          },
        },
        operation: async (t) => {
          events.push(`ran ${t.name}`);
          return 'on';
        },
      }),
    );
    expectOneResultEach(c, targets);
    expect(c.summary.counts.ok).toBe(3);
    expect(events.indexOf('ran node2')).toBeLessThan(events.indexOf('probed node1'));
  });

  it('with a stagger, probes every target first and keeps the caller\'s order (a power-on sequence)', async () => {
    const targets = names(3);
    const events: string[] = [];
    await collect(
      runBatch({
        targets,
        fanout: 8,
        staggerMs: 5,
        perTargetTimeoutMs: 1_000,
        precheck: {
          timeoutMs: 1_000,
          probe: async (t) => {
            await delay(t.name === 'node1' ? 40 : 1);
            events.push(`probed ${t.name}`);
            return true;
          },
        },
        operation: async (t) => {
          events.push(`ran ${t.name}`);
          return 'on';
        },
      }),
    );
    expect(events).toEqual(['probed node2', 'probed node3', 'probed node1', 'ran node1', 'ran node2', 'ran node3']);
  });

  it('treats a probe answering false or failing as unreachable', async () => {
    const c = await collect(
      runBatch({
        targets: [{ name: 'up' }, { name: 'no' }, { name: 'err' }],
        fanout: 2,
        perTargetTimeoutMs: 1_000,
        precheck: {
          timeoutMs: 500,
          probe: async (t) => {
            if (t.name === 'no') return false;
            if (t.name === 'err') throw Object.assign(new Error('connect EHOSTUNREACH'), { code: 'EHOSTUNREACH' });
          },
        },
        operation: async () => 'ran',
      }),
    );
    expect(c.results.get('up')).toMatchObject({ status: 'ok', value: 'ran' });
    expect(c.results.get('no')).toMatchObject({ status: 'unreachable', error: { code: BATCH_UNREACHABLE } });
    expect(c.results.get('err')).toMatchObject({
      status: 'unreachable',
      error: { code: BATCH_UNREACHABLE, message: 'Reachability check failed: connect EHOSTUNREACH' },
    });
  });

  it('cancelled during the precheck reports every target cancelled exactly once', async () => {
    const targets = names(50);
    const ctrl = new AbortController();
    const probeSignals: AbortSignal[] = [];
    let operations = 0;
    setTimeout(() => ctrl.abort(), 30);
    const c = await collect(
      runBatch({
        targets,
        fanout: 8,
        perTargetTimeoutMs: 1_000,
        signal: ctrl.signal,
        precheck: {
          timeoutMs: 5_000,
          fanout: 10,
          probe: (t, { signal }) => {
            probeSignals.push(signal);
            return Number(t.name.slice(4)) <= 5 ? Promise.resolve(true) : abortableDelay(60_000, signal);
          },
        },
        operation: async () => {
          operations++;
        },
      }),
    );
    expectOneResultEach(c, targets);
    expect(c.summary.cancelled).toBe(true);
    // The five quick probes' operations ran at once (no barrier between probe and operation);
    // everything else was cancelled, probe or not.
    expect(c.summary.counts).toMatchObject({ ok: 5, cancelled: 45 });
    expect(operations).toBe(5);
    expect(probeSignals.every((s) => s.aborted)).toBe(false); // the five quick probes were never aborted
    expect(probeSignals.filter((s) => !s.aborted)).toHaveLength(5);
  });
});

describe('runBatch: cancel', () => {
  it('mid-run: stops starting, aborts running operations, cancels the rest exactly once', async () => {
    const targets = names(100);
    const ctrl = new AbortController();
    const signals = new Map<string, AbortSignal>();
    let startedAfterCancel = 0;
    let okCount = 0;
    const c = await collect(
      runBatch({
        targets,
        fanout: 10,
        perTargetTimeoutMs: 10_000,
        signal: ctrl.signal,
        operation: async (t, { signal }) => {
          if (ctrl.signal.aborted) startedAfterCancel++;
          signals.set(t.name, signal);
          // The first 15 finish fast, the rest hang until aborted.
          await abortableDelay(Number(t.name.slice(4)) <= 15 ? 2 : 60_000, signal);
          return 'done';
        },
      }),
      (e) => {
        if (e.type === 'result' && e.outcome.status === 'ok' && ++okCount === 15) ctrl.abort();
      },
    );
    expectOneResultEach(c, targets);
    expect(startedAfterCancel).toBe(0);
    expect(c.summary.cancelled).toBe(true);
    expect(c.summary.counts).toMatchObject({ ok: 15, cancelled: 85 });
    // The ten that were running were aborted with BATCH_CANCELLED as the reason, and said so.
    const running = [...c.results].filter(([, o]) => o.status === 'cancelled' && o.attempts === 1).map(([n]) => n);
    expect(running).toHaveLength(10);
    for (const n of running) {
      const s = signals.get(n);
      expect(s?.aborted).toBe(true);
      expect(AppError.is(s?.reason) && s.reason.code).toBe(BATCH_CANCELLED);
    }
    const never = [...c.results].filter(([, o]) => o.status === 'cancelled' && o.attempts === 0);
    expect(never).toHaveLength(75);
    expect(never.every(([n, o]) => !signals.has(n) && o.status === 'cancelled' && o.error.code === BATCH_CANCELLED)).toBe(true);
  });

  it('an already aborted signal cancels everything without running anything', async () => {
    let calls = 0;
    const c = await collect(
      runBatch({
        targets: names(5),
        fanout: 2,
        perTargetTimeoutMs: 100,
        signal: AbortSignal.abort(),
        operation: async () => ++calls,
      }),
    );
    expect(calls).toBe(0);
    expect(c.summary.counts.cancelled).toBe(5);
    expect(c.started).toEqual([]);
  });

  it('a consumer that stops reading (tRPC unsubscribe) cancels the batch', async () => {
    const signals: AbortSignal[] = [];
    const stream = runBatch({
      targets: names(20),
      fanout: 4,
      perTargetTimeoutMs: 10_000,
      operation: (_t, { signal }) => {
        signals.push(signal);
        return abortableDelay(60_000, signal);
      },
    });
    for await (const e of stream) if (e.type === 'started' && signals.length >= 4) break;
    expect(signals).toHaveLength(4);
    expect(signals.every((s) => s.aborted)).toBe(true);
  });
});

describe('runBatch: retries', () => {
  it('is off by default', async () => {
    let calls = 0;
    const c = await collect(
      runBatch({
        targets: [{ name: 'a' }],
        fanout: 1,
        perTargetTimeoutMs: 100,
        operation: async () => {
          calls++;
          throw new AppError('IPMI_BUSY', 'BMC busy.');
        },
      }),
    );
    expect(calls).toBe(1);
    expect(c.results.get('a')).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('retries only the listed codes, up to the limit, with a delay', async () => {
    const calls = new Map<string, number[]>();
    const c = await collect(
      runBatch({
        targets: [{ name: 'flaky' }, { name: 'busy' }, { name: 'auth' }],
        fanout: 3,
        perTargetTimeoutMs: 1_000,
        retry: { codes: ['IPMI_BUSY'], retries: 2, delayMs: 20 },
        operation: async (t, { attempt }) => {
          const list = calls.get(t.name) ?? [];
          list.push(performance.now());
          calls.set(t.name, list);
          if (t.name === 'auth') throw new AppError('IPMI_AUTH', 'Wrong password.');
          if (t.name === 'busy' || attempt < 3) throw new AppError('IPMI_BUSY', 'BMC busy.');
          return `ok after ${attempt}`;
        },
      }),
    );
    expect(c.results.get('flaky')).toMatchObject({ status: 'ok', value: 'ok after 3', attempts: 3 });
    expect(c.results.get('busy')).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'IPMI_BUSY' } });
    expect(c.results.get('auth')).toMatchObject({ status: 'failed', attempts: 1 });
    expectOneResultEach(c, [{ name: 'flaky' }, { name: 'busy' }, { name: 'auth' }]);
    const flakyStarts = c.events.filter((e) => e.type === 'started' && e.name === 'flaky');
    expect(flakyStarts.map((e) => e.type === 'started' && e.attempt)).toEqual([1, 2, 3]);
    const times = calls.get('flaky') ?? [];
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(18);
  });

  it('retries a timeout and drops the first attempt\'s late answer', async () => {
    const c = await collect(
      runBatch({
        targets: [{ name: 'a' }],
        fanout: 1,
        perTargetTimeoutMs: 30,
        retry: { codes: [BATCH_TIMEOUT], retries: 1 },
        operation: async (_t, { attempt }) => {
          if (attempt === 1) {
            await delay(40); // ignores abort; answers while the second attempt (30-50 ms) runs
            return 'late first';
          }
          await delay(20);
          return 'second';
        },
      }),
    );
    expect(c.resultCount.get('a')).toBe(1);
    expect(c.results.get('a')).toMatchObject({ status: 'ok', value: 'second', attempts: 2 });
  });

  it('retryFailed builds a run over only the failed targets, in order', async () => {
    const targets = names(10);
    const bad = new Set(['node03', 'node07', 'node09']);
    const first: BatchOptions<string> = {
      targets,
      fanout: 4,
      perTargetTimeoutMs: 1_000,
      operation: async (t) => {
        if (t.name === 'node09') throw new AppError('IPMI_AUTH', 'Wrong password.');
        if (bad.has(t.name)) throw new AppError('IPMI_BUSY', 'busy');
        return 'on';
      },
    };
    const c1 = await collect(runBatch(first));
    expect(c1.summary.counts.failed).toBe(3);

    const again = retryFailed(first, c1.summary, { operation: async () => 'on' });
    expect(again.targets.map((t) => t.name)).toEqual(['node03', 'node07', 'node09']);
    expect(again.fanout).toBe(4);
    const c2 = await collect(runBatch(again));
    expect(c2.summary.counts).toMatchObject({ ok: 3, failed: 0 });

    expect(failedTargets(targets, c1.summary, { codes: ['IPMI_BUSY'] }).map((t) => t.name)).toEqual(['node03', 'node07']);
    expect(failedTargets(targets, c1.summary, { statuses: ['timeout'] })).toEqual([]);
  });
});

describe('runBatch: scale', () => {
  it('runs 10,000 instant targets with fanout 256, one result each', async () => {
    const targets = names(10_000, 'gpu');
    const { state, wrapped } = concurrency(async (t: BatchTarget) => t.name.length);
    const c = await collect(runBatch({ targets, fanout: 256, perTargetTimeoutMs: 5_000, operation: wrapped }));
    expectOneResultEach(c, targets);
    expect(c.summary.counts.ok).toBe(10_000);
    expect(state.max).toBeLessThanOrEqual(256);
    expect(new Set(c.started).size).toBe(10_000);
  });

  it('runs 10,000 targets through a precheck too', async () => {
    const targets = names(10_000, 'bmc');
    const c = await collect(
      runBatch({
        targets,
        fanout: 256,
        perTargetTimeoutMs: 5_000,
        precheck: { timeoutMs: 1_000, fanout: 1_024, probe: async (t) => !t.name.endsWith('7') },
        operation: async () => 'on',
      }),
    );
    expectOneResultEach(c, targets);
    expect(c.summary.counts).toMatchObject({ ok: 9_000, unreachable: 1_000 });
  });
});
