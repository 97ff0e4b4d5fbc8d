import { describe, expect, it } from 'vitest';
import {
  convertReading,
  decodeIdString,
  parseSensorReading,
  parseSensorRecord,
  unitText,
  type LinearConversion,
  type SdrRecord,
} from '../../../main/protocols/ipmi/commands/sdr';

const lin = (o: Partial<LinearConversion>): LinearConversion => ({ m: 1, b: 0, bExp: 0, rExp: 0, analogFormat: 0, linearization: 0, ...o });

/** A full sensor record (table 43-1), 1-based byte numbers in the comments. */
function fullRecord(o: { id?: number; num: number; type: number; units1?: number; unit: number; m: number; b?: number; bExp?: number; rExp?: number; lin?: number; name: string; th?: number[]; readable?: number }): SdrRecord {
  const m = o.m & 0x3ff;
  const b = (o.b ?? 0) & 0x3ff;
  const name = Buffer.from(o.name, 'latin1');
  const body = [
    0x20, 0x00, o.num, 0x03, 0x01, 0x7f, 0x68, o.type, 0x01, // bytes 6-14
    0, 0, 0, 0, o.readable ?? 0, 0, // 15-20: masks; byte 19 readable, byte 20 settable thresholds
    o.units1 ?? 0, o.unit, 0, o.lin ?? 0, // 21-24
    m & 0xff, (m >> 8) << 6, b & 0xff, (b >> 8) << 6, 0, // 25-29
    (((o.rExp ?? 0) & 0x0f) << 4) | ((o.bExp ?? 0) & 0x0f), // 30
    0, 0, 0, 0, 0xff, 0, // 31-36
    ...(o.th ?? [0, 0, 0, 0, 0, 0]), // 37-42: UNR UC UNC LNR LC LNC
    0, 0, 0, 0, 0, // 43-47
    0xc0 | name.length, ...name,
  ];
  const raw = Buffer.from([(o.id ?? 1) & 0xff, (o.id ?? 1) >> 8, 0x51, 0x01, body.length, ...body]);
  return { recordId: o.id ?? 1, version: 0x51, type: 0x01, raw };
}

describe('sensor reading conversion y = L[(M x + B 10^K1) 10^K2] (section 36.3)', () => {
  it('temperatures, fans and voltages with M, B and exponents', () => {
    expect(convertReading(45, lin({}))).toBe(45); // degrees C, M = 1
    expect(convertReading(96, lin({ m: 50 }))).toBe(4800); // RPM, M = 50
    expect(convertReading(121, lin({ rExp: -1 }))).toBe(12.1); // volts, K2 = -1
    expect(convertReading(190, lin({ m: 63, rExp: -3 }))).toBe(11.97);
    expect(convertReading(100, lin({ m: 2, b: -3, bExp: 1, rExp: -1 }))).toBe(17); // (200 - 30) / 10
    expect(convertReading(50, lin({ m: 4, b: 10, bExp: 1 }))).toBe(300); // watts: 4x + 100
  });
  it('signed readings and negative M', () => {
    expect(convertReading(10, lin({ m: -1 }))).toBe(-10);
    expect(convertReading(0xf6, lin({ analogFormat: 2 }))).toBe(-10); // two's complement
    expect(convertReading(0xf5, lin({ analogFormat: 1 }))).toBe(-10); // one's complement
    expect(convertReading(0xf6, lin({}))).toBe(246);
  });
  it('linearization functions and no-reading formats', () => {
    expect(convertReading(4, lin({ linearization: 7 }))).toBe(0.25); // 1/x
    expect(convertReading(3, lin({ linearization: 8 }))).toBe(9); // x^2
    expect(convertReading(2, lin({ linearization: 5 }))).toBe(100); // 10^x
    expect(convertReading(1, lin({ analogFormat: 3 }))).toBeUndefined();
    expect(convertReading(1, lin({ linearization: 0x70 }))).toBeUndefined(); // non-linear: needs reading factors
  });
});

describe('SDR parsing (sections 43.1, 43.2, 43.15)', () => {
  it('parses a full threshold record with 10-bit signed M/B, exponents, units and thresholds', () => {
    const rec = fullRecord({ num: 3, type: 0x02, unit: 4, m: 1, rExp: -1, name: '12V', th: [0, 132, 126, 0, 108, 114], readable: 0x1b });
    const s = parseSensorRecord(rec)!;
    expect(s).toMatchObject({ recordType: 'full', number: 3, sensorType: 2, sensorTypeName: 'Voltage', name: '12V', unit: 'Volts', threshold: true });
    expect(s.conversion).toEqual(lin({ rExp: -1 }));
    expect(s.thresholds).toEqual({ lowerNonCritical: 11.4, lowerCritical: 10.8, upperNonCritical: 12.6, upperCritical: 13.2 });
    const neg = parseSensorRecord(fullRecord({ num: 1, type: 1, unit: 1, m: -2, b: -300, bExp: -1, rExp: 2, name: 'x' }))!;
    expect(neg.conversion).toMatchObject({ m: -2, b: -300, bExp: -1, rExp: 2 });
  });

  it('parses a compact record (no conversion factors)', () => {
    const name = Buffer.from('PS1 Status');
    const body = [0x20, 0x00, 0x05, 0x0a, 0x01, 0x7f, 0x40, 0x08, 0x6f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc0 | name.length, ...name];
    const s = parseSensorRecord({ recordId: 9, version: 0x51, type: 0x02, raw: Buffer.from([9, 0, 0x51, 0x02, body.length, ...body]) })!;
    expect(s).toMatchObject({ recordType: 'compact', number: 5, sensorTypeName: 'Power Supply', eventReadingType: 0x6f, threshold: false, name: 'PS1 Status', unit: '' });
    expect(s.conversion).toBeUndefined();
    expect(parseSensorRecord({ recordId: 1, version: 0x51, type: 0x12, raw: Buffer.alloc(20) })).toBeUndefined();
  });

  it('decodes 8-bit, 6-bit packed ASCII and BCD plus ID strings', () => {
    expect(decodeIdString(0xc4, Buffer.from('Fan1xx'))).toBe('Fan1');
    expect(decodeIdString(0x83, Buffer.from([0xa1, 0x38, 0x92]))).toBe('ABCD');
    expect(decodeIdString(0x42, Buffer.from([0x21, 0xa3]))).toBe('123'); // BCD plus, 0xA = space
  });

  it('builds unit text from Sensor Units 1/2/3', () => {
    expect(unitText(0, 1, 0)).toBe('degrees C');
    expect(unitText(0, 18, 0)).toBe('RPM');
    expect(unitText(0, 6, 0)).toBe('Watts');
    expect(unitText(0x01, 0, 0)).toBe('%');
    expect(unitText(0x02, 17, 23)).toBe('CFM/minute'); // modifier: base / modifier
    expect(unitText(0x18, 7, 0)).toBe('Joules per s'); // rate unit 3
    expect(unitText(0, 0, 0)).toBe('');
  });
});

describe('Get Sensor Reading (section 35.14)', () => {
  const temp = parseSensorRecord(fullRecord({ num: 1, type: 0x01, unit: 1, m: 1, name: 'CPU Temp' }))!;
  it('converts the reading and reports crossed thresholds', () => {
    expect(parseSensorReading(temp, Buffer.from([45, 0x40, 0x00]))).toMatchObject({ state: 'ok', raw: 45, value: 45, status: 'ok', crossed: [] });
    expect(parseSensorReading(temp, Buffer.from([88, 0x40, 0x18]))).toMatchObject({ value: 88, status: 'critical', crossed: ['upperNonCritical', 'upperCritical'] });
    expect(parseSensorReading(temp, Buffer.from([99, 0x40, 0x38])).status).toBe('non-recoverable');
  });
  it('reports unavailable and disabled sensors without a value', () => {
    const r = parseSensorReading(temp, Buffer.from([0, 0x60, 0]));
    expect(r.state).toBe('unavailable');
    expect(r.value).toBeUndefined();
    expect(parseSensorReading(temp, Buffer.from([0, 0x00, 0]))).toMatchObject({ state: 'scanning-disabled' });
  });
});
