// System boot options (section 28.12-28.13, table 28-14 parameter 5 "boot flags").

import { NetFn } from '../constants';
import { ipmiError } from '../errors';
import type { IpmiRequestOptions, IpmiRequester } from '../types';
import { need } from './util';

/** Boot device selector, bits 5:2 of boot flags data byte 2. */
export const BOOT_DEVICES = {
  none: 0x0,
  pxe: 0x1,
  disk: 0x2,
  'disk-safe-mode': 0x3,
  diagnostic: 0x4,
  cdrom: 0x5,
  bios: 0x6, // BIOS setup
  'remote-floppy': 0x7,
  'remote-cdrom': 0x8,
  'remote-media': 0x9,
  'remote-disk': 0xb,
  floppy: 0xf,
} as const;
export type BootDevice = keyof typeof BOOT_DEVICES;

export interface BootFlags {
  device: BootDevice;
  /** Applies to every boot, not only the next one. */
  persistent: boolean;
  /** Boot in UEFI mode (bit 5 of data byte 1) instead of legacy BIOS. */
  efi: boolean;
}

export interface BootFlagsState extends BootFlags {
  /** The "boot flags valid" bit: false means the BMC will not apply an override. */
  valid: boolean;
  raw: Buffer;
}

export function encodeBootFlags(f: BootFlags): Buffer {
  const dev = BOOT_DEVICES[f.device];
  if (dev === undefined) throw ipmiError('IPMI_INVALID_ARGUMENT', `Unknown boot device "${String(f.device)}".`, { device: String(f.device) });
  const b = Buffer.alloc(5);
  b[0] = 0x80 | (f.persistent ? 0x40 : 0) | (f.efi ? 0x20 : 0); // valid, persistent, boot type EFI
  b[1] = dev << 2;
  return b;
}

export function decodeBootFlags(d: Buffer): BootFlagsState {
  const code = (d[1] >> 2) & 0x0f;
  const device = (Object.keys(BOOT_DEVICES) as BootDevice[]).find((k) => BOOT_DEVICES[k] === code) ?? 'none';
  return { valid: (d[0] & 0x80) !== 0, persistent: (d[0] & 0x40) !== 0, efi: (d[0] & 0x20) !== 0, device, raw: Buffer.from(d) };
}

/** Set System Boot Options (chassis cmd 0x08), parameter 5: the next boot (or every boot) uses `device`. */
export async function setBootDevice(r: IpmiRequester, f: BootFlags, opts?: IpmiRequestOptions): Promise<void> {
  const data = Buffer.concat([Buffer.from([0x05]), encodeBootFlags(f)]); // bit 7 of the selector 0: parameter not locked
  await r.request(NetFn.chassis, 0x08, data, { ...opts, what: `Set System Boot Options (boot device ${f.device})` });
}

/** Get System Boot Options (chassis cmd 0x09), parameter 5, set selector 0, block selector 0. */
export async function getBootFlags(r: IpmiRequester, opts?: IpmiRequestOptions): Promise<BootFlagsState> {
  const d = await r.request(NetFn.chassis, 0x09, [0x05, 0x00, 0x00], { ...opts, what: 'Get System Boot Options' });
  need(d, 4, 'Get System Boot Options', r.target);
  const flags = Buffer.alloc(5);
  d.subarray(2, 7).copy(flags); // byte 1 parameter version, byte 2 valid bit + selector, then the data
  return decodeBootFlags(flags);
}
