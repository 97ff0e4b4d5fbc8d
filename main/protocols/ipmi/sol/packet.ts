// SOL payload packets (IPMI 2.0 section 15.9, table 15-2). The same 4-byte header both ways:
//   [0] packet sequence number (bits 3:0; 0 = an acknowledgement-only packet, no characters)
//   [1] acked/nacked packet sequence number (bits 3:0; 0 = this packet acknowledges nothing)
//   [2] accepted character count (how many characters of the acked packet were taken)
//   [3] console -> BMC: operation bits; BMC -> console: status bits
//   [4..] characters
// Pure functions on Buffers.

/** Operation bits a remote console sends (table 15-2, byte 4). */
export const SolOperation = {
  nack: 0x40,
  ringWor: 0x20,
  generateBreak: 0x10,
  deassertCts: 0x08,
  dropDcdDsr: 0x04,
  flushInbound: 0x02,
  flushOutbound: 0x01,
} as const;

/** Status bits the BMC sends (table 15-2, byte 4). */
export const SolStatus = {
  nack: 0x40,
  characterTransferUnavailable: 0x20,
  deactivating: 0x10,
  transmitOverrun: 0x08,
  breakDetected: 0x04,
} as const;

export const SOL_HEADER_LENGTH = 4;
/** Sequence numbers run 1..15 and wrap to 1; 0 marks a packet that carries no characters (15.9). */
export const nextSolSeq = (seq: number): number => (seq % 15) + 1;

export interface SolPacket {
  seq: number;
  ackSeq: number;
  acceptedCount: number;
  /** Operation bits (console -> BMC) or status bits (BMC -> console). */
  flags: number;
  data: Buffer;
}

export class SolPacketError extends Error {}

export function encodeSolPacket(p: Partial<SolPacket>): Buffer {
  const data = p.data ?? Buffer.alloc(0);
  const seq = p.seq ?? 0;
  const ackSeq = p.ackSeq ?? 0;
  if (seq > 15 || ackSeq > 15 || seq < 0 || ackSeq < 0) throw new SolPacketError('SOL sequence numbers are 4 bits (0..15)');
  if (seq === 0 && data.length > 0) throw new SolPacketError('a SOL packet with characters needs a sequence number 1..15');
  const acceptedCount = p.acceptedCount ?? 0;
  if (acceptedCount > 0xff) throw new SolPacketError('accepted character count is one byte');
  const out = Buffer.alloc(SOL_HEADER_LENGTH + data.length);
  out[0] = seq;
  out[1] = ackSeq;
  out[2] = acceptedCount;
  out[3] = (p.flags ?? 0) & 0xff;
  data.copy(out, SOL_HEADER_LENGTH);
  return out;
}

export function decodeSolPacket(buf: Buffer): SolPacket {
  if (buf.length < SOL_HEADER_LENGTH) throw new SolPacketError(`SOL packet too short (${buf.length} bytes)`);
  return {
    seq: buf[0] & 0x0f,
    ackSeq: buf[1] & 0x0f,
    acceptedCount: buf[2],
    flags: buf[3],
    data: Buffer.from(buf.subarray(SOL_HEADER_LENGTH)),
  };
}
