// Get Device ID (section 20.1, App netFn 0x06 cmd 0x01).

import { NetFn } from '../constants';
import type { IpmiRequestOptions, IpmiRequester } from '../types';
import { bcd, need } from './util';

export interface DeviceId {
  deviceId: number;
  deviceRevision: number;
  providesDeviceSdrs: boolean;
  /** false while the device firmware is being updated or self-initialising (bit 7 of byte 3). */
  available: boolean;
  firmwareVersion: string;
  ipmiVersion: string;
  /** "Additional Device Support" capabilities (byte 6). */
  supports: string[];
  manufacturerId: number;
  productId: number;
  auxFirmwareRevision?: string;
}

const SUPPORT_BITS = ['sensor', 'sdr-repository', 'sel', 'fru-inventory', 'ipmb-event-receiver', 'ipmb-event-generator', 'bridge', 'chassis'];

export function parseDeviceId(d: Buffer, target = 'BMC'): DeviceId {
  need(d, 11, 'Get Device ID', target);
  const supports = SUPPORT_BITS.filter((_, i) => (d[5] & (1 << i)) !== 0);
  return {
    deviceId: d[0],
    deviceRevision: d[1] & 0x0f,
    providesDeviceSdrs: (d[1] & 0x80) !== 0,
    available: (d[2] & 0x80) === 0,
    firmwareVersion: `${d[2] & 0x7f}.${String(bcd(d[3])).padStart(2, '0')}`,
    ipmiVersion: `${d[4] & 0x0f}.${d[4] >> 4}`, // BCD: bits 3:0 major, 7:4 minor
    supports,
    manufacturerId: d[6] | (d[7] << 8) | ((d[8] & 0x0f) << 16),
    productId: d.readUInt16LE(9),
    auxFirmwareRevision: d.length >= 15 ? d.subarray(11, 15).toString('hex') : undefined,
  };
}

export async function getDeviceId(r: IpmiRequester, opts?: IpmiRequestOptions): Promise<DeviceId> {
  return parseDeviceId(await r.request(NetFn.app, 0x01, [], { ...opts, what: 'Get Device ID' }), r.target);
}
