import { describe, expect, it } from 'vitest';
import { decodeBootFlags, encodeBootFlags } from '../../../main/protocols/ipmi/commands/boot';
import { parseChassisStatus } from '../../../main/protocols/ipmi/commands/chassis';
import { parseDeviceId } from '../../../main/protocols/ipmi/commands/device';
import { parseSelEntry, parseSelInfo } from '../../../main/protocols/ipmi/commands/sel';
import { completionCodeError } from '../../../main/protocols/ipmi/errors';

const h = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('Get Device ID (section 20.1)', () => {
  it('parses ipmi_sim\'s answer (mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02)', () => {
    const d = parseDeviceId(h('00 03 09 08 02 9f 91 12 00 02 0f 00 00 00 00'));
    expect(d).toMatchObject({
      deviceId: 0, deviceRevision: 3, providesDeviceSdrs: false, available: true, firmwareVersion: '9.08',
      ipmiVersion: '2.0', manufacturerId: 0x1291, productId: 0x0f02,
    });
    expect(d.supports).toEqual(['sensor', 'sdr-repository', 'sel', 'fru-inventory', 'ipmb-event-receiver', 'chassis']);
    expect(() => parseDeviceId(h('00 03'))).toThrow(expect.objectContaining({ code: 'IPMI_BAD_RESPONSE' }));
  });
});

describe('Get Chassis Status (table 28-3)', () => {
  it('decodes power, restore policy, last event and identify state', () => {
    const s = parseChassisStatus(h('41 10 60'));
    expect(s).toMatchObject({ powerOn: true, restorePolicy: 'always-on', identify: 'indefinite', intrusion: false });
    expect(s.lastPowerEvent.byIpmiCommand).toBe(true);
    expect(parseChassisStatus(h('00 00 00'))).toMatchObject({ powerOn: false, restorePolicy: 'always-off', identify: undefined });
    expect(parseChassisStatus(h('3e 01 0f'))).toMatchObject({
      powerOverload: true, interlock: true, powerFault: true, powerControlFault: true, restorePolicy: 'previous',
      intrusion: true, frontPanelLockout: true, driveFault: true, coolingFault: true,
    });
  });
});

describe('boot flags, parameter 5 (table 28-14)', () => {
  it('encodes device, persistence and the EFI bit', () => {
    expect(encodeBootFlags({ device: 'pxe', persistent: false, efi: false })).toEqual(h('80 04 00 00 00'));
    expect(encodeBootFlags({ device: 'disk', persistent: true, efi: true })).toEqual(h('e0 08 00 00 00'));
    expect(encodeBootFlags({ device: 'bios', persistent: false, efi: true })).toEqual(h('a0 18 00 00 00'));
    expect(decodeBootFlags(h('e0 08 00 00 00'))).toMatchObject({ valid: true, persistent: true, efi: true, device: 'disk' });
    expect(() => encodeBootFlags({ device: 'usb' as never, persistent: false, efi: false })).toThrow(expect.objectContaining({ code: 'IPMI_INVALID_ARGUMENT' }));
  });
});

describe('SEL (sections 31, 32)', () => {
  it('parses Get SEL Info', () => {
    const i = parseSelInfo(h('51 04 00 c0 3e 00 00 00 60 00 00 00 60 0a'));
    expect(i).toMatchObject({ version: '1.5', entries: 4, freeBytes: 0x3ec0, supportsReserve: true, supportsDelete: true, overflow: false });
    const t = parseSelInfo(h('51 00 00 00 10 80 f0 4d 65 00 00 00 00 02'));
    expect(t.lastAddTime?.toISOString()).toBe(new Date(0x654df080 * 1000).toISOString());
    expect(t.lastEraseTime).toBeUndefined();
  });
  it('parses a system event record', () => {
    const e = parseSelEntry(h('07 00 02 80 f0 4d 65 20 00 04 01 01 01 57 4e 4b'));
    expect(e).toMatchObject({
      recordId: 7, kind: 'system', generatorId: 0x20, evmRev: 4, sensorType: 1, sensorTypeName: 'Temperature',
      sensorNumber: 1, eventType: 0x01, assertion: true, eventData: [0x57, 0x4e, 0x4b],
    });
    expect(e.timestamp?.getTime()).toBe(0x654df080 * 1000);
    expect(parseSelEntry(h('08 00 02 80 f0 4d 65 20 00 04 01 01 81 57 46 4b')).assertion).toBe(false);
    expect(parseSelEntry(h('09 00 e0 00 00 00 00 00 00 00 00 00 00 00 00 00')).kind).toBe('oem');
  });
});

describe('completion code errors', () => {
  it('name the code, its meaning and a hint', () => {
    const e = completionCodeError(0xc1, 'Get Foo', 'bmc1');
    expect(e.code).toBe('IPMI_COMPLETION_CODE');
    expect(e.params).toMatchObject({ completionCode: 0xc1, completionCodeHex: '0xc1' });
    expect(e.message).toMatch(/0xc1 \(invalid command/);
    expect(completionCodeError(0xd4, 'Chassis Control', 'bmc1').message).toMatch(/higher privilege/);
  });
});
