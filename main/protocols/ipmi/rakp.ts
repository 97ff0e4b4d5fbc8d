// RMCP+ session setup payloads (section 13.17-13.23, tables 13-9 to 13-14), console side.
// All multi-byte integers are little-endian.

import { FramingError } from './framing';
import type { CipherSuite } from './crypto';

/** Lookup bit in the RAKP 1 role byte (table 13-11): 1 = name-only lookup, 0 = username/privilege lookup. */
export const NAME_ONLY_LOOKUP = 0x10;

export interface OpenSessionRequest {
  tag: number;
  /** Requested maximum privilege level (0 = highest the proposed algorithms allow). */
  privilege: number;
  consoleSid: number;
  suite: CipherSuite;
}

/** Table 13-9: tag, max privilege, reserved(2), console SID(4), then three 8-byte algorithm payloads. */
export function encodeOpenSessionRequest(r: OpenSessionRequest): Buffer {
  const b = Buffer.alloc(32);
  b[0] = r.tag;
  b[1] = r.privilege & 0x0f;
  b.writeUInt32LE(r.consoleSid >>> 0, 4);
  const algo = (at: number, type: number, alg: number) => {
    b[at] = type; // payload type: 0 authentication, 1 integrity, 2 confidentiality
    b[at + 3] = 0x08; // payload length
    b[at + 4] = alg & 0x3f;
  };
  algo(8, 0x00, r.suite.authAlg);
  algo(16, 0x01, r.suite.integAlg);
  algo(24, 0x02, r.suite.confAlg);
  return b;
}

export interface OpenSessionResponse {
  tag: number;
  status: number;
  privilege?: number;
  consoleSid?: number;
  bmcSid?: number;
  authAlg?: number;
  integAlg?: number;
  confAlg?: number;
}

/** Table 13-10. On error a BMC may send only the tag and the status code. */
export function decodeOpenSessionResponse(p: Buffer): OpenSessionResponse {
  if (p.length < 2) throw new FramingError('Open Session Response too short');
  const r: OpenSessionResponse = { tag: p[0], status: p[1] };
  if (r.status !== 0) {
    if (p.length >= 8) r.consoleSid = p.readUInt32LE(4);
    return r;
  }
  if (p.length < 36) throw new FramingError('Open Session Response truncated');
  r.privilege = p[2] & 0x0f;
  r.consoleSid = p.readUInt32LE(4);
  r.bmcSid = p.readUInt32LE(8);
  r.authAlg = p[16] & 0x3f;
  r.integAlg = p[24] & 0x3f;
  r.confAlg = p[32] & 0x3f;
  return r;
}

export interface Rakp1 {
  tag: number;
  bmcSid: number;
  consoleRand: Buffer;
  role: number;
  username: Buffer;
}

/** Table 13-11: tag, reserved(3), managed system SID(4), Rm(16), role, reserved(2), name length, name. */
export function encodeRakp1(r: Rakp1): Buffer {
  if (r.username.length > 16) throw new RangeError('IPMI user names are limited to 16 bytes');
  const b = Buffer.alloc(28 + r.username.length);
  b[0] = r.tag;
  b.writeUInt32LE(r.bmcSid >>> 0, 4);
  r.consoleRand.copy(b, 8);
  b[24] = r.role;
  b[27] = r.username.length;
  r.username.copy(b, 28);
  return b;
}

export interface Rakp2 {
  tag: number;
  status: number;
  consoleSid?: number;
  bmcRand?: Buffer;
  bmcGuid?: Buffer;
  authCode?: Buffer;
}

/** Table 13-12: tag, status, reserved(2), console SID(4), Rc(16), GUIDc(16), key exchange auth code. */
export function decodeRakp2(p: Buffer, suite: CipherSuite): Rakp2 {
  if (p.length < 2) throw new FramingError('RAKP 2 too short');
  const r: Rakp2 = { tag: p[0], status: p[1] };
  if (p.length >= 8) r.consoleSid = p.readUInt32LE(4);
  if (r.status !== 0) return r;
  if (p.length < 40 + suite.keyLength) throw new FramingError('RAKP 2 truncated');
  r.bmcRand = Buffer.from(p.subarray(8, 24));
  r.bmcGuid = Buffer.from(p.subarray(24, 40));
  r.authCode = Buffer.from(p.subarray(40, 40 + suite.keyLength));
  return r;
}

/** Table 13-13: tag, status, reserved(2), managed system SID(4), key exchange auth code (omitted on error). */
export function encodeRakp3(tag: number, status: number, bmcSid: number, authCode?: Buffer): Buffer {
  const b = Buffer.alloc(8 + (authCode?.length ?? 0));
  b[0] = tag;
  b[1] = status;
  b.writeUInt32LE(bmcSid >>> 0, 4);
  authCode?.copy(b, 8);
  return b;
}

export interface Rakp4 {
  tag: number;
  status: number;
  consoleSid?: number;
  icv?: Buffer;
}

/** Table 13-14: tag, status, reserved(2), console SID(4), integrity check value. */
export function decodeRakp4(p: Buffer, suite: CipherSuite): Rakp4 {
  if (p.length < 2) throw new FramingError('RAKP 4 too short');
  const r: Rakp4 = { tag: p[0], status: p[1] };
  if (p.length >= 8) r.consoleSid = p.readUInt32LE(4);
  if (r.status !== 0) return r;
  if (p.length < 8 + suite.rakp4IcvLength) throw new FramingError('RAKP 4 truncated');
  r.icv = Buffer.from(p.subarray(8, 8 + suite.rakp4IcvLength));
  return r;
}
