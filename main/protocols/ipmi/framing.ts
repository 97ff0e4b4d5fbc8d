// Packet framing: RMCP (section 13.1), ASF presence ping (13.2.3), the IPMI v1.5 session wrapper
// used before a session exists (13.6), the IPMI v2.0/RMCP+ session wrapper (13.6, table 13-8) and the
// IPMI LAN message inside it (13.8). Pure functions on Buffers; no crypto keys are kept here.

export const RMCP_VERSION = 0x06;
export const RMCP_NO_ACK_SEQ = 0xff; // section 13.1.3: 0xFF = do not send an RMCP ACK
export const RMCP_CLASS_ASF = 0x06;
export const RMCP_CLASS_IPMI = 0x07;
export const ASF_IANA = 4542; // 0x000011BE, big-endian in ASF messages
export const ASF_PRESENCE_PING = 0x80;
export const ASF_PRESENCE_PONG = 0x40;
export const AUTHTYPE_NONE = 0x00;
export const AUTHTYPE_RMCPP = 0x06; // "format = RMCP+" in the auth type field (13.6)
/** Next Header byte of the integrity trailer, always 0x07 (RMCP class IPMI), table 13-8. */
export const NEXT_HEADER = 0x07;

export class FramingError extends Error {}

const rmcpHeader = (cls: number) => Buffer.from([RMCP_VERSION, 0x00, RMCP_NO_ACK_SEQ, cls]);

/** Two's complement checksum used twice in every IPMI message (section 13.8). */
export function checksum(buf: Buffer, start = 0, end = buf.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum = (sum + buf[i]) & 0xff;
  return (0x100 - sum) & 0xff;
}

// ---------------------------------------------------------------------------------------------------
// IPMI LAN message (section 13.8). Requests and responses share one layout:
//   [addr1][netFn<<2 | lun1][chk1][addr2][seq<<2 | lun2][cmd][body...][chk2]
// For a request addr1 = rsSA (0x20), addr2 = rqSA (0x81); for a response they are swapped, and the
// body begins with the completion code.

export interface LanMessage {
  addr1: number;
  netFn: number;
  lun1: number;
  addr2: number;
  seq: number;
  lun2: number;
  cmd: number;
  body: Buffer;
}

export function encodeLanMessage(m: LanMessage): Buffer {
  const out = Buffer.alloc(7 + m.body.length);
  out[0] = m.addr1;
  out[1] = ((m.netFn & 0x3f) << 2) | (m.lun1 & 0x03);
  out[2] = checksum(out, 0, 2);
  out[3] = m.addr2;
  out[4] = ((m.seq & 0x3f) << 2) | (m.lun2 & 0x03);
  out[5] = m.cmd;
  m.body.copy(out, 6);
  out[out.length - 1] = checksum(out, 3, out.length - 1);
  return out;
}

export function decodeLanMessage(buf: Buffer): LanMessage {
  if (buf.length < 7) throw new FramingError(`IPMI message too short (${buf.length} bytes)`);
  if (checksum(buf, 0, 3) !== 0) throw new FramingError('IPMI message header checksum mismatch');
  if (checksum(buf, 3, buf.length) !== 0) throw new FramingError('IPMI message data checksum mismatch');
  return {
    addr1: buf[0],
    netFn: buf[1] >> 2,
    lun1: buf[1] & 0x03,
    addr2: buf[3],
    seq: buf[4] >> 2,
    lun2: buf[4] & 0x03,
    cmd: buf[5],
    body: Buffer.from(buf.subarray(6, buf.length - 1)),
  };
}

export interface IpmiRequest {
  netFn: number;
  cmd: number;
  data: Buffer;
  rqSeq: number;
  rsAddr?: number;
  rsLun?: number;
  rqAddr?: number;
  rqLun?: number;
}

export const encodeIpmiRequest = (r: IpmiRequest): Buffer =>
  encodeLanMessage({
    addr1: r.rsAddr ?? 0x20,
    netFn: r.netFn,
    lun1: r.rsLun ?? 0,
    addr2: r.rqAddr ?? 0x81,
    seq: r.rqSeq,
    lun2: r.rqLun ?? 0,
    cmd: r.cmd,
    body: r.data,
  });

export interface IpmiResponse {
  netFn: number; // the response netFn (odd)
  cmd: number;
  rqSeq: number;
  rqAddr: number;
  rsAddr: number;
  completionCode: number;
  data: Buffer;
}

export function decodeIpmiResponse(buf: Buffer): IpmiResponse {
  const m = decodeLanMessage(buf);
  if (m.body.length < 1) throw new FramingError('IPMI response without completion code');
  return {
    netFn: m.netFn,
    cmd: m.cmd,
    rqSeq: m.seq,
    rqAddr: m.addr1,
    rsAddr: m.addr2,
    completionCode: m.body[0],
    data: Buffer.from(m.body.subarray(1)),
  };
}

// ---------------------------------------------------------------------------------------------------
// ASF presence ping/pong (section 13.2.3; DMTF ASF 2.0 section 3.2.4). Used to probe reachability.

export function encodeAsfPing(tag: number): Buffer {
  const b = Buffer.alloc(12);
  rmcpHeader(RMCP_CLASS_ASF).copy(b, 0);
  b.writeUInt32BE(ASF_IANA, 4);
  b[8] = ASF_PRESENCE_PING;
  b[9] = tag & 0xff;
  b[10] = 0; // reserved
  b[11] = 0; // data length
  return b;
}

export interface AsfMessage {
  type: number;
  tag: number;
  data: Buffer;
}

export function decodeAsf(buf: Buffer): AsfMessage {
  if (buf.length < 12 || buf[3] !== RMCP_CLASS_ASF) throw new FramingError('not an ASF message');
  if (buf.readUInt32BE(4) !== ASF_IANA) throw new FramingError('ASF message with a foreign IANA number');
  return { type: buf[8], tag: buf[9], data: Buffer.from(buf.subarray(12, 12 + buf[11])) };
}

// ---------------------------------------------------------------------------------------------------
// IPMI v1.5 session wrapper, unauthenticated (auth type NONE, session ID 0): only used here for
// Get Channel Authentication Capabilities before an RMCP+ session exists (section 13.6, 22.13).
//   RMCP(4) | authType(1) | sessionSeq(4 LE) | sessionId(4 LE) | [authCode(16) if authType != 0] | len(1) | msg

export function encodeV15(message: Buffer): Buffer {
  const b = Buffer.alloc(4 + 10 + message.length);
  rmcpHeader(RMCP_CLASS_IPMI).copy(b, 0);
  b[4] = AUTHTYPE_NONE;
  b.writeUInt32LE(0, 5);
  b.writeUInt32LE(0, 9);
  b[13] = message.length;
  message.copy(b, 14);
  return b;
}

export interface V15Packet {
  authType: number;
  sessionSeq: number;
  sessionId: number;
  message: Buffer;
}

export function decodeV15(buf: Buffer): V15Packet {
  if (buf.length < 14 || buf[3] !== RMCP_CLASS_IPMI) throw new FramingError('not an IPMI v1.5 packet');
  const authType = buf[4];
  if (authType === AUTHTYPE_RMCPP) throw new FramingError('RMCP+ packet where IPMI v1.5 was expected');
  const sessionSeq = buf.readUInt32LE(5);
  const sessionId = buf.readUInt32LE(9);
  const lenAt = authType === AUTHTYPE_NONE ? 13 : 29; // 16-byte auth code for MD2/MD5/password
  if (buf.length < lenAt + 1) throw new FramingError('IPMI v1.5 packet truncated');
  const len = buf[lenAt];
  if (buf.length < lenAt + 1 + len) throw new FramingError('IPMI v1.5 message length exceeds packet');
  return { authType, sessionSeq, sessionId, message: Buffer.from(buf.subarray(lenAt + 1, lenAt + 1 + len)) };
}

// ---------------------------------------------------------------------------------------------------
// IPMI v2.0 / RMCP+ session wrapper (section 13.6, table 13-8):
//   RMCP(4) | authType=0x06 | payloadType (bit7 encrypted, bit6 authenticated, 5:0 type)
//   | [OEM IANA(4) + OEM payload ID(2) if type = 0x02] | sessionId(4 LE) | sessionSeq(4 LE)
//   | payloadLength(2 LE) | payload
//   | if authenticated: integrity pad (0xFF..) | pad length | next header (0x07) | AuthCode
// The integrity AuthCode covers authType..next header, which is padded to a multiple of 4 bytes.

export interface V20Packet {
  payloadType: number;
  encrypted: boolean;
  authenticated: boolean;
  sessionId: number;
  sessionSeq: number;
  payload: Buffer;
  /** Present when authenticated: the bytes the AuthCode covers, and the AuthCode itself. */
  integrityData?: Buffer;
  authCode?: Buffer;
}

export interface EncodeV20Options {
  payloadType: number;
  sessionId: number;
  sessionSeq: number;
  /** Payload as it goes on the wire (already encrypted when `encrypted`). */
  payload: Buffer;
  encrypted?: boolean;
  /** When given, the packet is authenticated: this computes the AuthCode over the integrity data. */
  integrity?: (data: Buffer) => Buffer;
}

export function encodeV20(o: EncodeV20Options): Buffer {
  if (o.payloadType === 0x02) throw new FramingError('OEM explicit payloads are not supported');
  const headerLen = 1 + 1 + 4 + 4 + 2; // authType .. payload length
  let bodyLen = headerLen + o.payload.length;
  let pad = 0;
  if (o.integrity) pad = (4 - ((bodyLen + 2) % 4)) % 4; // pad so authType..nextHeader is a multiple of 4
  if (o.integrity) bodyLen += pad + 2;
  const body = Buffer.alloc(bodyLen);
  body[0] = AUTHTYPE_RMCPP;
  body[1] = (o.payloadType & 0x3f) | (o.encrypted ? 0x80 : 0) | (o.integrity ? 0x40 : 0);
  body.writeUInt32LE(o.sessionId >>> 0, 2);
  body.writeUInt32LE(o.sessionSeq >>> 0, 6);
  body.writeUInt16LE(o.payload.length, 10);
  o.payload.copy(body, headerLen);
  const parts: Buffer[] = [rmcpHeader(RMCP_CLASS_IPMI), body];
  if (o.integrity) {
    let p = headerLen + o.payload.length;
    body.fill(0xff, p, p + pad);
    p += pad;
    body[p++] = pad;
    body[p++] = NEXT_HEADER;
    parts.push(o.integrity(body));
  }
  return Buffer.concat(parts);
}

export function decodeV20(buf: Buffer, authCodeLength = 0): V20Packet {
  if (buf.length < 16 || buf[3] !== RMCP_CLASS_IPMI || buf[4] !== AUTHTYPE_RMCPP) {
    throw new FramingError('not an RMCP+ packet');
  }
  const pt = buf[5];
  const payloadType = pt & 0x3f;
  if (payloadType === 0x02) throw new FramingError('OEM explicit payloads are not supported');
  const encrypted = (pt & 0x80) !== 0;
  const authenticated = (pt & 0x40) !== 0;
  const sessionId = buf.readUInt32LE(6);
  const sessionSeq = buf.readUInt32LE(10);
  const len = buf.readUInt16LE(14);
  const end = 16 + len;
  if (buf.length < end) throw new FramingError('RMCP+ payload length exceeds packet');
  const packet: V20Packet = {
    payloadType,
    encrypted,
    authenticated,
    sessionId,
    sessionSeq,
    payload: Buffer.from(buf.subarray(16, end)),
  };
  if (authenticated) {
    if (authCodeLength <= 0) throw new FramingError('authenticated packet outside a session');
    const total = buf.length - authCodeLength; // end of next header
    if (total < end + 2) throw new FramingError('RMCP+ integrity trailer truncated');
    if (buf[total - 1] !== NEXT_HEADER) throw new FramingError('RMCP+ next header is not 0x07');
    const pad = buf[total - 2];
    if (end + pad + 2 !== total) throw new FramingError('RMCP+ integrity pad length mismatch');
    packet.integrityData = Buffer.from(buf.subarray(4, total));
    packet.authCode = Buffer.from(buf.subarray(total));
  }
  return packet;
}

// ---------------------------------------------------------------------------------------------------
// Routing information read without keys, for demultiplexing many sessions on one socket.

export type Routing =
  | { kind: 'asf' }
  | { kind: 'v15'; sessionId: number }
  | { kind: 'v20'; sessionId: number; payloadType: number; payloadConsoleSid?: number };

export function peekRouting(buf: Buffer): Routing | undefined {
  if (buf.length < 5 || buf[0] !== RMCP_VERSION) return undefined;
  if (buf[3] === RMCP_CLASS_ASF) return { kind: 'asf' };
  if (buf[3] !== RMCP_CLASS_IPMI) return undefined;
  if (buf[4] !== AUTHTYPE_RMCPP) {
    if (buf.length < 14) return undefined;
    return { kind: 'v15', sessionId: buf.readUInt32LE(9) };
  }
  if (buf.length < 16) return undefined;
  const payloadType = buf[5] & 0x3f;
  const sessionId = buf.readUInt32LE(6);
  const r: Routing = { kind: 'v20', sessionId, payloadType };
  // Open Session Response and RAKP 2/4 travel with session ID 0; their payload carries the remote
  // console session ID at offset 4 (tables 13-10, 13-12, 13-14).
  if (sessionId === 0 && payloadType >= 0x11 && payloadType <= 0x15 && buf.length >= 24) {
    const len = buf.readUInt16LE(14);
    if (len >= 8) r.payloadConsoleSid = buf.readUInt32LE(20);
  }
  return r;
}
