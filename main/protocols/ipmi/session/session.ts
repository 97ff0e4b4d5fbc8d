// The RMCP+ session: its state (new, opening, active, closing, closed), the requests it carries
// one at a time, the packets the pool routes to it, and a Close Session for every session the BMC
// opened for us. The steps live beside it: handshake.ts (channel auth caps, Open Session, RAKP
// 1-4, privilege), retransmit.ts (send, resend, time out), secureChannel.ts (encryption and
// integrity), incoming.ts (what a packet is), commands.ts (the IPMI commands as methods).
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { AppError } from '../../../../shared/errors';
import { NetFn, PayloadType, Privilege } from '../constants';
import { CIPHER_SUITES, passwordKey, type CipherSuite } from '../crypto';
import { randomByte } from '../random';
import { bmcLabel, cancelledError, completionCodeError, ipmiError } from '../errors';
import { encodeIpmiRequest, type Routing } from '../framing';
import type { IpmiEndpointPool, PacketListener } from '../transport';
import type { IpmiEndpoint, IpmiRequestOptions, IpmiSessionOptions, RawResponse } from '../types';
import { SessionCommands } from './commands';
import {
  getChannelAuthCapabilities,
  openSession,
  rakp,
  sendRakp3Abort,
  setSessionPrivilege,
  type ChannelAuth,
  type Credentials,
  type HandshakeHost,
} from './handshake';
import { decodeIncoming, isAnswerTo, type Incoming } from './incoming';
import { normalizePrivilege } from './privilege';
import { NEVER_ABORTED, Retransmitter } from './retransmit';
import { SecureChannel } from './secureChannel';
import { decodeOpenSessionResponse } from '../rakp';

type State = 'new' | 'opening' | 'active' | 'closing' | 'closed';
type RequestOpts = IpmiRequestOptions & { lun?: number; what?: string };

const DEFAULT_TIMEOUT_MS = 6000;
const DEFAULT_RETRANSMIT_MS = 400;

export class IpmiSession extends SessionCommands implements PacketListener {
  readonly target: string;
  readonly port: number;
  readonly consoleSid: number;
  readonly user: string;
  readonly suite: CipherSuite;
  readonly privilege: number;
  address = '';
  /** What Get Channel Authentication Capabilities reported (undefined when the BMC refused it). */
  channelAuth?: ChannelAuth;
  /** Keys, BMC session ID and sequence numbers of the session on the wire. */
  private readonly channel: SecureChannel;
  /** The request/answer exchanges with retransmission. */
  private readonly exchanges: Retransmitter;
  /** What the handshake steps see of this session. */
  private readonly host: HandshakeHost;
  private family: 4 | 6 = 4;
  private state: State = 'new';
  private readonly credentials: Credentials;
  private rqSeq = randomByte() & 0x3f;
  private queue: Promise<unknown> = Promise.resolve();
  private closing?: Promise<void>;
  private untrack?: () => void;
  private readonly payloadHandlers = new Map<number, (payload: Buffer) => void>();
  private readonly closeTimeoutMs: number;
  private readonly signal?: AbortSignal;
  private knownChannelAuth?: RawResponse;

  private constructor(
    private readonly pool: IpmiEndpointPool,
    private readonly endpoint: IpmiEndpoint,
    opts: IpmiSessionOptions,
  ) {
    super();
    this.port = endpoint.port ?? 623;
    this.target = bmcLabel(endpoint.host, this.port);
    this.user = endpoint.user;
    const suiteId = endpoint.cipherSuite ?? 3;
    const suite = CIPHER_SUITES[suiteId];
    if (!suite) {
      throw ipmiError('IPMI_INVALID_ARGUMENT', `Cipher suite ${String(suiteId)} is not supported by this client: use 3 or 17.`, {
        cipherSuite: String(suiteId),
      });
    }
    this.suite = suite;
    this.privilege = normalizePrivilege(endpoint.privilege);
    const username = Buffer.from(endpoint.user, 'utf8');
    if (username.length > 16) {
      throw ipmiError('IPMI_INVALID_ARGUMENT', `IPMI user name "${endpoint.user}" is longer than 16 bytes.`, { user: endpoint.user });
    }
    let kuid: Buffer;
    try {
      kuid = passwordKey(endpoint.password);
    } catch {
      throw ipmiError('IPMI_INVALID_ARGUMENT', `The password for user ${endpoint.user} is longer than the 20 bytes IPMI allows.`, {
        user: endpoint.user,
      });
    }
    const kg = endpoint.kg === undefined ? undefined : typeof endpoint.kg === 'string' ? Buffer.from(endpoint.kg, 'hex') : endpoint.kg;
    this.credentials = { username, kuid, kg };
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.closeTimeoutMs = opts.closeTimeoutMs ?? Math.min(timeoutMs, 3000);
    this.signal = opts.signal;
    this.knownChannelAuth = opts.channelAuth;
    this.channel = new SecureChannel(suite);
    this.exchanges = new Retransmitter(
      {
        target: this.target,
        send: (buf) => this.send(buf),
        probe: (ms) => this.pool.probe(this.address, this.family, this.port, ms),
        get poolClosed() {
          return pool.isClosed;
        },
        trace: (line) => this.trace(line),
      },
      { timeoutMs, retransmitMs: opts.retransmitMs ?? DEFAULT_RETRANSMIT_MS, signal: opts.signal },
    );
    this.consoleSid = pool.allocateConsoleSid();
    this.host = {
      target: this.target,
      user: this.user,
      consoleSid: this.consoleSid,
      suite,
      privilege: this.privilege,
      channel: this.channel,
      exchanges: this.exchanges,
      signal: opts.signal,
      abortStatus: 0x01,
      nextRqSeq: () => this.nextRqSeq(),
      send: (buf) => this.send(buf),
      sessionRequest: (netFn, cmd, data, o) => this.sessionRequest(netFn, cmd, data, o),
      trace: (line) => this.trace(line),
    };
  }

  /** Opens an authenticated, encrypted session; rejects with an AppError (codes IPMI_*). */
  static async open(pool: IpmiEndpointPool, endpoint: IpmiEndpoint, opts: IpmiSessionOptions = {}): Promise<IpmiSession> {
    const s = new IpmiSession(pool, endpoint, opts);
    await s.establish();
    return s;
  }

  get isActive(): boolean {
    return this.state === 'active';
  }

  /** The managed system (BMC) session ID; 0 before Open Session succeeded. */
  get bmcSessionId(): number {
    return this.channel.bmcSid;
  }

  private trace(line: string): void {
    this.pool.trace(`[${this.target} sid=${this.consoleSid.toString(16)}] ${line}`);
  }

  /** One packet to the BMC, unacknowledged. */
  private send(buf: Buffer): Promise<void> {
    return this.pool.send(this.address, this.family, this.port, buf);
  }

  private nextRqSeq(): number {
    this.rqSeq = (this.rqSeq + 1) & 0x3f;
    return this.rqSeq;
  }

  // ------------------------------------------------------------------------------------------------
  // Session establishment

  private async establish(): Promise<void> {
    if (this.signal?.aborted) throw cancelledError(this.target, 'session setup');
    await this.resolveAddress();
    this.pool.register(this);
    this.untrack = this.pool.trackCloser(() => this.close());
    this.state = 'opening';
    try {
      this.channelAuth = await getChannelAuthCapabilities(this.host, this.knownChannelAuth);
      this.knownChannelAuth = undefined;
      await openSession(this.host);
      await rakp(this.host, this.credentials);
      this.state = 'active';
      this.trace(`session active (suite ${this.suite.id}, bmc sid ${this.channel.bmcSid.toString(16)})`);
      if (this.privilege > Privilege.user) await setSessionPrivilege(this.host);
    } catch (e) {
      await this.close();
      throw e;
    } finally {
      this.credentials.kuid.fill(0); // the password is not needed once RAKP is over
    }
  }

  private async resolveAddress(): Promise<void> {
    const host = this.endpoint.host;
    const fam = isIP(host);
    if (fam) {
      this.address = host;
      this.family = fam === 6 ? 6 : 4;
      return;
    }
    try {
      const r = await lookup(host);
      this.address = r.address;
      this.family = r.family === 6 ? 6 : 4;
    } catch (e) {
      throw ipmiError('IPMI_UNREACHABLE', `Cannot resolve BMC host name ${host}: check the name or use its IP address.`, {
        target: this.target,
        host,
        cause: (e as NodeJS.ErrnoException).code ?? 'lookup failed',
      });
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Requests

  async request(netFn: number, cmd: number, data: Buffer | number[] = [], opts: RequestOpts = {}): Promise<Buffer> {
    const res = await this.rawRequest(netFn, cmd, data, opts);
    if (res.completionCode !== 0) {
      throw completionCodeError(res.completionCode, opts.what ?? describeCommand(netFn, cmd), this.target, { netFn, cmd });
    }
    return res.data;
  }

  rawRequest(netFn: number, cmd: number, data: Buffer | number[] = [], opts: RequestOpts = {}): Promise<RawResponse> {
    if (this.state !== 'active') {
      return Promise.reject(
        ipmiError('IPMI_CLOSED', `The IPMI session with BMC ${this.target} is closed: open a new session.`, { target: this.target }),
      );
    }
    return this.sessionRequest(netFn, cmd, Buffer.from(data), opts);
  }

  /** Requests on one session run one at a time, in order, whatever the session's state. */
  private sessionRequest(netFn: number, cmd: number, data: Buffer, opts: RequestOpts): Promise<RawResponse> {
    const signal = opts.signal ?? this.signal;
    const what = opts.what ?? describeCommand(netFn, cmd);
    const run = async (): Promise<RawResponse> => {
      if (signal?.aborted) throw cancelledError(this.target, what);
      if (!this.channel.keys) throw ipmiError('IPMI_CLOSED', `The IPMI session with BMC ${this.target} is not open.`, { target: this.target });
      const rqSeq = this.nextRqSeq();
      const msg = encodeIpmiRequest({ netFn, cmd, data, rqSeq, rsLun: opts.lun ?? 0 });
      const res = await this.exchanges.exchange(what, () => this.channel.seal(PayloadType.ipmi, msg), (i) =>
        i.kind === 'ipmi' && i.v === 20 && isAnswerTo(i.res, netFn, cmd, rqSeq) ? i.res : undefined,
      { ...opts, signal });
      return { completionCode: res.completionCode, data: res.data };
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /**
   * Sends an authenticated, encrypted payload of any type without waiting for an answer, and lets a
   * handler receive payloads of that type: the hook for SOL (payload type 1) and OEM payloads later.
   */
  async sendPayload(payloadType: number, plain: Buffer): Promise<void> {
    if (this.state !== 'active') throw ipmiError('IPMI_CLOSED', `The IPMI session with BMC ${this.target} is closed.`, { target: this.target });
    await this.send(this.channel.seal(payloadType, plain));
  }

  onPayload(payloadType: number, handler: ((payload: Buffer) => void) | undefined): void {
    if (handler) this.payloadHandlers.set(payloadType, handler);
    else this.payloadHandlers.delete(payloadType);
  }

  // ------------------------------------------------------------------------------------------------
  // Incoming packets (called by the pool)

  onPacket(buf: Buffer, routing: Routing | undefined): void {
    this.exchanges.heardFrom();
    let inc: Incoming | undefined;
    try {
      inc = decodeIncoming(buf, routing, {
        consoleSid: this.consoleSid,
        channel: this.channel,
        onPayload: (type, plain) => this.payloadHandlers.get(type)?.(plain),
        trace: (line) => this.trace(line),
      });
    } catch (e) {
      this.exchanges.garbage((e as Error).message);
      return;
    }
    if (!inc) return;
    if (!this.exchanges.offer(inc)) this.stray(inc);
  }

  /** An Open Session Response to a retransmitted request opened a second BMC session: drop it. */
  private stray(inc: Incoming): void {
    if (inc.kind !== 'rmcpp' || inc.payloadType !== PayloadType.openSessionResponse) return;
    try {
      const o = decodeOpenSessionResponse(inc.payload);
      if (o.status === 0 && o.consoleSid === this.consoleSid && o.bmcSid && o.bmcSid !== this.channel.bmcSid) {
        this.trace(`aborting duplicate BMC session ${o.bmcSid.toString(16)}`);
        void sendRakp3Abort(this.host, o.bmcSid, 0x01);
      }
    } catch {
      /* not decodable: ignore */
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Closing

  /**
   * Ends the session politely: Close Session (section 22.19) when active, or a RAKP 3 with an error
   * status when only half open. Never throws; safe to call more than once.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      const wasActive = this.state === 'active';
      this.state = 'closing';
      const { channel } = this;
      try {
        if (wasActive && channel.keys) {
          const res = await this.sessionRequest(NetFn.app, 0x3c, sessionIdBytes(channel.bmcSid), {
            what: 'Close Session',
            timeoutMs: this.closeTimeoutMs,
            // Not the session's signal (a cancel must still close the session); the exchange's own
            // timeout bounds it, so no timer signal is needed either.
            signal: NEVER_ABORTED,
          });
          if (res.completionCode !== 0) this.trace(`Close Session: completion code 0x${res.completionCode.toString(16)}`);
        } else if (channel.bmcSid !== 0) {
          // Half open: no keys to send Close Session with. ipmi_sim and the spec drop the session on a
          // RAKP 3 with an error status. Twice, as nothing acknowledges it.
          await sendRakp3Abort(this.host, channel.bmcSid, this.host.abortStatus);
          await sendRakp3Abort(this.host, channel.bmcSid, this.host.abortStatus);
          if (channel.keys) {
            // RAKP 3 may have activated it already (RAKP 4 lost): also an unacknowledged Close Session.
            const msg = encodeIpmiRequest({ netFn: NetFn.app, cmd: 0x3c, data: sessionIdBytes(channel.bmcSid), rqSeq: this.nextRqSeq() });
            await this.send(channel.seal(PayloadType.ipmi, msg)).catch(() => undefined);
          }
        }
      } catch (e) {
        this.trace(`Close Session failed: ${(e as AppError).code ?? (e as Error).message}`);
      } finally {
        this.state = 'closed';
        this.exchanges.dispose();
        channel.wipe();
        this.pool.unregister(this);
        this.untrack?.();
      }
    })();
    return this.closing;
  }
}

function sessionIdBytes(bmcSid: number): Buffer {
  const sid = Buffer.alloc(4);
  sid.writeUInt32LE(bmcSid);
  return sid;
}

function describeCommand(netFn: number, cmd: number): string {
  return `IPMI command netFn 0x${netFn.toString(16).padStart(2, '0')} cmd 0x${cmd.toString(16).padStart(2, '0')}`;
}
