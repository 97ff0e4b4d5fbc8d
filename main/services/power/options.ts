import type { BatchOptions } from '../../../shared/contract/schemas/power';

/**
 * Sessions open at once. Measured with bench/power.mjs (`clusterdeck power status` over 500 and
 * 1,000 lab BMCs on 2 cores): fan-outs 32 to 256 take the same time, 512 twice as long (the BMCs
 * queue, retransmissions start), 1,000 at once makes most sessions time out, as with ipmipower.
 * 128 is the middle of the flat range. README "Batch power" has the figures.
 */
export const DEFAULT_FANOUT = 128;
/** Per node: the whole operation, session setup to answer. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** As ipmipower: resend an unanswered packet after 400 ms. */
export const DEFAULT_RETRANSMIT_MS = 400;
/** A dead BMC costs at most this long (or the per-node timeout, if shorter). */
export const PRECHECK_MAX_MS = 3_000;
/** Probes are a socket and a ping each: cheap enough for a wider window than sessions. */
export const PRECHECK_FANOUT = 512;

export type EffectiveOptions = Required<BatchOptions>;

export function effectiveOptions(o: BatchOptions, idempotent: boolean): EffectiveOptions {
  return {
    fanout: o.fanout ?? DEFAULT_FANOUT,
    timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retransmitMs: o.retransmitMs ?? DEFAULT_RETRANSMIT_MS,
    staggerMs: o.staggerMs ?? 0,
    // A power cycle or reset that timed out may still have happened: never repeat it on our own.
    retries: idempotent ? (o.retries ?? 1) : 0,
    precheck: o.precheck ?? true,
  };
}

/**
 * Close Session gets many retransmissions: the session is gone once one request reaches the BMC
 * (the answer may be lost), and a session left open uses one of the BMC's few slots.
 */
export const closeTimeoutOf = (o: EffectiveOptions): number => Math.min(10_000, Math.max(2_000, 12 * o.retransmitMs));


/**
 * Pings are 12 bytes: several per retransmission interval, so a link that loses half the packets
 * still gets one through in the pre-check window (0.75^30 for 30 pings) and a live BMC is never
 * taken for a dead one.
 */
export const pingIntervalOf = (o: EffectiveOptions): number => Math.max(20, Math.min(100, o.retransmitMs / 4));
