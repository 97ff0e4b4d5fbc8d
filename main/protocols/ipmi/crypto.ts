// RMCP+ cryptography (section 13.28-13.29): RAKP key-exchange authentication codes, the session
// integrity key (SIK) and the additional keys K1/K2, packet integrity (HMAC-SHA1-96, HMAC-SHA256-128)
// and AES-CBC-128 confidentiality. Keys live only in the objects that need them; nothing here logs.

import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { freshRandom } from './random';

export type CipherSuiteId = 3 | 17;

export interface CipherSuite {
  id: CipherSuiteId;
  /** Authentication algorithm number in the Open Session payload (table 13-17): 1 RAKP-HMAC-SHA1, 3 RAKP-HMAC-SHA256. */
  authAlg: number;
  /** Integrity algorithm number (table 13-18): 1 HMAC-SHA1-96, 4 HMAC-SHA256-128. */
  integAlg: number;
  /** Confidentiality algorithm number (table 13-19): 1 AES-CBC-128. */
  confAlg: number;
  hash: 'sha1' | 'sha256';
  /** Length of the RAKP 2/3 HMAC, of the SIK and of K1/K2 (the hash length). */
  keyLength: number;
  /** RAKP 4 integrity check value length: HMAC-SHA1-96 → 12, HMAC-SHA256-128 → 16 (13.28.4). */
  rakp4IcvLength: number;
  /** Packet AuthCode length for the integrity algorithm (13.28.4). */
  authCodeLength: number;
}

/** Cipher suite IDs from table 22-20. */
export const CIPHER_SUITES: Record<CipherSuiteId, CipherSuite> = {
  3: { id: 3, authAlg: 1, integAlg: 1, confAlg: 1, hash: 'sha1', keyLength: 20, rakp4IcvLength: 12, authCodeLength: 12 },
  17: { id: 17, authAlg: 3, integAlg: 4, confAlg: 1, hash: 'sha256', keyLength: 32, rakp4IcvLength: 16, authCodeLength: 16 },
};

export function hmac(hash: 'sha1' | 'sha256', key: Buffer, ...parts: Buffer[]): Buffer {
  const h = createHmac(hash, key);
  for (const p of parts) h.update(p);
  return h.digest();
}

const u32le = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};

/** The user key Kuid: the password, at most 20 bytes (section 13.31; HMAC pads keys with zeros itself). */
export function passwordKey(password: string): Buffer {
  const b = Buffer.from(password, 'utf8');
  if (b.length > 20) throw new RangeError('IPMI passwords are limited to 20 bytes');
  const k = Buffer.alloc(20);
  b.copy(k);
  return k;
}

export interface RakpValues {
  consoleSid: number; // SIDm: remote console session ID
  bmcSid: number; // SIDc: managed system session ID
  consoleRand: Buffer; // Rm, 16 bytes
  bmcRand: Buffer; // Rc, 16 bytes
  bmcGuid: Buffer; // GUIDc, 16 bytes
  role: number; // ROLEm: the whole requested-privilege byte from RAKP 1, including the lookup bit
  username: Buffer; // UNAMEm
}

/** RAKP 2 key exchange authentication code (13.31, table 13-12): HMAC_Kuid(SIDm, SIDc, Rm, Rc, GUIDc, ROLEm, ULENGTHm, UNAMEm). */
export function rakp2AuthCode(suite: CipherSuite, kuid: Buffer, v: RakpValues): Buffer {
  return hmac(
    suite.hash,
    kuid,
    u32le(v.consoleSid),
    u32le(v.bmcSid),
    v.consoleRand,
    v.bmcRand,
    v.bmcGuid,
    Buffer.from([v.role, v.username.length]),
    v.username,
  );
}

/** RAKP 3 key exchange authentication code (13.31, table 13-13): HMAC_Kuid(Rc, SIDm, ROLEm, ULENGTHm, UNAMEm). */
export function rakp3AuthCode(suite: CipherSuite, kuid: Buffer, v: RakpValues): Buffer {
  return hmac(suite.hash, kuid, v.bmcRand, u32le(v.consoleSid), Buffer.from([v.role, v.username.length]), v.username);
}

/** Session integrity key (13.31): SIK = HMAC_KG(Rm, Rc, ROLEm, ULENGTHm, UNAMEm); KG defaults to Kuid. */
export function sessionIntegrityKey(suite: CipherSuite, kg: Buffer, v: RakpValues): Buffer {
  return hmac(suite.hash, kg, v.consoleRand, v.bmcRand, Buffer.from([v.role, v.username.length]), v.username);
}

/** RAKP 4 integrity check value (13.31, table 13-14): HMAC_SIK(Rm, SIDc, GUIDc), truncated. */
export function rakp4Icv(suite: CipherSuite, sik: Buffer, v: RakpValues): Buffer {
  return hmac(suite.hash, sik, v.consoleRand, u32le(v.bmcSid), v.bmcGuid).subarray(0, suite.rakp4IcvLength);
}

export interface SessionKeys {
  sik: Buffer;
  /** K1 = HMAC_SIK(Const1 = 20 × 0x01): the integrity key (13.32). */
  k1: Buffer;
  /** K2 = HMAC_SIK(Const2 = 20 × 0x02): its first 16 bytes are the AES-CBC-128 key (13.29). */
  k2: Buffer;
}

export function deriveSessionKeys(suite: CipherSuite, kg: Buffer, v: RakpValues): SessionKeys {
  const sik = sessionIntegrityKey(suite, kg, v);
  // Const1/Const2 are 20 bytes for every suite, SHA-256 included (as ipmitool, FreeIPMI and BMCs do).
  const k1 = hmac(suite.hash, sik, Buffer.alloc(20, 0x01));
  const k2 = hmac(suite.hash, sik, Buffer.alloc(20, 0x02));
  return { sik, k1, k2 };
}

/** Packet AuthCode (13.28.4): HMAC_K1 over authType..next header, truncated to 12 (SHA1-96) or 16 (SHA256-128) bytes. */
export function integrityAuthCode(suite: CipherSuite, k1: Buffer, data: Buffer): Buffer {
  return hmac(suite.hash, k1, data).subarray(0, suite.authCodeLength);
}

export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * AES-CBC-128 payload encryption (13.29, table 13-20): IV(16) | E(payload | pad 1,2,..,N | N),
 * where payload + pad + the pad length byte is a multiple of 16 bytes.
 */
export function aesEncrypt(k2: Buffer, plain: Buffer, iv: Buffer = freshRandom(16)): Buffer {
  const padLen = (16 - ((plain.length + 1) % 16)) % 16;
  const block = Buffer.alloc(plain.length + padLen + 1);
  plain.copy(block);
  for (let i = 0; i < padLen; i++) block[plain.length + i] = i + 1;
  block[block.length - 1] = padLen;
  const c = createCipheriv('aes-128-cbc', k2.subarray(0, 16), iv);
  c.setAutoPadding(false);
  return Buffer.concat([iv, c.update(block), c.final()]);
}

/** Inverse of aesEncrypt; returns undefined when the data is not a well-formed encrypted payload. */
export function aesDecrypt(k2: Buffer, data: Buffer): Buffer | undefined {
  if (data.length < 32 || (data.length - 16) % 16 !== 0) return undefined;
  const d = createDecipheriv('aes-128-cbc', k2.subarray(0, 16), data.subarray(0, 16));
  d.setAutoPadding(false);
  const block = Buffer.concat([d.update(data.subarray(16)), d.final()]);
  const padLen = block[block.length - 1];
  if (padLen > 15 || padLen + 1 > block.length) return undefined;
  const start = block.length - 1 - padLen;
  for (let i = 0; i < padLen; i++) if (block[start + i] !== i + 1) return undefined;
  return block.subarray(0, start);
}
