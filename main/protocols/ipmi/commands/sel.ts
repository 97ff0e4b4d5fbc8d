// System Event Log (section 31): Get SEL Info (31.2), Reserve SEL (31.4), Get SEL Entry (31.5),
// Clear SEL (31.9); record formats in section 32.

import { NetFn } from '../constants';
import { ipmiError } from '../errors';
import type { IpmiRequestOptions, IpmiRequester } from '../types';
import { SENSOR_TYPES } from './sdr';
import { bcd, hex, need } from './util';

export interface SelInfo {
  version: string;
  entries: number;
  freeBytes: number;
  lastAddTime?: Date;
  lastEraseTime?: Date;
  overflow: boolean;
  supportsDelete: boolean;
  supportsPartialAdd: boolean;
  supportsReserve: boolean;
  supportsAllocationInfo: boolean;
}

/** SEL/SDR timestamps (section 37): 0xFFFFFFFF unspecified; up to 0x20000000 relative to BMC start. */
export function selTime(secs: number): Date | undefined {
  if (secs === 0xffffffff || secs === 0 || secs <= 0x20000000) return undefined;
  return new Date(secs * 1000);
}

export function parseSelInfo(d: Buffer, target = 'BMC'): SelInfo {
  need(d, 14, 'Get SEL Info', target);
  const ops = d[13];
  return {
    version: `${bcd(d[0]) % 10}.${Math.floor(bcd(d[0]) / 10)}`, // 0x51 = version 1.5 (BCD, LS digit first)
    entries: d.readUInt16LE(1),
    freeBytes: d.readUInt16LE(3),
    lastAddTime: selTime(d.readUInt32LE(5)),
    lastEraseTime: selTime(d.readUInt32LE(9)),
    overflow: (ops & 0x80) !== 0,
    supportsDelete: (ops & 0x08) !== 0,
    supportsPartialAdd: (ops & 0x04) !== 0,
    supportsReserve: (ops & 0x02) !== 0,
    supportsAllocationInfo: (ops & 0x01) !== 0,
  };
}

export async function getSelInfo(r: IpmiRequester, opts?: IpmiRequestOptions): Promise<SelInfo> {
  return parseSelInfo(await r.request(NetFn.storage, 0x40, [], { ...opts, what: 'Get SEL Info' }), r.target);
}

export interface SelEntry {
  recordId: number;
  recordType: number;
  /** 'system' (type 0x02), 'oem-timestamped' (0xC0-0xDF), 'oem' (0xE0-0xFF), else 'unknown'. */
  kind: 'system' | 'oem-timestamped' | 'oem' | 'unknown';
  timestamp?: Date;
  /** Raw 32-bit timestamp (seconds). */
  timestampRaw?: number;
  generatorId?: number;
  evmRev?: number;
  sensorType?: number;
  sensorTypeName?: string;
  sensorNumber?: number;
  /** Event/Reading type code (bits 6:0 of byte 13). */
  eventType?: number;
  assertion?: boolean;
  eventData?: [number, number, number];
  manufacturerId?: number;
  raw: Buffer;
}

/** Table 32-1 (system event record) and 32-2/32-3 (OEM records). */
export function parseSelEntry(d: Buffer): SelEntry {
  const raw = Buffer.from(d.subarray(0, 16));
  const recordId = d.readUInt16LE(0);
  const recordType = d[2];
  if (recordType === 0x02) {
    const ts = d.readUInt32LE(3);
    return {
      recordId, recordType, kind: 'system', raw,
      timestamp: selTime(ts), timestampRaw: ts,
      generatorId: d.readUInt16LE(7),
      evmRev: d[9],
      sensorType: d[10],
      sensorTypeName: SENSOR_TYPES[d[10]] ?? (d[10] >= 0xc0 ? 'OEM' : `type ${hex(d[10])}`),
      sensorNumber: d[11],
      eventType: d[12] & 0x7f,
      assertion: (d[12] & 0x80) === 0, // bit 7: 0 assertion, 1 deassertion
      eventData: [d[13], d[14], d[15]],
    };
  }
  if (recordType >= 0xc0 && recordType <= 0xdf) {
    const ts = d.readUInt32LE(3);
    return { recordId, recordType, kind: 'oem-timestamped', raw, timestamp: selTime(ts), timestampRaw: ts, manufacturerId: d[7] | (d[8] << 8) | (d[9] << 16) };
  }
  return { recordId, recordType, kind: recordType >= 0xe0 ? 'oem' : 'unknown', raw };
}

export interface SelReadOptions extends IpmiRequestOptions {
  /** Stop after this many entries. Default 65535. */
  maxEntries?: number;
}

/** Walks the SEL from the first entry (record 0x0000) until "next record" is 0xFFFF. */
export async function getSelEntries(r: IpmiRequester, o: SelReadOptions = {}): Promise<SelEntry[]> {
  const opts: IpmiRequestOptions = { timeoutMs: o.timeoutMs, retransmitMs: o.retransmitMs, signal: o.signal };
  const out: SelEntry[] = [];
  const seen = new Set<number>();
  let id = 0x0000;
  const max = o.maxEntries ?? 0xffff;
  while (id !== 0xffff && out.length < max && !seen.has(id)) {
    // Reservation ID 0 is allowed when reading whole entries (offset 0), section 31.5.
    const res = await r.rawRequest(NetFn.storage, 0x43, [0, 0, id & 0xff, id >> 8, 0, 0xff], { ...opts, what: 'Get SEL Entry' });
    if (res.completionCode === 0xcb && id === 0) break; // empty SEL
    if (res.completionCode !== 0) {
      throw ipmiError('IPMI_COMPLETION_CODE', `Get SEL Entry ${hex(id, 4)} failed on BMC ${r.target}: completion code ${hex(res.completionCode)}.`, {
        target: r.target,
        command: 'Get SEL Entry',
        completionCode: res.completionCode,
        recordId: id,
      });
    }
    need(res.data, 18, 'Get SEL Entry', r.target);
    seen.add(id);
    out.push(parseSelEntry(res.data.subarray(2)));
    id = res.data.readUInt16LE(0);
  }
  return out;
}

export async function reserveSel(r: IpmiRequester, opts?: IpmiRequestOptions): Promise<number> {
  const d = await r.request(NetFn.storage, 0x42, [], { ...opts, what: 'Reserve SEL' });
  need(d, 2, 'Reserve SEL', r.target);
  return d.readUInt16LE(0);
}

/** Clear SEL (31.9): reserve, send 'C' 'L' 'R' 0xAA (initiate erase), then poll with 0x00 until complete. */
export async function clearSel(r: IpmiRequester, opts: IpmiRequestOptions & { pollMs?: number; maxPolls?: number } = {}): Promise<void> {
  const resId = await reserveSel(r, opts);
  const clr = (op: number) =>
    r.request(NetFn.storage, 0x47, [resId & 0xff, resId >> 8, 0x43, 0x4c, 0x52, op], { ...opts, what: 'Clear SEL' });
  let d = await clr(0xaa);
  for (let i = 0; i < (opts.maxPolls ?? 50); i++) {
    if (d.length >= 1 && (d[0] & 0x0f) === 0x01) return; // erasure completed
    await new Promise((res) => setTimeout(res, opts.pollMs ?? 100));
    d = await clr(0x00);
  }
  throw ipmiError('IPMI_TIMEOUT', `BMC ${r.target} did not finish erasing the SEL: check Get SEL Info later.`, { target: r.target, command: 'Clear SEL' });
}
