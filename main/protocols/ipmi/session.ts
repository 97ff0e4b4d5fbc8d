// The RMCP+ session state machine (section 13.15-13.24): Get Channel Authentication Capabilities,
// Open Session, RAKP 1-4, Set Session Privilege Level, then authenticated + encrypted IPMI requests
// with retransmission, and a Close Session for every session the BMC opened for us.

import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { AppError } from '../../../shared/errors';
import { NetFn, PayloadType, Privilege, RMCPP_STATUS, privilegeName } from './constants';
import {
  CIPHER_SUITES,
  aesDecrypt,
  aesEncrypt,
  constantTimeEqual,
  deriveSessionKeys,
  integrityAuthCode,
  passwordKey,
  rakp2AuthCode,
  rakp3AuthCode,
  rakp4Icv,
  type CipherSuite,
  type RakpValues,
  type SessionKeys,
} from './crypto';
import { bmcLabel, cancelledError, completionCodeError, ipmiError } from './errors';
import {
  FramingError,
  decodeIpmiResponse,
  decodeV15,
  decodeV20,
  encodeIpmiRequest,
  encodeV15,
  encodeV20,
  type IpmiResponse,
  type Routing,
} from './framing';
import {
  NAME_ONLY_LOOKUP,
  decodeOpenSessionResponse,
  decodeRakp2,
  decodeRakp4,
  encodeOpenSessionRequest,
  encodeRakp1,
  encodeRakp3,
} from './rakp';
import { UNREACHABLE_SEND_ERRORS, type IpmiEndpointPool, type PacketListener } from './transport';
import type { IpmiEndpoint, IpmiRequestOptions, IpmiRequester, IpmiSessionOptions, RawResponse } from './types';
import { getBootFlags, setBootDevice, type BootFlags, type BootFlagsState } from './commands/boot';
import {
  chassisControl,
  chassisIdentify,
  getChassisStatus,
  type ChassisControlAction,
  type ChassisStatus,
  type IdentifyOptions,
} from './commands/chassis';
import { getDeviceId, type DeviceId } from './commands/device';
import { readSdrRepository, readSensors, type ReadSensorsOptions, type SdrRecord, type SdrWalkOptions, type SensorReading } from './commands/sdr';
import { clearSel, getSelEntries, getSelInfo, type SelEntry, type SelInfo, type SelReadOptions } from './commands/sel';

type Incoming =
  | { kind: 'ipmi'; v: 15 | 20; res: IpmiResponse }
  | { kind: 'rmcpp'; payloadType: number; payload: Buffer };

interface Pending {
  accept(i: Incoming): unknown;
  resolve(v: unknown): void;
  reject(e: unknown): void;
  garbage: number;
}

type State = 'new' | 'opening' | 'active' | 'closing' | 'closed';
type RequestOpts = IpmiRequestOptions & { lun?: number; what?: string };

const DEFAULT_TIMEOUT_MS = 6000;
const DEFAULT_RETRANSMIT_MS = 400;

export function normalizePrivilege(p: IpmiEndpoint['privilege']): number {
  if (p === undefined) return Privilege.administrator;
  if (typeof p === 'number') {
    if (p >= Privilege.user && p <= Privilege.oem) return p;
  } else {
    const v = (Privilege as Record<string, number>)[p.toLowerCase()];
    if (v !== undefined && v >= Privilege.user) return v;
  }
  throw ipmiError('IPMI_INVALID_ARGUMENT', `Unsupported IPMI privilege "${String(p)}": use user, operator or administrator.`, {
    privilege: String(p),
  });
}

export class IpmiSession implements IpmiRequester, PacketListener {
  readonly target: string;
  readonly port: number;
  readonly consoleSid: number;
  readonly user: string;
  readonly suite: CipherSuite;
  readonly privilege: number;
  address = '';
  private family: 4 | 6 = 4;
  private state: State = 'new';
  private bmcSid = 0;
  private keys?: SessionKeys;
  private readonly kuid: Buffer;
  private readonly kg?: Buffer;
  private readonly username: Buffer;
  private outSeq = 1;
  private inHighest = 0;
  private inSeen = 0;
  private rqSeq = randomBytes(1)[0] & 0x3f;
  private pending?: Pending;
  private queue: Promise<unknown> = Promise.resolve();
  private heard = false;
  private closing?: Promise<void>;
  private abortStatus = 0x01; // RAKP 3 status used to abandon a half-open session
  private untrack?: () => void;
  private readonly payloadHandlers = new Map<number, (payload: Buffer) => void>();
  private readonly timeoutMs: number;
  private readonly retransmitMs: number;
  private readonly closeTimeoutMs: number;
  private readonly signal?: AbortSignal;
  /** What Get Channel Authentication Capabilities reported (undefined when the BMC refused it). */
  channelAuth?: { channel: number; ipmi20: boolean; kgRequired: boolean; perMessageAuthDisabled: boolean };

  private constructor(
    private readonly pool: IpmiEndpointPool,
    private readonly endpoint: IpmiEndpoint,
    opts: IpmiSessionOptions,
  ) {
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
    this.username = Buffer.from(endpoint.user, 'utf8');
    if (this.username.length > 16) {
      throw ipmiError('IPMI_INVALID_ARGUMENT', `IPMI user name "${endpoint.user}" is longer than 16 bytes.`, { user: endpoint.user });
    }
    try {
      this.kuid = passwordKey(endpoint.password);
    } catch {
      throw ipmiError('IPMI_INVALID_ARGUMENT', `The password for user ${endpoint.user} is longer than the 20 bytes IPMI allows.`, {
        user: endpoint.user,
      });
    }
    if (endpoint.kg !== undefined) this.kg = typeof endpoint.kg === 'string' ? Buffer.from(endpoint.kg, 'hex') : endpoint.kg;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retransmitMs = opts.retransmitMs ?? DEFAULT_RETRANSMIT_MS;
    this.closeTimeoutMs = opts.closeTimeoutMs ?? Math.min(this.timeoutMs, 3000);
    this.signal = opts.signal;
    this.consoleSid = pool.allocateConsoleSid();
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
    return this.bmcSid;
  }

  private trace(line: string): void {
    this.pool.trace(`[${this.target} sid=${this.consoleSid.toString(16)}] ${line}`);
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
      await this.getChannelAuthCapabilities();
      await this.openSession();
      await this.rakp();
      this.state = 'active';
      this.trace(`session active (suite ${this.suite.id}, bmc sid ${this.bmcSid.toString(16)})`);
      if (this.privilege > Privilege.user) await this.setSessionPrivilege();
    } catch (e) {
      await this.close();
      throw e;
    } finally {
      this.kuid.fill(0); // the password is not needed once RAKP is over
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

  /** Section 22.13. Sent as an unauthenticated IPMI v1.5 packet; bit 7 of the channel byte asks for v2.0 data. */
  private async getChannelAuthCapabilities(): Promise<void> {
    const rqSeq = this.nextRqSeq();
    const pkt = encodeV15(encodeIpmiRequest({ netFn: NetFn.app, cmd: 0x38, data: Buffer.from([0x8e, this.privilege]), rqSeq }));
    const res = await this.exchange('Get Channel Authentication Capabilities', () => pkt, (i) =>
      i.kind === 'ipmi' && i.v === 15 && this.matches(i.res, NetFn.app, 0x38, rqSeq) ? i.res : undefined,
    );
    if (res.completionCode !== 0 || res.data.length < 8) {
      this.trace(`channel auth capabilities: completion code 0x${res.completionCode.toString(16)}; trying RMCP+ anyway`);
      return;
    }
    const d = res.data;
    this.channelAuth = {
      channel: d[0],
      ipmi20: (d[1] & 0x80) !== 0 && (d[3] & 0x02) !== 0, // extended data present and "IPMI v2.0 connections" bit
      kgRequired: (d[2] & 0x20) !== 0, // KG status: 1 = non-null K_G set on the BMC
      perMessageAuthDisabled: (d[2] & 0x10) !== 0,
    };
    if ((d[1] & 0x80) !== 0 && (d[3] & 0x02) === 0) {
      throw ipmiError(
        'IPMI_SESSION_FAILED',
        `BMC ${this.target} does not support IPMI 2.0 (RMCP+) on this channel: enable "IPMI over LAN 2.0" on the BMC.`,
        { target: this.target, stage: 'Get Channel Authentication Capabilities' },
      );
    }
  }

  /** Section 13.17: propose the cipher suite's algorithms; the BMC allocates a session ID. */
  private async openSession(): Promise<void> {
    const tag = randomBytes(1)[0];
    const pkt = encodeV20({
      payloadType: PayloadType.openSessionRequest,
      sessionId: 0,
      sessionSeq: 0,
      payload: encodeOpenSessionRequest({ tag, privilege: this.privilege, consoleSid: this.consoleSid, suite: this.suite }),
    });
    const r = await this.exchange('Open Session', () => pkt, (i) => {
      if (i.kind !== 'rmcpp' || i.payloadType !== PayloadType.openSessionResponse) return undefined;
      const o = decodeOpenSessionResponse(i.payload);
      if (o.tag !== tag || (o.consoleSid !== undefined && o.consoleSid !== this.consoleSid)) return undefined;
      return o;
    });
    if (r.status !== 0) throw this.statusError('Open Session', r.status);
    if (r.authAlg !== this.suite.authAlg || r.integAlg !== this.suite.integAlg || r.confAlg !== this.suite.confAlg || !r.bmcSid) {
      if (r.bmcSid) void this.sendRakp3Abort(r.bmcSid, 0x11);
      throw ipmiError('IPMI_BAD_RESPONSE', `BMC ${this.target} answered Open Session with other algorithms than cipher suite ${this.suite.id} asked for.`, {
        target: this.target,
        stage: 'Open Session',
      });
    }
    this.bmcSid = r.bmcSid;
    if (r.privilege !== undefined && r.privilege !== 0 && r.privilege < this.privilege) {
      this.trace(`BMC offers at most ${privilegeName(r.privilege)}`);
    }
  }

  /** Sections 13.20-13.23: RAKP 1/2 authenticate the BMC, RAKP 3/4 authenticate us and confirm the keys. */
  private async rakp(): Promise<void> {
    const consoleRand = randomBytes(16);
    // Name-only lookup (bit 4, table 13-11): the user is found by name and the privilege is checked
    // against its limit; with username/privilege lookup ipmi_sim wants the user's exact privilege.
    const role = this.privilege | NAME_ONLY_LOOKUP;
    const tag1 = randomBytes(1)[0];
    const pkt1 = encodeV20({
      payloadType: PayloadType.rakp1,
      sessionId: 0,
      sessionSeq: 0,
      payload: encodeRakp1({ tag: tag1, bmcSid: this.bmcSid, consoleRand, role, username: this.username }),
    });
    const r2 = await this.exchange('RAKP 1', () => pkt1, (i) => {
      if (i.kind !== 'rmcpp' || i.payloadType !== PayloadType.rakp2) return undefined;
      const r = decodeRakp2(i.payload, this.suite);
      if (r.tag !== tag1 || (r.consoleSid !== undefined && r.consoleSid !== this.consoleSid)) return undefined;
      return r;
    });
    if (r2.status !== 0) throw this.statusError('RAKP 2', r2.status);
    const v: RakpValues = {
      consoleSid: this.consoleSid,
      bmcSid: this.bmcSid,
      consoleRand,
      bmcRand: r2.bmcRand!,
      bmcGuid: r2.bmcGuid!,
      role,
      username: this.username,
    };
    if (!constantTimeEqual(rakp2AuthCode(this.suite, this.kuid, v), r2.authCode!)) {
      this.abortStatus = 0x0f; // close() tells the BMC: invalid integrity check value (table 13-15)
      throw ipmiError(
        'IPMI_AUTH_FAILED',
        `BMC ${this.target} rejected the login of user ${this.user}: check the BMC password for user ${this.user}.`,
        { target: this.target, user: this.user, stage: 'RAKP 2' },
      );
    }
    const keys = deriveSessionKeys(this.suite, this.kg ?? this.kuid, v);
    this.keys = keys; // to recognise authenticated answers below; the session counts as active only after RAKP 4
    const tag3 = randomBytes(1)[0];
    const pkt3 = encodeV20({
      payloadType: PayloadType.rakp3,
      sessionId: 0,
      sessionSeq: 0,
      payload: encodeRakp3(tag3, 0, this.bmcSid, rakp3AuthCode(this.suite, this.kuid, v)),
    });
    // When RAKP 4 is lost the BMC has already activated the session and may ignore a repeated RAKP 3
    // (ipmi_sim does). So from the third transmission on, an authenticated Set Session Privilege Level
    // goes along: an answer whose AuthCode verifies with K1 proves the BMC derived the same SIK.
    const probeSeq = this.nextRqSeq();
    const probe = encodeIpmiRequest({ netFn: NetFn.app, cmd: 0x3b, data: Buffer.from([this.privilege]), rqSeq: probeSeq });
    let sent = 0;
    const r4 = await this.exchange(
      'RAKP 3',
      () => (++sent >= 3 ? [pkt3, this.wrap(PayloadType.ipmi, probe)] : pkt3),
      (i) => {
        if (i.kind === 'ipmi' && i.v === 20 && this.matches(i.res, NetFn.app, 0x3b, probeSeq)) return { probe: i.res };
        if (i.kind !== 'rmcpp' || i.payloadType !== PayloadType.rakp4) return undefined;
        const r = decodeRakp4(i.payload, this.suite);
        if (r.tag !== tag3 || (r.consoleSid !== undefined && r.consoleSid !== this.consoleSid)) return undefined;
        return { rakp4: r };
      },
    );
    if (r4.probe) {
      this.trace('RAKP 4 lost; session confirmed by an authenticated answer');
      return;
    }
    const r = r4.rakp4!;
    if (r.status !== 0) throw this.statusError('RAKP 4', r.status);
    if (!constantTimeEqual(rakp4Icv(this.suite, keys.sik, v), r.icv!)) {
      throw ipmiError(
        'IPMI_AUTH_FAILED',
        `BMC ${this.target} sent a RAKP 4 that does not match: check the BMC key (K_G) configured for ${this.target}.`,
        { target: this.target, user: this.user, stage: 'RAKP 4' },
      );
    }
  }

  /** Section 22.18: RMCP+ sessions start at USER privilege (ipmi_sim, many BMCs); raise it. */
  private async setSessionPrivilege(): Promise<void> {
    const res = await this.doRequest(NetFn.app, 0x3b, Buffer.from([this.privilege]), { what: 'Set Session Privilege Level' });
    if (res.completionCode === 0x80 || res.completionCode === 0x81 || res.completionCode === 0x82) {
      throw ipmiError(
        'IPMI_PRIVILEGE',
        `User ${this.user} may not use privilege ${privilegeName(this.privilege).toUpperCase()} on BMC ${this.target}: ` +
          `raise the user's privilege limit on the BMC or request a lower privilege.`,
        { target: this.target, user: this.user, privilege: privilegeName(this.privilege), completionCode: res.completionCode },
      );
    }
    if (res.completionCode !== 0) throw completionCodeError(res.completionCode, 'Set Session Privilege Level', this.target);
  }

  private statusError(stage: string, status: number): AppError {
    const meaning = RMCPP_STATUS[status] ?? 'unknown status';
    const hex = `0x${status.toString(16).padStart(2, '0')}`;
    const params = { target: this.target, user: this.user, stage, status, statusHex: hex, meaning };
    const priv = privilegeName(this.privilege).toUpperCase();
    switch (status) {
      case 0x01:
      case 0x0b:
        return ipmiError(
          'IPMI_NO_SESSION_SLOTS',
          `BMC ${this.target} has no free session slot (${meaning}): wait for idle sessions to time out or close them (ipmitool session info all).`,
          params,
        );
      case 0x04:
      case 0x05:
      case 0x06:
      case 0x07:
      case 0x10:
      case 0x11:
        return ipmiError(
          'IPMI_CIPHER_UNSUPPORTED',
          `BMC ${this.target} does not accept cipher suite ${this.suite.id} (${meaning}): try cipher suite ${this.suite.id === 17 ? 3 : 17}.`,
          { ...params, cipherSuite: this.suite.id },
        );
      case 0x09:
      case 0x0a:
        return ipmiError(
          'IPMI_PRIVILEGE',
          `BMC ${this.target} refused privilege ${priv} for user ${this.user} (${meaning}): request a lower privilege or raise the user's limit.`,
          params,
        );
      case 0x0d:
      case 0x12:
        // ipmi_sim answers an unknown name with 0x12 (illegal parameter); the only other parameter is
        // the privilege, which we always send valid.
        return ipmiError(
          'IPMI_UNKNOWN_USER',
          `BMC ${this.target} does not know user ${this.user} (${meaning}): check the user name, or that the user is enabled for LAN access at ${priv}.`,
          params,
        );
      case 0x0f:
        return ipmiError(
          'IPMI_AUTH_FAILED',
          `BMC ${this.target} rejected the login of user ${this.user} (${meaning}): check the BMC password for user ${this.user} and the BMC key (K_G).`,
          params,
        );
      default:
        return ipmiError('IPMI_SESSION_FAILED', `Session setup with BMC ${this.target} failed at ${stage}: ${meaning} (${hex}).`, params);
    }
  }

  /** A RAKP 3 with an error status tells the BMC to drop a half-open session (section 13.22). */
  private sendRakp3Abort(bmcSid: number, status: number): Promise<void> {
    const pkt = encodeV20({
      payloadType: PayloadType.rakp3,
      sessionId: 0,
      sessionSeq: 0,
      payload: encodeRakp3(randomBytes(1)[0], status, bmcSid),
    });
    return this.pool.send(this.address, this.family, this.port, pkt).catch(() => undefined);
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
    return this.doRequest(netFn, cmd, Buffer.from(data), opts);
  }

  /** Requests on one session run one at a time, in order. */
  private doRequest(netFn: number, cmd: number, data: Buffer, opts: RequestOpts): Promise<RawResponse> {
    const signal = opts.signal ?? this.signal;
    const what = opts.what ?? describeCommand(netFn, cmd);
    const run = async (): Promise<RawResponse> => {
      if (signal?.aborted) throw cancelledError(this.target, what);
      if (!this.keys) throw ipmiError('IPMI_CLOSED', `The IPMI session with BMC ${this.target} is not open.`, { target: this.target });
      const rqSeq = this.nextRqSeq();
      const msg = encodeIpmiRequest({ netFn, cmd, data, rqSeq, rsLun: opts.lun ?? 0 });
      const res = await this.exchange(what, () => this.wrap(PayloadType.ipmi, msg), (i) =>
        i.kind === 'ipmi' && i.v === 20 && this.matches(i.res, netFn, cmd, rqSeq) ? i.res : undefined,
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
    await this.pool.send(this.address, this.family, this.port, this.wrap(payloadType, plain));
  }

  onPayload(payloadType: number, handler: ((payload: Buffer) => void) | undefined): void {
    if (handler) this.payloadHandlers.set(payloadType, handler);
    else this.payloadHandlers.delete(payloadType);
  }

  private wrap(payloadType: number, plain: Buffer): Buffer {
    const keys = this.keys!;
    const seq = this.outSeq;
    this.outSeq = (this.outSeq + 1) >>> 0 || 1; // session sequence numbers skip 0 (section 6.12.13)
    return encodeV20({
      payloadType,
      sessionId: this.bmcSid,
      sessionSeq: seq,
      payload: aesEncrypt(keys.k2, plain),
      encrypted: true,
      integrity: (d) => integrityAuthCode(this.suite, keys.k1, d),
    });
  }

  private matches(res: IpmiResponse, netFn: number, cmd: number, rqSeq: number): boolean {
    return res.netFn === (netFn | 1) && res.cmd === cmd && res.rqSeq === rqSeq;
  }

  private nextRqSeq(): number {
    this.rqSeq = (this.rqSeq + 1) & 0x3f;
    return this.rqSeq;
  }

  /** Sends, retransmits every retransmitMs (a fresh packet each time) and waits for an accepted answer. */
  private exchange<T>(stage: string, build: () => Buffer | Buffer[], accept: (i: Incoming) => T | undefined, o: IpmiRequestOptions = {}): Promise<T> {
    const timeoutMs = o.timeoutMs ?? this.timeoutMs;
    const retransmitMs = Math.max(10, o.retransmitMs ?? this.retransmitMs);
    const signal = o.signal ?? this.signal;
    const params = { target: this.target, stage };
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) return reject(cancelledError(this.target, stage));
      let probing = false;
      let transmissions = 0;
      const cleanup = () => {
        clearInterval(interval);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
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
        ipmiError('IPMI_UNREACHABLE', `BMC ${this.target} is unreachable (${why}): check the address, port and that IPMI over LAN is enabled.`, {
          ...params,
          cause: why,
        });
      const badResponse = () =>
        ipmiError('IPMI_BAD_RESPONSE', `BMC ${this.target} answered ${stage} with ${p.garbage} packet(s) that are not valid IPMI: check that ${this.target} is an IPMI LAN port.`, {
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
          this.pool.send(this.address, this.family, this.port, buf).catch((e: NodeJS.ErrnoException) => {
            if (this.pending !== p) return;
            if (UNREACHABLE_SEND_ERRORS.has(e.code ?? '')) p.reject(unreachable(e.code!));
            else if (this.pool.isClosed) p.reject(ipmiError('IPMI_CLOSED', `The IPMI endpoint pool was closed during ${stage}.`, params));
            else this.trace(`send failed: ${e.code ?? e.message}`);
          });
        }
      };
      const tick = () => {
        if (p.garbage >= 3) return p.reject(badResponse());
        if (!this.heard && !probing) {
          probing = true;
          this.pool.probe(this.address, this.family, this.port, Math.min(1000, timeoutMs)).then((r) => {
            if (r === 'refused' && this.pending === p) p.reject(unreachable('ICMP port unreachable'));
          });
        }
        this.trace(`${stage}: retransmission ${transmissions}`);
        transmit();
      };
      const onAbort = () => p.reject(cancelledError(this.target, stage));
      const interval = setInterval(tick, retransmitMs);
      const timer = setTimeout(
        () =>
          p.reject(
            p.garbage > 0
              ? badResponse()
              : ipmiError(
                  'IPMI_TIMEOUT',
                  `BMC ${this.target} did not answer ${stage} within ${timeoutMs} ms (${transmissions} transmissions): check that the BMC is up and reachable over UDP.`,
                  { ...params, timeoutMs, transmissions },
                ),
          ),
        timeoutMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending = p;
      transmit();
    });
  }

  // ------------------------------------------------------------------------------------------------
  // Incoming packets (called by the pool)

  onPacket(buf: Buffer, routing: Routing | undefined): void {
    this.heard = true;
    let inc: Incoming | undefined;
    try {
      inc = this.decode(buf, routing);
    } catch (e) {
      if (this.pending) this.pending.garbage++;
      this.trace(`dropped invalid packet: ${(e as Error).message}`);
      return;
    }
    if (!inc) return;
    const p = this.pending;
    if (p) {
      let v: unknown;
      try {
        v = p.accept(inc);
      } catch (e) {
        // A packet that is clearly the answer but cannot be decoded.
        p.garbage++;
        this.trace(`dropped malformed answer: ${(e as Error).message}`);
        return;
      }
      if (v !== undefined) {
        p.resolve(v);
        return;
      }
    }
    this.stray(inc);
  }

  private decode(buf: Buffer, routing: Routing | undefined): Incoming | undefined {
    if (!routing) throw new FramingError('not an RMCP packet');
    if (routing.kind === 'asf') return undefined;
    if (routing.kind === 'v15') {
      const v = decodeV15(buf);
      if (v.sessionId !== 0) return undefined;
      return { kind: 'ipmi', v: 15, res: decodeIpmiResponse(v.message) };
    }
    if (routing.sessionId === 0) {
      const p = decodeV20(buf, 0);
      if (p.authenticated || p.encrypted) throw new FramingError('protected packet without a session');
      return { kind: 'rmcpp', payloadType: p.payloadType, payload: p.payload };
    }
    if (routing.sessionId !== this.consoleSid) return undefined;
    const keys = this.keys;
    if (!keys) return undefined;
    const p = decodeV20(buf, this.suite.authCodeLength);
    if (!p.authenticated) throw new FramingError('unauthenticated packet inside an authenticated session');
    if (!constantTimeEqual(integrityAuthCode(this.suite, keys.k1, p.integrityData!), p.authCode!)) {
      throw new FramingError('integrity check failed');
    }
    if (!this.acceptSeq(p.sessionSeq)) {
      this.trace(`dropped duplicate or old packet (seq ${p.sessionSeq})`);
      return undefined;
    }
    if (!p.encrypted) throw new FramingError('unencrypted payload inside an encrypted session');
    const plain = aesDecrypt(keys.k2, p.payload);
    if (!plain) throw new FramingError('payload decryption failed');
    if (p.payloadType === PayloadType.ipmi) return { kind: 'ipmi', v: 20, res: decodeIpmiResponse(plain) };
    this.payloadHandlers.get(p.payloadType)?.(plain);
    return undefined;
  }

  /** Sliding window of 32 for the BMC's session sequence numbers (section 6.12.13). */
  private acceptSeq(seq: number): boolean {
    if (seq === 0) return false;
    if (seq > this.inHighest) {
      const shift = seq - this.inHighest;
      this.inSeen = shift >= 32 ? 1 : ((this.inSeen << shift) | 1) >>> 0;
      this.inHighest = seq;
      return true;
    }
    const back = this.inHighest - seq;
    if (back >= 32) return false;
    const bit = (1 << back) >>> 0;
    if ((this.inSeen & bit) !== 0) return false;
    this.inSeen = (this.inSeen | bit) >>> 0;
    return true;
  }

  /** An Open Session Response to a retransmitted request opened a second BMC session: drop it. */
  private stray(inc: Incoming): void {
    if (inc.kind !== 'rmcpp' || inc.payloadType !== PayloadType.openSessionResponse) return;
    try {
      const o = decodeOpenSessionResponse(inc.payload);
      if (o.status === 0 && o.consoleSid === this.consoleSid && o.bmcSid && o.bmcSid !== this.bmcSid) {
        this.trace(`aborting duplicate BMC session ${o.bmcSid.toString(16)}`);
        void this.sendRakp3Abort(o.bmcSid, 0x01);
      }
    } catch {
      /* not decodable: ignore */
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Commands (thin wrappers over ./commands/*)

  deviceId(opts?: IpmiRequestOptions): Promise<DeviceId> {
    return getDeviceId(this, opts);
  }

  chassisStatus(opts?: IpmiRequestOptions): Promise<ChassisStatus> {
    return getChassisStatus(this, opts);
  }

  chassisControl(action: ChassisControlAction, opts?: IpmiRequestOptions): Promise<void> {
    return chassisControl(this, action, opts);
  }

  identify(o?: IdentifyOptions, opts?: IpmiRequestOptions): Promise<void> {
    return chassisIdentify(this, o, opts);
  }

  setBootDevice(f: BootFlags, opts?: IpmiRequestOptions): Promise<void> {
    return setBootDevice(this, f, opts);
  }

  bootFlags(opts?: IpmiRequestOptions): Promise<BootFlagsState> {
    return getBootFlags(this, opts);
  }

  sdrRecords(o?: SdrWalkOptions): Promise<SdrRecord[]> {
    return readSdrRepository(this, o);
  }

  sensors(o?: ReadSensorsOptions): Promise<SensorReading[]> {
    return readSensors(this, o);
  }

  selInfo(opts?: IpmiRequestOptions): Promise<SelInfo> {
    return getSelInfo(this, opts);
  }

  selEntries(o?: SelReadOptions): Promise<SelEntry[]> {
    return getSelEntries(this, o);
  }

  clearSel(opts?: IpmiRequestOptions): Promise<void> {
    return clearSel(this, opts);
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
      try {
        if (wasActive && this.keys) {
          const sid = Buffer.alloc(4);
          sid.writeUInt32LE(this.bmcSid);
          const res = await this.doRequest(NetFn.app, 0x3c, sid, {
            what: 'Close Session',
            timeoutMs: this.closeTimeoutMs,
            signal: AbortSignal.timeout(this.closeTimeoutMs + 1000),
          });
          if (res.completionCode !== 0) this.trace(`Close Session: completion code 0x${res.completionCode.toString(16)}`);
        } else if (this.bmcSid !== 0) {
          // Half open: no keys to send Close Session with. ipmi_sim and the spec drop the session on a
          // RAKP 3 with an error status. Twice, as nothing acknowledges it.
          await this.sendRakp3Abort(this.bmcSid, this.abortStatus);
          await this.sendRakp3Abort(this.bmcSid, this.abortStatus);
          if (this.keys) {
            // RAKP 3 may have activated it already (RAKP 4 lost): also an unacknowledged Close Session.
            const sid = Buffer.alloc(4);
            sid.writeUInt32LE(this.bmcSid);
            const msg = encodeIpmiRequest({ netFn: NetFn.app, cmd: 0x3c, data: sid, rqSeq: this.nextRqSeq() });
            await this.pool.send(this.address, this.family, this.port, this.wrap(PayloadType.ipmi, msg)).catch(() => undefined);
          }
        }
      } catch (e) {
        this.trace(`Close Session failed: ${(e as AppError).code ?? (e as Error).message}`);
      } finally {
        this.state = 'closed';
        if (this.keys) for (const k of [this.keys.sik, this.keys.k1, this.keys.k2]) k.fill(0);
        this.keys = undefined;
        this.pool.unregister(this);
        this.untrack?.();
      }
    })();
    return this.closing;
  }
}

function describeCommand(netFn: number, cmd: number): string {
  return `IPMI command netFn 0x${netFn.toString(16).padStart(2, '0')} cmd 0x${cmd.toString(16).padStart(2, '0')}`;
}
