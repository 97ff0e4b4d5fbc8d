// One batch over BMCs: audit entry first, then the fan-out engine over the resolved targets with
// the shared IPMI endpoint pool (or a Redfish session per node), per-node results streamed as they
// come, and a final summary only once every session the batch opened has been closed.
import { AppError } from '../../../shared/errors';
import type { Actor } from '../../../shared/contract/trpc';
import type { CancelSignal } from '../../../shared/contract/signal';
import type { BatchSummary as SummaryData } from '../../../shared/contract/schemas/power';
import { foldNodeSet } from '../../../shared/nodeset';
import { normalizePrivilege, withIpmiSession, type IpmiEndpointPool, type RawResponse } from '../../protocols/ipmi';
import { RedfishClient } from '../../protocols/redfish';
import { BATCH_UNREACHABLE, runBatch, summarize, type BatchOutcome, type BatchResult } from '../batch';
import type { AuditLog, AuditOutcome } from '../audit/auditLog';
import type { BmcAction } from './operations';
import { closeTimeoutOf, pingIntervalOf, PRECHECK_FANOUT, PRECHECK_MAX_MS, type EffectiveOptions } from './options';
import type { PinStore } from './pins';
import { pingRmcp, SharedPinger, tcpConnect } from './reachability';
import type { BmcTarget } from './targets';

export interface RunnerDeps {
  pool: IpmiEndpointPool;
  pins: PinStore;
  audit: AuditLog;
}

export interface BatchSpec<V> {
  actor: Actor;
  action: BmcAction<V>;
  /** The node set as the user wrote it (for the audit entry when resolving fails). */
  nodeset: string;
  options: EffectiveOptions;
  /** Extra audit parameters (never a secret: they pass the redactor anyway). */
  params?: Record<string, unknown>;
  resolve(): BmcTarget[];
  signal?: CancelSignal;
  /** Called once per target with its final outcome, before the summary. */
  onResult?(name: string, outcome: BatchOutcome<V>): void;
  /** Called after the last result, before the audit entry is completed. */
  onFinish?(): void;
}

export type RunnerEvent<V> =
  | { type: 'plan'; auditId: number; action: string; nodes: { name: string; protocol: 'ipmi' | 'redfish' | null }[]; options: EffectiveOptions }
  | { type: 'started'; name: string; attempt: number }
  | { type: 'result'; name: string; outcome: BatchOutcome<V> }
  | { type: 'done'; summary: SummaryData };

const RETRY_CODES = ['BATCH_TIMEOUT', 'IPMI_TIMEOUT', 'IPMI_NO_SESSION_SLOTS', 'REDFISH_TIMEOUT'];
const fold = (names: string[]): string => (names.length ? foldNodeSet(names) : '');

export async function* runOnBmcs<V>(deps: RunnerDeps, spec: BatchSpec<V>): AsyncGenerator<RunnerEvent<V>, void, undefined> {
  const { action, options: o } = spec;
  const auditId = deps.audit.begin(spec.actor, {
    module: 'power',
    action: action.name,
    targets: spec.nodeset,
    params: { ...spec.params, fanout: o.fanout, timeoutMs: o.timeoutMs, retransmitMs: o.retransmitMs, staggerMs: o.staggerMs, retries: o.retries, precheck: o.precheck },
  });
  let targets: BmcTarget[];
  try {
    targets = spec.resolve();
  } catch (error) {
    safeComplete(deps.audit, auditId, 'failed', AppError.is(error) ? `${error.code}: ${error.message}` : String(error));
    throw error;
  }

  // The tRPC signal (unsubscribe, Ctrl-C) cancels the batch through this controller.
  const stop = new AbortController();
  const onCancel = (): void => stop.abort();
  if (spec.signal?.aborted) stop.abort();
  else spec.signal?.addEventListener('abort', onCancel);

  // Operations still closing their session after their verdict (a timeout or cancel answers at
  // once; the Close Session follows). The summary waits for them: then nothing is left open.
  const closing = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    closing.add(settled);
    void settled.then(() => closing.delete(settled));
    return p;
  };
  const drain = async (): Promise<void> => {
    while (closing.size) await Promise.all([...closing]);
  };

  const results: BatchResult<V>[] = [];
  // The IPMI probes' answers to Get Channel Authentication Capabilities, for the sessions that follow.
  const channelAuths = new Map<string, RawResponse>();
  // The pre-checks' first requests leave from one socket for the whole batch.
  const pinger = new SharedPinger();
  let finished = false;
  try {
    yield {
      type: 'plan',
      auditId,
      action: action.name,
      nodes: targets.map((t) => ({ name: t.name, protocol: t.protocol })),
      options: o,
    };
    const batch = runBatch<V, BmcTarget>({
      targets,
      fanout: o.fanout,
      perTargetTimeoutMs: o.timeoutMs,
      staggerMs: o.staggerMs,
      signal: stop.signal,
      retry: o.retries > 0 ? { codes: RETRY_CODES, retries: o.retries, delayMs: o.retransmitMs } : undefined,
      precheck: o.precheck
        ? {
            probe: (t, ctx) => track(probe(t, o, ctx.signal, action.privilege, channelAuths, pinger)),
            timeoutMs: Math.min(o.timeoutMs, PRECHECK_MAX_MS),
            fanout: Math.max(o.fanout, PRECHECK_FANOUT),
          }
        : undefined,
      operation: (t, ctx) => {
        const known = channelAuths.get(t.name); // the probe's answer serves the first attempt only
        channelAuths.delete(t.name);
        return track(operate(deps, action, t, o, ctx.signal, known));
      },
    });
    for await (const event of batch) {
      if (event.type === 'done') {
        await drain();
        try {
          for (const r of results) spec.onResult?.(r.name, r.outcome);
          spec.onFinish?.();
        } catch {
          /* remembering states is a convenience: the store may be closing, the results stand */
        }
        const summary = summaryOf(results, event.summary.elapsedMs, event.summary.cancelled, action, auditId);
        safeComplete(deps.audit, auditId, summary.outcome, summary.line);
        finished = true;
        yield { type: 'done', summary };
      } else {
        if (event.type === 'result') results.push({ name: event.name, outcome: event.outcome });
        yield event;
      }
    }
  } finally {
    pinger.close();
    spec.signal?.removeEventListener('abort', onCancel);
    if (!finished) {
      // The consumer left before the end (a closed page): the batch was cancelled by runBatch.
      stop.abort();
      await drain();
      safeComplete(deps.audit, auditId, 'cancelled', `cancelled after ${results.length} of ${targets.length} result(s)`);
    }
  }
}

function probe(
  t: BmcTarget,
  o: EffectiveOptions,
  signal: AbortSignal,
  privilege: BmcAction<unknown>['privilege'],
  answers: Map<string, RawResponse>,
  pinger: SharedPinger,
): Promise<boolean> {
  if (t.problem) return Promise.resolve(true); // its problem is its result; the operation reports it
  const check = t.protocol === 'redfish'
    ? tcpConnect(t.host, t.port, signal)
    : pingRmcp(t.host, t.port, pingIntervalOf(o), signal, normalizePrivilege(privilege), pinger).then((a) => {
        if (a && a.channelAuth) answers.set(t.name, a.channelAuth);
        return a !== false;
      });
  return check.then((alive) => {
    if (!alive && !signal.aborted) {
      throw new AppError(
        BATCH_UNREACHABLE,
        `BMC ${t.host}:${t.port} refused the connection: nothing listens there. Check the BMC address and port, and that the BMC is powered.`,
        { host: t.host, port: t.port },
      );
    }
    return alive;
  });
}

async function operate<V>(deps: RunnerDeps, action: BmcAction<V>, t: BmcTarget, o: EffectiveOptions, signal: AbortSignal, channelAuth?: RawResponse): Promise<V> {
  if (t.problem) throw t.problem;
  if (t.protocol === 'redfish') {
    const pin = deps.pins.get(t.host, t.port);
    const client = new RedfishClient({ host: t.host, port: t.port, fingerprint: pin?.fingerprint ?? null, username: t.username, password: t.password, timeoutMs: o.timeoutMs });
    try {
      return await client.withSession((api) => action.redfish(api, t.host), { signal });
    } finally {
      await client.drain();
    }
  }
  return withIpmiSession(
    deps.pool,
    { host: t.host, port: t.port, user: t.username, password: t.password, privilege: action.privilege },
    (s) => action.ipmi(s),
    { timeoutMs: o.timeoutMs, retransmitMs: o.retransmitMs, closeTimeoutMs: closeTimeoutOf(o), signal, channelAuth },
  );
}

function summaryOf<V>(results: BatchResult<V>[], elapsedMs: number, cancelled: boolean, action: BmcAction<V>, auditId: number): SummaryData {
  const counts = { ok: 0, failed: 0, timeout: 0, unreachable: 0, cancelled: 0 };
  const failed: string[] = [];
  for (const r of results) {
    counts[r.outcome.status]++;
    if (r.outcome.status !== 'ok') failed.push(r.name);
  }
  const line = summarize(results, fold, (outcome) => (outcome.status === 'ok' ? action.label(outcome.value) : outcome.status));
  const outcome: AuditOutcome = cancelled ? 'cancelled' : counts.ok === results.length ? 'ok' : counts.ok === 0 ? 'failed' : 'partial';
  return { total: results.length, counts, elapsedMs, cancelled, line, failedNodeset: fold(failed), outcome, auditId };
}

/** The store may already be closed when the app shuts down mid-batch; the entry then stays `running`. */
function safeComplete(audit: AuditLog, id: number, result: AuditOutcome, detail: string): void {
  try {
    audit.complete(id, result, detail);
  } catch {
    /* database closed */
  }
}
