// Batch power: status, on/off/cycle/reset/soft, identify, boot device, sensors and the event log
// of the BMCs behind a node set, plus Redfish trust on first use. One IPMI endpoint pool (one UDP
// socket) carries every IPMI session of every batch, as ipmipower does.
import type { PowerService } from '../../../shared/contract/services';
import type { Actor } from '../../../shared/contract/trpc';
import type { CancelSignal } from '../../../shared/contract/signal';
import type * as P from '../../../shared/contract/schemas/power';
import type { Db } from '../../store/db';
import { IpmiEndpointPool } from '../../protocols/ipmi';
import type { BatchOutcome } from '../batch';
import type { AuditLog } from '../audit/auditLog';
import type { InventoryService } from '../../../shared/contract/services';
import type { RevealedCredential } from '../vault/vaultService';
import { powerError } from './errors';
import { powerAction, selAction, sensorsAction, type BmcAction } from './operations';
import { effectiveOptions } from './options';
import { pinStore } from './pins';
import { powerStateStore } from './powerStates';
import { runOnBmcs, type RunnerEvent } from './runner';
import { resolveTargets } from './targets';
import { probeCertificates, trustCertificates } from './trust';

export interface PowerDeps {
  db: Db;
  audit: AuditLog;
  inventory: InventoryService;
  reveal(name: string): RevealedCredential;
}

export interface PowerServiceImpl extends PowerService {
  /** Cancels running batches, closes every IPMI session still open, then the socket. */
  close(): Promise<void>;
  /** IPMI sessions open right now on the shared pool, and batches running (diagnostics, tests). */
  stats(): { sessionsOpen: number; batchesRunning: number };
}

type ErrorData = P.PowerResultEvent['error'];

export function createPowerService(deps: PowerDeps): PowerServiceImpl {
  const pool = new IpmiEndpointPool();
  const pins = pinStore(deps.db);
  const states = powerStateStore(deps.db);
  const running = new Set<AbortController>();
  let closed = false;

  /** Runs one action and maps the runner's events to the contract's, `resultOf` shaping the value. */
  async function* batch<V, E>(
    actor: Actor,
    action: BmcAction<V>,
    input: { nodeset: string; options: P.BatchOptions },
    signal: CancelSignal | undefined,
    resultOf: (base: { type: 'result'; name: string; status: P.BatchStatusName; error: ErrorData; elapsedMs: number; attempts: number }, value: V | null) => E,
    hooks: { params?: Record<string, unknown>; onResult?(name: string, o: BatchOutcome<V>): void; onFinish?(): void } = {},
  ): AsyncGenerator<E | Exclude<RunnerEvent<V>, { type: 'result' }>, void, undefined> {
    if (closed) throw powerError('POWER_CLOSED', 'ClusterDeck is shutting down; run the batch again after it restarts.');
    const local = new AbortController();
    running.add(local);
    const onOuter = (): void => local.abort();
    if (signal?.aborted) local.abort();
    else signal?.addEventListener('abort', onOuter);
    try {
      const events = runOnBmcs(
        { pool, pins, audit: deps.audit },
        {
          actor,
          action,
          nodeset: input.nodeset,
          options: effectiveOptions(input.options, action.idempotent),
          params: hooks.params,
          resolve: () => resolveTargets({ inventory: deps.inventory, reveal: deps.reveal }, input.nodeset),
          signal: local.signal,
          onResult: hooks.onResult,
          onFinish: hooks.onFinish,
        },
      );
      for await (const e of events) {
        if (e.type !== 'result') {
          yield e;
          continue;
        }
        const o = e.outcome;
        const base = { type: 'result' as const, name: e.name, status: o.status, error: o.status === 'ok' ? null : o.error, elapsedMs: Math.round(o.elapsedMs), attempts: o.attempts };
        yield resultOf(base, o.status === 'ok' ? o.value : null);
      }
    } finally {
      signal?.removeEventListener('abort', onOuter);
      running.delete(local);
    }
  }

  const service: PowerServiceImpl = {
    run(actor, input, signal) {
      const action = powerAction(input.action, input.options);
      // What the nodes are in now, kept for the inventory: only states a BMC confirmed or a command set.
      const known = new Map<string, 'on' | 'off'>();
      return batch(actor, action, input, signal, (base, power): P.PowerEvent => ({ ...base, power }), {
        params: { bootDevice: input.options.bootDevice, persistent: input.options.persistent, uefi: input.options.uefi, identifySeconds: input.options.identifySeconds },
        onResult: (name, o) => {
          if (o.status === 'ok' && (o.value === 'on' || o.value === 'off')) known.set(name, o.value);
        },
        onFinish: () => states.record(known),
      }) as AsyncIterable<P.PowerEvent>;
    },
    sensors(actor, input, signal) {
      return batch(actor, sensorsAction(), input, signal, (base, sensors): P.SensorsEvent => ({ ...base, sensors })) as AsyncIterable<P.SensorsEvent>;
    },
    sel(actor, input, signal) {
      return batch(actor, selAction(input.op), input, signal, (base, entries): P.SelEvent => ({ ...base, entries })) as AsyncIterable<P.SelEvent>;
    },
    probeCertificates(input, signal) {
      return probeCertificates({ inventory: deps.inventory, pins }, input.nodeset, signal);
    },
    trust(actor, input, signal) {
      return trustCertificates({ inventory: deps.inventory, pins, audit: deps.audit }, actor, input, signal);
    },
    lastStates(input) {
      const names = input.nodeset?.trim() ? new Set(deps.inventory.expandNodeSet(input.nodeset)) : undefined;
      return states.list(names);
    },
    stats: () => ({ sessionsOpen: pool.stats.sessionsOpen, batchesRunning: running.size }),
    async close() {
      if (closed) return;
      closed = true;
      for (const c of running) c.abort();
      await pool.close();
    },
  };
  return service;
}
