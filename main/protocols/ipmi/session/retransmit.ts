// One request/answer exchange at a time per session, over UDP: send, resend a fresh packet every
// retransmitMs until an accepted answer arrives, the time runs out or the signal aborts. Tells
// a dead port (ICMP port unreachable) from a silent one with one probe, and fails fast on a port
// that answers with garbage.
import { cancelledError, ipmiError } from '../errors';
import { UNREACHABLE_SEND_ERRORS, type ProbeResult } from '../transport';
import type { IpmiRequestOptions } from '../types';
import type { Incoming } from './incoming';

interface Pending {
  accept(i: Incoming): unknown;
  /** Set when the exchange waits on the session's own signal (one listener per session, not per exchange). */
  abort?: () => void;
  resolve(v: unknown): void;
  reject(e: unknown): void;
  garbage: number;
}

/** How the exchanges reach the BMC: the session's address on the pool's socket. */
export interface ExchangeLink {
  readonly target: string;
  send(buf: Buffer): Promise<void>;
  probe(timeoutMs: number): Promise<ProbeResult>;
  readonly poolClosed: boolean;
  trace(line: string): void;
}

export interface ExchangeDefaults {
  timeoutMs: number;
  retransmitMs: number;
  signal?: AbortSignal;
}

/** A signal that never aborts: for exchanges that must not follow the session's signal (Close Session). */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

export class Retransmitter {
  private pending?: Pending;
  /** Anything came back from the BMC (then no reachability probe is needed). */
  private heard = false;
  private readonly onSessionAbort = (): void => this.pending?.abort?.();

  constructor(
    private readonly link: ExchangeLink,
    private readonly defaults: ExchangeDefaults,
  ) {
    // One listener for the session's whole life: adding and removing one per exchange showed in profiles.
    defaults.signal?.addEventListener('abort', this.onSessionAbort, { once: true });
  }

  /** The session is over: stop listening to its signal. */
  dispose(): void {
    this.defaults.signal?.removeEventListener('abort', this.onSessionAbort);
  }

  /** Sends, retransmits every retransmitMs (a fresh packet each time) and waits for an accepted answer. */
  exchange<T>(stage: string, build: () => Buffer | Buffer[], accept: (i: Incoming) => T | undefined, o: IpmiRequestOptions = {}): Promise<T> {
    const link = this.link;
    const target = link.target;
    const timeoutMs = o.timeoutMs ?? this.defaults.timeoutMs;
    const retransmitMs = Math.max(10, o.retransmitMs ?? this.defaults.retransmitMs);
    const signal = o.signal ?? this.defaults.signal;
    // Only an exchange with a signal of its own needs a listener of its own.
    const ownSignal = signal !== this.defaults.signal && signal !== NEVER_ABORTED ? signal : undefined;
    const params = { target, stage };
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) return reject(cancelledError(target, stage));
      let probing = false;
      let transmissions = 0;
      const cleanup = () => {
        clearTimeout(timer);
        ownSignal?.removeEventListener('abort', onAbort);
        if (this.pending === p) this.pending = undefined;
      };
      const p: Pending = {
        accept,
        resolve: (v) => {
          cleanup();
          resolve(v as T);
        },
        reject: (e) => {
          cleanup();
          reject(e);
        },
        garbage: 0,
      };
      const unreachable = (why: string) =>
        ipmiError('IPMI_UNREACHABLE', `BMC ${target} is unreachable (${why}): check the address, port and that IPMI over LAN is enabled.`, {
          ...params,
          cause: why,
        });
      const badResponse = () =>
        ipmiError('IPMI_BAD_RESPONSE', `BMC ${target} answered ${stage} with ${p.garbage} packet(s) that are not valid IPMI: check that ${target} is an IPMI LAN port.`, {
          ...params,
          packets: p.garbage,
        });
      const transmit = () => {
        let bufs: Buffer | Buffer[];
        try {
          bufs = build();
        } catch (e) {
          p.reject(e);
          return;
        }
        transmissions++;
        for (const buf of Array.isArray(bufs) ? bufs : [bufs]) {
          link.send(buf).catch((e: NodeJS.ErrnoException) => {
            if (this.pending !== p) return;
            if (UNREACHABLE_SEND_ERRORS.has(e.code ?? '')) p.reject(unreachable(e.code!));
            else if (link.poolClosed) p.reject(ipmiError('IPMI_CLOSED', `The IPMI endpoint pool was closed during ${stage}.`, params));
            else link.trace(`send failed: ${e.code ?? e.message}`);
          });
        }
      };
      const tick = () => {
        if (p.garbage >= 3) return p.reject(badResponse());
        if (!this.heard && !probing) {
          probing = true;
          void link.probe(Math.min(1000, timeoutMs)).then((r) => {
            if (r === 'refused' && this.pending === p) p.reject(unreachable('ICMP port unreachable'));
          });
        }
        link.trace(`${stage}: retransmission ${transmissions}`);
        transmit();
      };
      const onAbort = () => p.reject(cancelledError(target, stage));
      const timeOut = () =>
        p.reject(
          p.garbage > 0
            ? badResponse()
            : ipmiError(
                'IPMI_TIMEOUT',
                `BMC ${target} did not answer ${stage} within ${timeoutMs} ms (${transmissions} transmissions): check that the BMC is up and reachable over UDP.`,
                { ...params, timeoutMs, transmissions },
              ),
        );
      // One timer per exchange, for the next retransmission or the deadline, whichever is first:
      // most exchanges are answered before either, and a timer is cheaper than an interval plus one.
      const deadline = performance.now() + timeoutMs;
      const arm = () => {
        const left = deadline - performance.now();
        timer = left <= retransmitMs ? setTimeout(timeOut, Math.max(0, left)) : setTimeout(onTick, retransmitMs);
      };
      const onTick = () => {
        tick();
        if (this.pending === p) arm();
      };
      let timer: ReturnType<typeof setTimeout> | undefined;
      arm();
      if (ownSignal) ownSignal.addEventListener('abort', onAbort, { once: true });
      else if (signal === this.defaults.signal) p.abort = onAbort;
      this.pending = p;
      transmit();
    });
  }

  /** Something arrived from the BMC's address for this session (valid or not). */
  heardFrom(): void {
    this.heard = true;
  }

  /** A packet that is not valid IPMI: three of them fail the exchange waiting. */
  garbage(why: string): void {
    if (this.pending) this.pending.garbage++;
    this.link.trace(`dropped invalid packet: ${why}`);
  }

  /**
   * Offers a decoded packet to the exchange waiting. True when it was taken (the answer, or clearly
   * the answer but malformed); false when it is not the answer to anything waiting.
   */
  offer(inc: Incoming): boolean {
    const p = this.pending;
    if (!p) return false;
    let v: unknown;
    try {
      v = p.accept(inc);
    } catch (e) {
      // A packet that is clearly the answer but cannot be decoded.
      p.garbage++;
      this.link.trace(`dropped malformed answer: ${(e as Error).message}`);
      return true;
    }
    if (v === undefined) return false;
    p.resolve(v);
    return true;
  }
}
