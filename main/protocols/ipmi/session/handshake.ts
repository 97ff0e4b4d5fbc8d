// RMCP+ session setup (sections 13.15-13.24): Get Channel Authentication Capabilities, Open
// Session, RAKP 1-4 and, above USER, Set Session Privilege Level. Failures become AppErrors that
// say what to fix (IPMI_AUTH_FAILED, IPMI_UNKNOWN_USER, IPMI_CIPHER_UNSUPPORTED, ...).
import type { AppError } from '../../../../shared/errors';
import { NetFn, PayloadType, RMCPP_STATUS, privilegeName } from '../constants';
import { constantTimeEqual, deriveSessionKeys, rakp2AuthCode, rakp3AuthCode, rakp4Icv, type CipherSuite, type RakpValues } from '../crypto';
import { cancelledError, completionCodeError, ipmiError } from '../errors';
import { freshRandom, randomByte } from '../random';
import { decodeIpmiResponse, decodeV15, encodeIpmiRequest, encodeV15, encodeV20 } from '../framing';
import {
  NAME_ONLY_LOOKUP,
  decodeOpenSessionResponse,
  decodeRakp2,
  decodeRakp4,
  encodeOpenSessionRequest,
  encodeRakp1,
  encodeRakp3,
} from '../rakp';
import type { RawResponse } from '../types';
import { isAnswerTo } from './incoming';
import type { Retransmitter } from './retransmit';
import type { SecureChannel } from './secureChannel';

export interface ChannelAuth {
  channel: number;
  ipmi20: boolean;
  kgRequired: boolean;
  perMessageAuthDisabled: boolean;
}

/** The session as the handshake sees it. */
export interface HandshakeHost {
  readonly target: string;
  readonly user: string;
  readonly consoleSid: number;
  readonly suite: CipherSuite;
  readonly privilege: number;
  readonly channel: SecureChannel;
  readonly exchanges: Retransmitter;
  /** The session's cancel signal (the exchanges follow it on their own; Open Session lets it wait a moment). */
  readonly signal?: AbortSignal;
  /** RAKP 3 status close() sends to abandon a half-open session (table 13-15). */
  abortStatus: number;
  nextRqSeq(): number;
  /** Sends one packet to the BMC, unacknowledged. */
  send(buf: Buffer): Promise<void>;
  /** One request on the session (keys in place), whatever its state. */
  sessionRequest(netFn: number, cmd: number, data: Buffer, opts: { what: string }): Promise<RawResponse>;
  trace(line: string): void;
}

/** The secrets of the login; kuid is zeroed by the caller once RAKP is over. */
export interface Credentials {
  username: Buffer;
  kuid: Buffer;
  kg?: Buffer;
}

/** Section 22.13, sent as an unauthenticated IPMI v1.5 packet; bit 7 of the channel byte asks for v2.0 data. */
export function channelAuthRequest(privilege: number, rqSeq: number): Buffer {
  return encodeV15(encodeIpmiRequest({ netFn: NetFn.app, cmd: 0x38, data: Buffer.from([0x8e, privilege]), rqSeq }));
}

/** The answer to channelAuthRequest(_, rqSeq) in a raw packet, or undefined when the packet is something else. */
export function channelAuthAnswer(buf: Buffer, rqSeq: number): RawResponse | undefined {
  try {
    const v = decodeV15(buf);
    if (v.sessionId !== 0) return undefined;
    const res = decodeIpmiResponse(v.message);
    return isAnswerTo(res, NetFn.app, 0x38, rqSeq) ? res : undefined;
  } catch {
    return undefined;
  }
}

/** Section 22.13: asks, unless `known` holds the answer already (a batch's reachability probe asked it). */
export async function getChannelAuthCapabilities(h: HandshakeHost, known?: RawResponse): Promise<ChannelAuth | undefined> {
  let res = known;
  if (!res) {
    const rqSeq = h.nextRqSeq();
    const pkt = channelAuthRequest(h.privilege, rqSeq);
    res = await h.exchanges.exchange('Get Channel Authentication Capabilities', () => pkt, (i) =>
      i.kind === 'ipmi' && i.v === 15 && isAnswerTo(i.res, NetFn.app, 0x38, rqSeq) ? i.res : undefined,
    );
  } else {
    h.exchanges.heardFrom(); // the BMC answered the probe: no reachability probe on a retransmission
  }
  if (res.completionCode !== 0 || res.data.length < 8) {
    h.trace(`channel auth capabilities: completion code 0x${res.completionCode.toString(16)}; trying RMCP+ anyway`);
    return undefined;
  }
  const d = res.data;
  if ((d[1] & 0x80) !== 0 && (d[3] & 0x02) === 0) {
    throw ipmiError(
      'IPMI_SESSION_FAILED',
      `BMC ${h.target} does not support IPMI 2.0 (RMCP+) on this channel: enable "IPMI over LAN 2.0" on the BMC.`,
      { target: h.target, stage: 'Get Channel Authentication Capabilities' },
    );
  }
  return {
    channel: d[0],
    ipmi20: (d[1] & 0x80) !== 0 && (d[3] & 0x02) !== 0, // extended data present and "IPMI v2.0 connections" bit
    kgRequired: (d[2] & 0x20) !== 0, // KG status: 1 = non-null K_G set on the BMC
    perMessageAuthDisabled: (d[2] & 0x10) !== 0,
  };
}

/** Section 13.17: propose the cipher suite's algorithms; the BMC allocates a session ID. */
export async function openSession(h: HandshakeHost): Promise<void> {
  if (h.signal?.aborted) throw cancelledError(h.target, 'Open Session');
  const tag = randomByte();
  const pkt = encodeV20({
    payloadType: PayloadType.openSessionRequest,
    sessionId: 0,
    sessionSeq: 0,
    payload: encodeOpenSessionRequest({ tag, privilege: h.privilege, consoleSid: h.consoleSid, suite: h.suite }),
  });
  // A cancel while Open Session is in flight waits a moment for the answer: the BMC may have
  // allocated a session already, and only its ID lets close() drop it (else it holds a slot until
  // the BMC's own timeout). Every later step knows the ID, so they follow the signal at once.
  const grace = cancelGrace(h.signal, OPEN_SESSION_CANCEL_GRACE_MS);
  let r: ReturnType<typeof decodeOpenSessionResponse>;
  try {
    r = await h.exchanges.exchange('Open Session', () => pkt, (i) => {
      if (i.kind !== 'rmcpp' || i.payloadType !== PayloadType.openSessionResponse) return undefined;
      const o = decodeOpenSessionResponse(i.payload);
      if (o.tag !== tag || (o.consoleSid !== undefined && o.consoleSid !== h.consoleSid)) return undefined;
      return o;
    }, grace ? { signal: grace.signal } : {});
  } finally {
    grace?.dispose();
  }
  if (r.status !== 0) throw statusError(h, 'Open Session', r.status);
  if (r.authAlg !== h.suite.authAlg || r.integAlg !== h.suite.integAlg || r.confAlg !== h.suite.confAlg || !r.bmcSid) {
    if (r.bmcSid) void sendRakp3Abort(h, r.bmcSid, 0x11);
    throw ipmiError('IPMI_BAD_RESPONSE', `BMC ${h.target} answered Open Session with other algorithms than cipher suite ${h.suite.id} asked for.`, {
      target: h.target,
      stage: 'Open Session',
    });
  }
  h.channel.bmcSid = r.bmcSid;
  if (h.signal?.aborted) throw cancelledError(h.target, 'Open Session'); // close() now drops the session
  if (r.privilege !== undefined && r.privilege !== 0 && r.privilege < h.privilege) {
    h.trace(`BMC offers at most ${privilegeName(r.privilege)}`);
  }
}

/** How long a cancelled Open Session still waits for its answer (a few retransmissions on a LAN). */
export const OPEN_SESSION_CANCEL_GRACE_MS = 500;

/** A signal that aborts `graceMs` after `signal` does; undefined when there is nothing to follow. */
function cancelGrace(signal: AbortSignal | undefined, graceMs: number): { signal: AbortSignal; dispose(): void } | undefined {
  if (!signal) return undefined;
  const ctrl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onAbort = (): void => { timer = setTimeout(() => ctrl.abort(), graceMs); };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return {
    signal: ctrl.signal,
    dispose: () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}

/** Sections 13.20-13.23: RAKP 1/2 authenticate the BMC, RAKP 3/4 authenticate us and confirm the keys. */
export async function rakp(h: HandshakeHost, cred: Credentials): Promise<void> {
  const { suite, channel } = h;
  const consoleRand = freshRandom(16);
  // Name-only lookup (bit 4, table 13-11): the user is found by name and the privilege is checked
  // against its limit; with username/privilege lookup ipmi_sim wants the user's exact privilege.
  const role = h.privilege | NAME_ONLY_LOOKUP;
  const tag1 = randomByte();
  const pkt1 = encodeV20({
    payloadType: PayloadType.rakp1,
    sessionId: 0,
    sessionSeq: 0,
    payload: encodeRakp1({ tag: tag1, bmcSid: channel.bmcSid, consoleRand, role, username: cred.username }),
  });
  const r2 = await h.exchanges.exchange('RAKP 1', () => pkt1, (i) => {
    if (i.kind !== 'rmcpp' || i.payloadType !== PayloadType.rakp2) return undefined;
    const r = decodeRakp2(i.payload, suite);
    if (r.tag !== tag1 || (r.consoleSid !== undefined && r.consoleSid !== h.consoleSid)) return undefined;
    return r;
  });
  if (r2.status !== 0) throw statusError(h, 'RAKP 2', r2.status);
  const v: RakpValues = {
    consoleSid: h.consoleSid,
    bmcSid: channel.bmcSid,
    consoleRand,
    bmcRand: r2.bmcRand!,
    bmcGuid: r2.bmcGuid!,
    role,
    username: cred.username,
  };
  if (!constantTimeEqual(rakp2AuthCode(suite, cred.kuid, v), r2.authCode!)) {
    h.abortStatus = 0x0f; // close() tells the BMC: invalid integrity check value (table 13-15)
    throw ipmiError(
      'IPMI_AUTH_FAILED',
      `BMC ${h.target} rejected the login of user ${h.user}: check the BMC password for user ${h.user}.`,
      { target: h.target, user: h.user, stage: 'RAKP 2' },
    );
  }
  const keys = deriveSessionKeys(suite, cred.kg ?? cred.kuid, v);
  channel.keys = keys; // to recognise authenticated answers below; the session counts as active only after RAKP 4
  const tag3 = randomByte();
  const pkt3 = encodeV20({
    payloadType: PayloadType.rakp3,
    sessionId: 0,
    sessionSeq: 0,
    payload: encodeRakp3(tag3, 0, channel.bmcSid, rakp3AuthCode(suite, cred.kuid, v)),
  });
  // When RAKP 4 is lost the BMC has already activated the session and may ignore a repeated RAKP 3
  // (ipmi_sim does). So from the third transmission on, an authenticated Set Session Privilege Level
  // goes along: an answer whose AuthCode verifies with K1 proves the BMC derived the same SIK.
  const probeSeq = h.nextRqSeq();
  const probe = encodeIpmiRequest({ netFn: NetFn.app, cmd: 0x3b, data: Buffer.from([h.privilege]), rqSeq: probeSeq });
  let sent = 0;
  const r4 = await h.exchanges.exchange(
    'RAKP 3',
    () => (++sent >= 3 ? [pkt3, channel.seal(PayloadType.ipmi, probe)] : pkt3),
    (i) => {
      if (i.kind === 'ipmi' && i.v === 20 && isAnswerTo(i.res, NetFn.app, 0x3b, probeSeq)) return { probe: i.res };
      if (i.kind !== 'rmcpp' || i.payloadType !== PayloadType.rakp4) return undefined;
      const r = decodeRakp4(i.payload, suite);
      if (r.tag !== tag3 || (r.consoleSid !== undefined && r.consoleSid !== h.consoleSid)) return undefined;
      return { rakp4: r };
    },
  );
  if (r4.probe) {
    h.trace('RAKP 4 lost; session confirmed by an authenticated answer');
    return;
  }
  const r = r4.rakp4!;
  if (r.status !== 0) throw statusError(h, 'RAKP 4', r.status);
  if (!constantTimeEqual(rakp4Icv(suite, keys.sik, v), r.icv!)) {
    throw ipmiError(
      'IPMI_AUTH_FAILED',
      `BMC ${h.target} sent a RAKP 4 that does not match: check the BMC key (K_G) configured for ${h.target}.`,
      { target: h.target, user: h.user, stage: 'RAKP 4' },
    );
  }
}

/** Section 22.18: RMCP+ sessions start at USER privilege (ipmi_sim, many BMCs); raise it. */
export async function setSessionPrivilege(h: HandshakeHost): Promise<void> {
  const res = await h.sessionRequest(NetFn.app, 0x3b, Buffer.from([h.privilege]), { what: 'Set Session Privilege Level' });
  if (res.completionCode === 0x80 || res.completionCode === 0x81 || res.completionCode === 0x82) {
    throw ipmiError(
      'IPMI_PRIVILEGE',
      `User ${h.user} may not use privilege ${privilegeName(h.privilege).toUpperCase()} on BMC ${h.target}: ` +
        `raise the user's privilege limit on the BMC or request a lower privilege.`,
      { target: h.target, user: h.user, privilege: privilegeName(h.privilege), completionCode: res.completionCode },
    );
  }
  if (res.completionCode !== 0) throw completionCodeError(res.completionCode, 'Set Session Privilege Level', h.target);
}

/** A RAKP 3 with an error status tells the BMC to drop a half-open session (section 13.22). */
export function sendRakp3Abort(h: Pick<HandshakeHost, 'send'>, bmcSid: number, status: number): Promise<void> {
  const pkt = encodeV20({
    payloadType: PayloadType.rakp3,
    sessionId: 0,
    sessionSeq: 0,
    payload: encodeRakp3(randomByte(), status, bmcSid),
  });
  return h.send(pkt).catch(() => undefined);
}

/** The RMCP+ status code of a refused Open Session or RAKP step, as an error that says what to fix. */
export function statusError(h: HandshakeHost, stage: string, status: number): AppError {
  const meaning = RMCPP_STATUS[status] ?? 'unknown status';
  const hex = `0x${status.toString(16).padStart(2, '0')}`;
  const params = { target: h.target, user: h.user, stage, status, statusHex: hex, meaning };
  const priv = privilegeName(h.privilege).toUpperCase();
  switch (status) {
    case 0x01:
    case 0x0b:
      return ipmiError(
        'IPMI_NO_SESSION_SLOTS',
        `BMC ${h.target} has no free session slot (${meaning}): wait for idle sessions to time out or close them (ipmitool session info all).`,
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
        `BMC ${h.target} does not accept cipher suite ${h.suite.id} (${meaning}): try cipher suite ${h.suite.id === 17 ? 3 : 17}.`,
        { ...params, cipherSuite: h.suite.id },
      );
    case 0x09:
    case 0x0a:
      return ipmiError(
        'IPMI_PRIVILEGE',
        `BMC ${h.target} refused privilege ${priv} for user ${h.user} (${meaning}): request a lower privilege or raise the user's limit.`,
        params,
      );
    case 0x0d:
    case 0x12:
      // ipmi_sim answers an unknown name with 0x12 (illegal parameter); the only other parameter is
      // the privilege, which we always send valid.
      return ipmiError(
        'IPMI_UNKNOWN_USER',
        `BMC ${h.target} does not know user ${h.user} (${meaning}): check the user name, or that the user is enabled for LAN access at ${priv}.`,
        params,
      );
    case 0x0f:
      return ipmiError(
        'IPMI_AUTH_FAILED',
        `BMC ${h.target} rejected the login of user ${h.user} (${meaning}): check the BMC password for user ${h.user} and the BMC key (K_G).`,
        params,
      );
    default:
      return ipmiError('IPMI_SESSION_FAILED', `Session setup with BMC ${h.target} failed at ${stage}: ${meaning} (${hex}).`, params);
  }
}
