// Sensor Data Records and sensor readings: Reserve SDR Repository (33.11), Get SDR (33.12), full and
// compact sensor records (43.1, 43.2), Get Sensor Reading (35.14) and the linear conversion (36.3).

import { NetFn } from '../constants';
import { ipmiError } from '../errors';
import type { IpmiRequestOptions, IpmiRequester } from '../types';
import { hex, need } from './util';

export interface SdrRecord {
  recordId: number;
  version: number;
  type: number;
  /** The whole record including its 5-byte header. */
  raw: Buffer;
}

const CC_RESERVATION_CANCELLED = 0xc5;
/** Completion codes meaning "ask for fewer bytes". */
const CC_TOO_MUCH = new Set([0xca, 0xc7, 0xc8, 0xc9, 0xff]);

export interface SdrWalkOptions extends IpmiRequestOptions {
  /** Stop after this many records (a guard against looping repositories). Default 4096. */
  maxRecords?: number;
}

/** Walks the SDR repository from record 0x0000 to the record whose "next" is 0xFFFF. */
export async function readSdrRepository(r: IpmiRequester, o: SdrWalkOptions = {}): Promise<SdrRecord[]> {
  const opts: IpmiRequestOptions = { timeoutMs: o.timeoutMs, retransmitMs: o.retransmitMs, signal: o.signal };
  const reserve = async (): Promise<number> => {
    const res = await r.rawRequest(NetFn.storage, 0x22, [], { ...opts, what: 'Reserve SDR Repository' });
    if (res.completionCode !== 0 || res.data.length < 2) return 0; // no reservation support: use 0
    return res.data.readUInt16LE(0);
  };
  const getSdr = (resId: number, id: number, offset: number, count: number) =>
    r.rawRequest(NetFn.storage, 0x23, [resId & 0xff, resId >> 8, id & 0xff, id >> 8, offset, count], { ...opts, what: 'Get SDR' });

  let resId = await reserve();
  let chunk = 0xff; // first try to read whole records; fall back to 16-byte pieces
  const records: SdrRecord[] = [];
  const seen = new Set<number>();
  let id = 0x0000;
  let retries = 0;
  const max = o.maxRecords ?? 4096;

  while (id !== 0xffff && records.length < max) {
    if (seen.has(id)) break; // a repository that loops
    let next = 0xffff;
    let buf = Buffer.alloc(0);
    let total = 5;
    let cancelled = false;
    while (buf.length < total) {
      // Whole record at once, else the 5-byte header and then pieces of `chunk` bytes.
      const count = chunk === 0xff ? 0xff : buf.length === 0 ? 5 : Math.min(chunk, total - buf.length);
      const res = await getSdr(resId, id, buf.length, count);
      if (res.completionCode === CC_RESERVATION_CANCELLED) {
        cancelled = true;
        break;
      }
      if (CC_TOO_MUCH.has(res.completionCode) && (chunk === 0xff || chunk > 4)) {
        chunk = chunk === 0xff ? 16 : Math.max(4, chunk >> 1);
        continue;
      }
      if (res.completionCode === 0xcb && id === 0 && records.length === 0) return records; // empty repository
      if (res.completionCode !== 0) {
        throw ipmiError('IPMI_COMPLETION_CODE', `Get SDR ${hex(id, 4)} failed on BMC ${r.target}: completion code ${hex(res.completionCode)}.`, {
          target: r.target,
          command: 'Get SDR',
          completionCode: res.completionCode,
          recordId: id,
        });
      }
      need(res.data, 2, 'Get SDR', r.target);
      next = res.data.readUInt16LE(0);
      const part = res.data.subarray(2);
      if (part.length === 0) throw ipmiError('IPMI_BAD_RESPONSE', `BMC ${r.target} returned an empty SDR piece.`, { target: r.target });
      buf = Buffer.concat([buf, part]);
      if (buf.length >= 5) total = 5 + buf[4];
      if (chunk === 0xff && buf.length < total) chunk = 16; // the BMC cut the record short
    }
    if (cancelled) {
      if (++retries > 5) {
        throw ipmiError('IPMI_COMPLETION_CODE', `The SDR reservation on BMC ${r.target} keeps being cancelled: retry when the SDR repository is not being updated.`, {
          target: r.target,
          completionCode: CC_RESERVATION_CANCELLED,
        });
      }
      resId = await reserve();
      continue;
    }
    const raw = buf.subarray(0, total);
    records.push({ recordId: raw.readUInt16LE(0), version: raw[2], type: raw[3], raw });
    seen.add(id);
    id = next;
  }
  return records;
}

// ---------------------------------------------------------------------------------------------------
// Record parsing

export interface LinearConversion {
  m: number;
  b: number;
  /** B exponent (K1). */
  bExp: number;
  /** Result exponent (K2). */
  rExp: number;
  /** 0 unsigned, 1 one's complement, 2 two's complement, 3 no analog reading (units 1 bits 7:6). */
  analogFormat: number;
  /** Linearization function (table 43-1 byte 24): 0 linear ... 11 cube root; 0x70-0x7F non-linear. */
  linearization: number;
}

export interface SensorRecord {
  recordId: number;
  recordType: 'full' | 'compact';
  ownerId: number;
  ownerLun: number;
  number: number;
  entityId: number;
  entityInstance: number;
  sensorType: number;
  sensorTypeName: string;
  /** Event/Reading type code: 0x01 threshold, 0x02-0x0C generic discrete, 0x6F sensor-specific. */
  eventReadingType: number;
  threshold: boolean;
  name: string;
  unit: string;
  conversion?: LinearConversion;
  thresholds?: Partial<Record<ThresholdName, number>>;
}

export type ThresholdName = 'lowerNonCritical' | 'lowerCritical' | 'lowerNonRecoverable' | 'upperNonCritical' | 'upperCritical' | 'upperNonRecoverable';
const THRESHOLDS: ThresholdName[] = ['lowerNonCritical', 'lowerCritical', 'lowerNonRecoverable', 'upperNonCritical', 'upperCritical', 'upperNonRecoverable'];

/** Sensor type codes (table 42-3). */
export const SENSOR_TYPES: Record<number, string> = {
  0x01: 'Temperature', 0x02: 'Voltage', 0x03: 'Current', 0x04: 'Fan', 0x05: 'Physical Security', 0x06: 'Platform Security',
  0x07: 'Processor', 0x08: 'Power Supply', 0x09: 'Power Unit', 0x0a: 'Cooling Device', 0x0b: 'Other Units-based Sensor',
  0x0c: 'Memory', 0x0d: 'Drive Slot', 0x0e: 'POST Memory Resize', 0x0f: 'System Firmware Progress', 0x10: 'Event Logging Disabled',
  0x11: 'Watchdog 1', 0x12: 'System Event', 0x13: 'Critical Interrupt', 0x14: 'Button / Switch', 0x15: 'Module / Board',
  0x16: 'Microcontroller / Coprocessor', 0x17: 'Add-in Card', 0x18: 'Chassis', 0x19: 'Chip Set', 0x1a: 'Other FRU',
  0x1b: 'Cable / Interconnect', 0x1c: 'Terminator', 0x1d: 'System Boot Initiated', 0x1e: 'Boot Error', 0x1f: 'OS Boot',
  0x20: 'OS Critical Stop', 0x21: 'Slot / Connector', 0x22: 'System ACPI Power State', 0x23: 'Watchdog 2', 0x24: 'Platform Alert',
  0x25: 'Entity Presence', 0x26: 'Monitor ASIC', 0x27: 'LAN', 0x28: 'Management Subsystem Health', 0x29: 'Battery',
  0x2a: 'Session Audit', 0x2b: 'Version Change', 0x2c: 'FRU State',
};

/** Base unit codes (table 43-15). */
export const UNITS: string[] = [
  'unspecified', 'degrees C', 'degrees F', 'degrees K', 'Volts', 'Amps', 'Watts', 'Joules', 'Coulombs', 'VA', 'Nits', 'lumen',
  'lux', 'Candela', 'kPa', 'PSI', 'Newton', 'CFM', 'RPM', 'Hz', 'microsecond', 'millisecond', 'second', 'minute', 'hour', 'day',
  'week', 'mil', 'inches', 'feet', 'cu in', 'cu feet', 'mm', 'cm', 'm', 'cu cm', 'cu m', 'liters', 'fluid ounce', 'radians',
  'steradians', 'revolutions', 'cycles', 'gravities', 'ounce', 'pound', 'ft-lb', 'oz-in', 'gauss', 'gilberts', 'henry',
  'millihenry', 'farad', 'microfarad', 'ohms', 'siemens', 'mole', 'becquerel', 'PPM', 'reserved', 'Decibels', 'DbA', 'DbC',
  'gray', 'sievert', 'color temp deg K', 'bit', 'kilobit', 'megabit', 'gigabit', 'byte', 'kilobyte', 'megabyte', 'gigabyte',
  'word', 'dword', 'qword', 'line', 'hit', 'miss', 'retry', 'reset', 'overrun / overflow', 'underrun', 'collision', 'packets',
  'messages', 'characters', 'error', 'correctable error', 'uncorrectable error', 'fatal error', 'grams',
];
const RATES = ['', ' per µs', ' per ms', ' per s', ' per minute', ' per hour', ' per day', ''];

/** Sensor Units 1/2/3 (bytes 21-23 of full and compact records) as text, e.g. "degrees C", "RPM", "%". */
export function unitText(units1: number, base: number, modifier: number): string {
  const name = (c: number) => UNITS[c] ?? `unit ${c}`;
  let u = name(base);
  const mod = (units1 >> 1) & 0x03; // 01: base/modifier, 10: base*modifier
  if (mod === 1) u = `${u}/${name(modifier)}`;
  else if (mod === 2) u = `${u}*${name(modifier)}`;
  u += RATES[(units1 >> 3) & 0x07];
  if (units1 & 0x01) u = base === 0 ? '%' : `% ${u}`;
  return base === 0 && !(units1 & 0x01) ? '' : u;
}

/** Sign-extends a `bits`-wide two's complement value. */
const signed = (v: number, bits: number) => (v & (1 << (bits - 1)) ? v - (1 << bits) : v);

/** Device ID string (type/length byte, section 43.15): 8-bit ASCII+Latin1, 6-bit packed ASCII, BCD plus. */
export function decodeIdString(typeLen: number, bytes: Buffer): string {
  const type = typeLen >> 6;
  const len = typeLen & 0x1f;
  const b = bytes.subarray(0, len);
  if (type === 3 || type === 0) return b.toString('latin1').replace(/\0.*$/s, '').trim();
  if (type === 2) {
    // 6-bit packed ASCII: four characters in three bytes, least significant bits first; 0x20 offset.
    let bits = 0;
    let acc = 0;
    let s = '';
    for (const byte of b) {
      acc |= byte << bits;
      bits += 8;
      while (bits >= 6) {
        s += String.fromCharCode((acc & 0x3f) + 0x20);
        acc >>= 6;
        bits -= 6;
      }
    }
    return s.trim();
  }
  const BCD = '0123456789 -.:,_';
  let s = '';
  for (const byte of b) s += BCD[byte & 0x0f] + BCD[byte >> 4];
  return s.trim();
}

/** Parses a full (type 0x01) or compact (type 0x02) sensor record; other record types give undefined. */
export function parseSensorRecord(rec: SdrRecord): SensorRecord | undefined {
  const d = rec.raw;
  if (rec.type !== 0x01 && rec.type !== 0x02) return undefined;
  const full = rec.type === 0x01;
  if (d.length < (full ? 48 : 32)) return undefined;
  // Byte numbers below are the spec's (1-based, header included); the index is one less.
  const common = {
    recordId: rec.recordId,
    recordType: full ? ('full' as const) : ('compact' as const),
    ownerId: d[5],
    ownerLun: d[6] & 0x03,
    number: d[7],
    entityId: d[8],
    entityInstance: d[9] & 0x7f,
    sensorType: d[12],
    sensorTypeName: SENSOR_TYPES[d[12]] ?? (d[12] >= 0xc0 ? 'OEM' : `type ${hex(d[12])}`),
    eventReadingType: d[13],
    threshold: d[13] === 0x01,
    unit: unitText(d[20], d[21], d[22]),
  };
  if (!full) return { ...common, name: decodeIdString(d[31], d.subarray(32)) };
  const conversion: LinearConversion = {
    m: signed(d[24] | ((d[25] & 0xc0) << 2), 10), // byte 25 M LS, byte 26 bits 7:6 M MS
    b: signed(d[26] | ((d[27] & 0xc0) << 2), 10), // byte 27 B LS, byte 28 bits 7:6 B MS
    rExp: signed(d[29] >> 4, 4), // byte 30 bits 7:4 R (result) exponent
    bExp: signed(d[29] & 0x0f, 4), // byte 30 bits 3:0 B exponent
    analogFormat: d[20] >> 6,
    linearization: d[23] & 0x7f,
  };
  const rec1: SensorRecord = { ...common, name: decodeIdString(d[47], d.subarray(48)), conversion };
  if (common.threshold && conversion.analogFormat !== 3) {
    const readable = d[18] & 0x3f; // byte 19: readable threshold mask (table 43-1)
    const idx: Record<ThresholdName, number> = {
      upperNonRecoverable: 36, upperCritical: 37, upperNonCritical: 38,
      lowerNonRecoverable: 39, lowerCritical: 40, lowerNonCritical: 41,
    };
    const t: Partial<Record<ThresholdName, number>> = {};
    THRESHOLDS.forEach((name, bit) => {
      if (readable & (1 << bit)) {
        const v = convertReading(d[idx[name]], conversion);
        if (v !== undefined) t[name] = v;
      }
    });
    rec1.thresholds = t;
  }
  return rec1;
}

const LINEARIZE: Array<(x: number) => number> = [
  (x) => x, Math.log, Math.log10, Math.log2, Math.exp, (x) => 10 ** x, (x) => 2 ** x,
  (x) => 1 / x, (x) => x * x, (x) => x * x * x, Math.sqrt, Math.cbrt,
];

/**
 * y = L[(M·x + B·10^K1) · 10^K2] (section 36.3), x interpreted per the analog data format.
 * Returns undefined for "no analog reading" and for non-linear sensors (which need Get Sensor Reading Factors).
 */
export function convertReading(raw: number, c: LinearConversion): number | undefined {
  let x = raw & 0xff;
  if (c.analogFormat === 3) return undefined;
  if (c.analogFormat === 1) x = x & 0x80 ? -((~x) & 0xff) : x; // one's complement
  if (c.analogFormat === 2) x = signed(x, 8);
  const f = LINEARIZE[c.linearization];
  if (!f) return undefined;
  const y = f((c.m * x + c.b * 10 ** c.bExp) * 10 ** c.rExp);
  return Number.isFinite(y) ? Number(y.toPrecision(10)) : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Readings

export type ThresholdStatus = 'ok' | 'non-critical' | 'critical' | 'non-recoverable';

export interface SensorReading {
  record: SensorRecord;
  name: string;
  type: string;
  unit: string;
  /** 'ok', or why there is no reading. */
  state: 'ok' | 'unavailable' | 'scanning-disabled' | 'not-readable' | 'error';
  raw?: number;
  value?: number;
  /** Threshold sensors: the most severe threshold crossed. */
  status?: ThresholdStatus;
  /** Threshold comparison bits that are set (threshold sensors). */
  crossed?: ThresholdName[];
  /** Discrete sensors: state bits 0-14. */
  states?: number;
  completionCode?: number;
}

/** Get Sensor Reading (section 35.14): reading, flags, threshold/discrete state bytes. */
export function parseSensorReading(rec: SensorRecord, d: Buffer): SensorReading {
  const base = { record: rec, name: rec.name, type: rec.sensorTypeName, unit: rec.unit };
  if (d.length < 2) return { ...base, state: 'error' };
  if (d[1] & 0x20) return { ...base, state: 'unavailable' }; // bit 5: reading/state unavailable
  if (!(d[1] & 0x40)) return { ...base, state: 'scanning-disabled' }; // bit 6: sensor scanning enabled
  const out: SensorReading = { ...base, state: 'ok', raw: d[0] };
  if (rec.threshold) {
    if (rec.conversion) out.value = convertReading(d[0], rec.conversion);
    const bits = d.length > 2 ? d[2] & 0x3f : 0;
    out.crossed = THRESHOLDS.filter((_, i) => bits & (1 << i));
    out.status = bits & 0x24 ? 'non-recoverable' : bits & 0x12 ? 'critical' : bits & 0x09 ? 'non-critical' : 'ok';
  } else {
    out.states = (d.length > 2 ? d[2] : 0) | (d.length > 3 ? (d[3] & 0x7f) << 8 : 0);
  }
  return out;
}

export async function getSensorReading(r: IpmiRequester, rec: SensorRecord, opts?: IpmiRequestOptions): Promise<SensorReading> {
  if (rec.ownerId !== 0x20) {
    // Owned by another controller: would need bridging (section 6.13), which this client does not do.
    return { record: rec, name: rec.name, type: rec.sensorTypeName, unit: rec.unit, state: 'not-readable' };
  }
  const res = await r.rawRequest(NetFn.sensorEvent, 0x2d, [rec.number], { ...opts, lun: rec.ownerLun, what: 'Get Sensor Reading' });
  if (res.completionCode !== 0) {
    const unavailable = res.completionCode === 0xcb || res.completionCode === 0xd5 || res.completionCode === 0xcd;
    return {
      record: rec, name: rec.name, type: rec.sensorTypeName, unit: rec.unit,
      state: unavailable ? 'unavailable' : 'error', completionCode: res.completionCode,
    };
  }
  return parseSensorReading(rec, res.data);
}

/**
 * Get Sensor Thresholds (section 35.9): the BMC's current thresholds of a threshold sensor with a
 * full record, converted; undefined when the BMC has none or refuses (the SDR values remain).
 */
export async function getSensorThresholds(
  r: IpmiRequester,
  rec: SensorRecord,
  opts?: IpmiRequestOptions,
): Promise<Partial<Record<ThresholdName, number>> | undefined> {
  if (!rec.threshold || !rec.conversion || rec.ownerId !== 0x20) return undefined;
  const res = await r.rawRequest(NetFn.sensorEvent, 0x27, [rec.number], { ...opts, lun: rec.ownerLun, what: 'Get Sensor Thresholds' });
  if (res.completionCode !== 0 || res.data.length < 7) return undefined;
  const readable = res.data[0]; // bit order as in the SDR mask: LNC, LC, LNR, UNC, UC, UNR
  const t: Partial<Record<ThresholdName, number>> = {};
  THRESHOLDS.forEach((name, bit) => {
    if (readable & (1 << bit)) {
      const v = convertReading(res.data[1 + bit], rec.conversion!);
      if (v !== undefined) t[name] = v;
    }
  });
  return t;
}

export interface ReadSensorsOptions extends SdrWalkOptions {
  /** Also ask the BMC for each threshold sensor's current thresholds (one more request per sensor). */
  queryThresholds?: boolean;
}

/** Walks the SDR repository and reads every full/compact sensor. */
export async function readSensors(r: IpmiRequester, o: ReadSensorsOptions = {}): Promise<SensorReading[]> {
  const records = await readSdrRepository(r, o);
  const opts = { timeoutMs: o.timeoutMs, retransmitMs: o.retransmitMs, signal: o.signal };
  const out: SensorReading[] = [];
  for (const rec of records) {
    const s = parseSensorRecord(rec);
    if (!s) continue;
    if (o.queryThresholds) {
      const t = await getSensorThresholds(r, s, opts);
      if (t) s.thresholds = t;
    }
    out.push(await getSensorReading(r, s, opts));
  }
  return out;
}
