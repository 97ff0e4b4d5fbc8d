// One Serial over LAN console on an RMCP+ session (IPMI 2.0 section 15): activate the SOL payload,
// carry characters both ways in SOL packets with sequence numbers and acknowledgements (15.9),
// retransmit what the BMC has not acknowledged (15.10), send break, keep the session alive, and
// deactivate the payload whenever the console ends (close, error, cancel).

import { AppError } from '../../../../shared/errors';
import { NetFn, PayloadType } from '../constants';
import type { IpmiSession } from '../session';
import type { IpmiRequestOptions } from '../types';
import { solError } from './errors';
import { decodeSolPacket, encodeSolPacket, nextSolSeq, SolOperation, SolStatus, SOL_HEADER_LENGTH, type SolPacket } from './packet';
import { activateSolPayload, deactivateSolPayload, getSolActivationStatus } from './payloadCommands';

/** What the console needs from an IPMI session (IpmiSession has it all; tests pass fakes). */
export type SolTransport = Pick<IpmiSession, 'target' | 'port' | 'suite' | 'sendPayload' | 'onPayload' | 'request' | 'rawRequest' | 'close'>;

export interface SolOptions {
  /** SOL payload instance (default 1: the only one most BMCs have). */
  instance?: number;
  /** Wait for an acknowledgement before sending a packet again (default 500 ms). */
  retransmitMs?: number;
  /** Transmissions of one packet without an acknowledgement before the console fails with SOL_TIMEOUT (default 8). */
  maxTransmissions?: number;
  /** NACKs in a row (the BMC cannot take characters) before SOL_TIMEOUT (default 120). */
  maxNacks?: number;
  /** An IPMI request this often keeps an idle session alive and notices a payload deactivated elsewhere (default 20 s). */
  keepaliveMs?: number;
  /** While paused, characters held here; beyond it acknowledgements are withheld and the BMC retransmits (default 1 MiB). */
  maxBufferedBytes?: number;
  /** Timeout of the payload commands (default 6000 ms). */
  requestTimeoutMs?: number;
  /** Close the IPMI session when the console ends (default true). */
  ownsSession?: boolean;
  /** Aborting ends the console (and deactivates the payload). */
  signal?: AbortSignal;
  trace?: (line: string) => void;
}

export interface SolEnd {
  reason: string;
  /** Set when the console ended on an error rather than close(). */
  error?: AppError;
}

interface Outbound {
  seq: number;
  data: Buffer;
  flags: number;
  transmissions: number;
}

/** At most 255 characters per packet: the accepted character count is one byte (table 15-2). */
const MAX_CHARS_BY_HEADER = 255;

export class SolConsole {
  private readonly instance: number;
  private readonly retransmitMs: number;
  private readonly maxTransmissions: number;
  private readonly maxNacks: number;
  private readonly maxBufferedBytes: number;
  private readonly requestOpts: IpmiRequestOptions;
  private maxChars = 128;
  private dataListeners: ((chunk: Buffer) => void)[] = [];
  private endListeners: ((end: SolEnd) => void)[] = [];
  private ended?: SolEnd;
  private closing?: Promise<void>;
  // Console -> BMC
  private queue: Buffer[] = [];
  private breakRequested = false;
  private inFlight?: Outbound;
  private outSeq = 0;
  private retransmitTimer?: NodeJS.Timeout;
  private bmcNacked = false;
  private nacks = 0;
  /**
   * The first packet carries no characters. A BMC may remember the sequence number it acknowledged
   * last from an earlier console and take a new packet with that number for a retransmission
   * (ipmi_sim does); an empty packet first makes the first characters' number differ from it.
   */
  private syncPending = true;
  // BMC -> console
  private lastInSeq = 0;
  private lastInAccepted = 0;
  private paused = false;
  private held: Buffer[] = [];
  private heldBytes = 0;
  private keepaliveTimer?: NodeJS.Timeout;
  private keepaliveByDeviceId = false;
  private readonly onAbort = () => void this.end({ reason: 'cancelled' });

  private constructor(
    private readonly session: SolTransport,
    private readonly opts: SolOptions,
  ) {
    this.instance = opts.instance ?? 1;
    this.retransmitMs = opts.retransmitMs ?? 500;
    this.maxTransmissions = opts.maxTransmissions ?? 8;
    this.maxNacks = opts.maxNacks ?? 120;
    this.maxBufferedBytes = opts.maxBufferedBytes ?? 1024 * 1024;
    this.requestOpts = { timeoutMs: opts.requestTimeoutMs ?? 6000 };
  }

  /**
   * Activates the SOL payload on an open session (section 24.1), with encryption and authentication
   * as the session negotiated. Rejects with SOL_UNSUPPORTED, SOL_BUSY or the session's IPMI_* errors;
   * on rejection the session is left open (the caller owns it until the console exists).
   */
  static async activate(session: SolTransport, opts: SolOptions = {}): Promise<SolConsole> {
    const c = new SolConsole(session, opts);
    await c.start();
    return c;
  }

  get target(): string {
    return this.session.target;
  }

  get isOpen(): boolean {
    return !this.ended && !this.closing;
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListeners.push(listener);
  }

  /** Called once, when the console ends for any reason (immediately if it already has). */
  onEnd(listener: (end: SolEnd) => void): void {
    if (this.ended) listener(this.ended);
    else this.endListeners.push(listener);
  }

  /** Queues characters for the serial port; throws SOL_CLOSED after the console ended. */
  write(data: Buffer | string): void {
    this.assertOpen();
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (buf.length === 0) return;
    this.queue.push(Buffer.from(buf));
    this.pump();
  }

  /** A serial break on the managed system's port (the "generate break" operation, table 15-2). */
  sendBreak(): void {
    this.assertOpen();
    this.breakRequested = true;
    this.pump();
  }

  /** Stops delivering characters: they are held (up to maxBufferedBytes), then left unacknowledged. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const chunk of held) this.emit(chunk);
  }

  /** Deactivates the payload and (by default) closes the session. Never throws; safe to call again. */
  close(): Promise<void> {
    return this.end({ reason: 'closed' });
  }

  // ------------------------------------------------------------------------------------------------

  private trace(line: string): void {
    this.opts.trace?.(`[sol ${this.session.target}] ${line}`);
  }

  private assertOpen(): void {
    if (!this.isOpen) {
      throw solError('SOL_CLOSED', `The Serial over LAN console of BMC ${this.session.target} is closed${this.ended ? ` (${this.ended.reason})` : ''}: open it again.`, {
        target: this.session.target,
      });
    }
  }

  private async start(): Promise<void> {
    const signal = this.opts.signal;
    if (signal?.aborted) throw solError('SOL_CLOSED', `Opening Serial over LAN on BMC ${this.session.target} was cancelled.`, { target: this.session.target });
    // Listen first: the BMC may send characters right after it answers Activate Payload.
    this.session.onPayload(PayloadType.sol, (plain) => this.onPacket(plain));
    try {
      const r = await activateSolPayload(
        this.session,
        { instance: this.instance, encrypt: this.session.suite.confAlg !== 0, authenticate: this.session.suite.integAlg !== 0 },
        { ...this.requestOpts, signal },
      );
      if (r.port !== 0 && r.port !== this.session.port) {
        await deactivateSolPayload(this.session, this.instance, { ...this.requestOpts, signal: undefined }).catch(() => undefined);
        throw solError('SOL_UNSUPPORTED', `BMC ${this.session.target} serves Serial over LAN on another UDP port (${r.port}), which this client does not support.`, {
          target: this.session.target,
          port: r.port,
        });
      }
      if (r.inboundPayloadSize > SOL_HEADER_LENGTH) this.maxChars = Math.min(MAX_CHARS_BY_HEADER, r.inboundPayloadSize - SOL_HEADER_LENGTH);
      this.trace(`activated instance ${this.instance}: up to ${this.maxChars} characters per packet`);
    } catch (e) {
      this.session.onPayload(PayloadType.sol, undefined);
      throw e;
    }
    signal?.addEventListener('abort', this.onAbort, { once: true });
    if (signal?.aborted) void this.end({ reason: 'cancelled' }); // aborted while Activate Payload was answered
    this.pump(); // the synchronising empty packet
    const keepaliveMs = this.opts.keepaliveMs ?? 20_000;
    this.keepaliveTimer = setInterval(() => void this.keepalive(), keepaliveMs);
  }

  // Console -> BMC ---------------------------------------------------------------------------------

  /** One packet in flight at a time (15.10): the next leaves when the last is acknowledged. */
  private pump(): void {
    if (this.inFlight || this.bmcNacked || !this.isOpen) return;
    if (!this.syncPending && !this.breakRequested && this.queue.length === 0) return;
    this.syncPending = false;
    const data = this.takeChars(this.maxChars);
    const flags = this.breakRequested ? SolOperation.generateBreak : 0;
    this.breakRequested = false;
    this.outSeq = nextSolSeq(this.outSeq);
    this.inFlight = { seq: this.outSeq, data, flags, transmissions: 0 };
    this.transmit();
  }

  private takeChars(max: number): Buffer {
    const parts: Buffer[] = [];
    let n = 0;
    while (n < max && this.queue.length) {
      const head = this.queue[0];
      const take = Math.min(head.length, max - n);
      parts.push(head.subarray(0, take));
      n += take;
      if (take === head.length) this.queue.shift();
      else this.queue[0] = head.subarray(take);
    }
    return Buffer.concat(parts);
  }

  private transmit(): void {
    const p = this.inFlight;
    if (!p) return;
    p.transmissions++;
    this.send({ seq: p.seq, data: p.data, flags: p.flags });
    clearTimeout(this.retransmitTimer);
    this.retransmitTimer = setTimeout(() => this.onRetransmitDue(), this.retransmitMs);
  }

  private onRetransmitDue(): void {
    const p = this.inFlight;
    if (!p || !this.isOpen) return;
    if (p.transmissions >= this.maxTransmissions) {
      void this.end({
        reason: 'no acknowledgement',
        error: solError('SOL_TIMEOUT', `BMC ${this.session.target} did not acknowledge Serial over LAN data after ${p.transmissions} transmissions: the BMC or the network is gone.`, {
          target: this.session.target,
          transmissions: p.transmissions,
        }),
      });
      return;
    }
    this.trace(`retransmitting packet ${p.seq} (transmission ${p.transmissions + 1})`);
    this.transmit();
  }

  private onAck(pkt: SolPacket): void {
    const p = this.inFlight;
    if (!p || pkt.ackSeq !== p.seq) return; // a late acknowledgement of an older packet
    clearTimeout(this.retransmitTimer);
    this.inFlight = undefined;
    // Accepted characters are taken even with a NACK (ipmi_sim NACKs when its buffer just filled);
    // the rest goes first in a new packet with a new sequence number (15.9).
    const accepted = Math.min(pkt.acceptedCount, p.data.length);
    const rest = p.data.subarray(accepted);
    if (rest.length) this.queue.unshift(rest);
    if (pkt.flags & SolStatus.nack) {
      // NACK: the BMC cannot take characters now. Wait for a packet without NACK, or retry later.
      this.nacks++;
      if (this.nacks > this.maxNacks) {
        void this.end({
          reason: 'BMC cannot take characters',
          error: solError('SOL_TIMEOUT', `BMC ${this.session.target} refused Serial over LAN characters ${this.nacks} times in a row (its serial port is not taking input).`, {
            target: this.session.target,
          }),
        });
        return;
      }
      this.bmcNacked = true;
      this.retransmitTimer = setTimeout(() => {
        this.bmcNacked = false;
        this.pump();
      }, this.retransmitMs);
      return;
    }
    this.nacks = 0;
    this.pump();
  }

  // BMC -> console ---------------------------------------------------------------------------------

  private onPacket(plain: Buffer): void {
    if (this.ended) return;
    let pkt: SolPacket;
    try {
      pkt = decodeSolPacket(plain);
    } catch (e) {
      this.trace(`dropped: ${(e as Error).message}`);
      return;
    }
    if (pkt.ackSeq !== 0) this.onAck(pkt);
    if (this.bmcNacked && !(pkt.flags & SolStatus.nack)) {
      // The BMC can take characters again (ipmi_sim says so with an acknowledgement without NACK).
      this.bmcNacked = false;
      clearTimeout(this.retransmitTimer);
      this.pump();
    }
    if (pkt.flags & SolStatus.transmitOverrun) this.trace('BMC reports a transmit overrun: characters were dropped');
    if (pkt.flags & SolStatus.breakDetected) this.trace('BMC detected a break on the serial port');
    if (pkt.seq !== 0) this.onCharacters(pkt);
    if (pkt.flags & SolStatus.deactivating) void this.end({ reason: 'SOL deactivated by the BMC' });
  }

  private onCharacters(pkt: SolPacket): void {
    if (pkt.seq === this.lastInSeq) {
      // A retransmission of the packet we took last: our acknowledgement was lost. Acknowledge again.
      this.send({ ackSeq: pkt.seq, acceptedCount: this.lastInAccepted });
      return;
    }
    if (this.paused && this.heldBytes >= this.maxBufferedBytes) {
      this.trace(`paused and ${this.heldBytes} bytes held: packet ${pkt.seq} left unacknowledged`);
      return; // the BMC retransmits it; taken once resumed
    }
    this.lastInSeq = pkt.seq;
    this.lastInAccepted = pkt.data.length;
    this.send({ ackSeq: pkt.seq, acceptedCount: pkt.data.length });
    if (pkt.data.length) this.emit(pkt.data);
  }

  private emit(chunk: Buffer): void {
    if (this.paused) {
      this.held.push(chunk);
      this.heldBytes += chunk.length;
      return;
    }
    for (const l of this.dataListeners) l(chunk);
  }

  private send(p: Partial<SolPacket>): void {
    this.session.sendPayload(PayloadType.sol, encodeSolPacket(p)).catch((e: unknown) => {
      this.trace(`send failed: ${AppError.is(e) ? e.code : (e as Error).message}`);
    });
  }

  // Keepalive and the end ----------------------------------------------------------------------------

  /** Get Payload Activation Status (24.4) keeps the session busy and tells us if our instance was taken away. */
  private async keepalive(): Promise<void> {
    if (!this.isOpen) return;
    try {
      if (this.keepaliveByDeviceId) {
        await this.session.request(NetFn.app, 0x01, [], { ...this.requestOpts, what: 'Get Device ID (SOL keepalive)' });
        return;
      }
      const status = await getSolActivationStatus(this.session, this.requestOpts);
      if (!status.active.includes(this.instance) && this.isOpen) {
        void this.end({ reason: 'SOL deactivated on the BMC (another session or the BMC ended it)' });
      }
    } catch (e) {
      if (!this.isOpen) return;
      if (AppError.is(e) && e.code === 'IPMI_COMPLETION_CODE') {
        this.keepaliveByDeviceId = true; // the BMC lacks the status command; any request keeps the session
        return;
      }
      void this.end({
        reason: 'IPMI session lost',
        error: AppError.is(e) && e.code === 'IPMI_TIMEOUT'
          ? solError('SOL_TIMEOUT', `BMC ${this.session.target} stopped answering; the Serial over LAN console ended.`, { target: this.session.target })
          : AppError.is(e) ? e : solError('SOL_CLOSED', `Serial over LAN on BMC ${this.session.target} ended: ${(e as Error).message}`, { target: this.session.target }),
      });
    }
  }

  private end(end: SolEnd): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      clearTimeout(this.retransmitTimer);
      clearInterval(this.keepaliveTimer);
      this.opts.signal?.removeEventListener('abort', this.onAbort);
      this.inFlight = undefined;
      this.queue = [];
      try {
        // Always deactivate (24.2), or the payload stays busy on the BMC until it times out.
        // Its own signal: the console's may be the one that was just aborted.
        const timeoutMs = this.requestOpts.timeoutMs ?? 6000;
        const was = await deactivateSolPayload(this.session, this.instance, { timeoutMs, signal: AbortSignal.timeout(timeoutMs + 1000) });
        this.trace(was ? 'deactivated' : 'payload was already inactive');
      } catch (e) {
        this.trace(`Deactivate Payload failed: ${AppError.is(e) ? e.code : (e as Error).message}`);
      }
      this.session.onPayload(PayloadType.sol, undefined);
      if (this.opts.ownsSession ?? true) await this.session.close();
      if (this.paused) this.resume(); // deliver what was held before saying goodbye
      this.ended = end;
      const listeners = this.endListeners;
      this.endListeners = [];
      for (const l of listeners) l(end);
    })();
    return this.closing;
  }
}
