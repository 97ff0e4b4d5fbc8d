// Chassis commands (section 28): Get Chassis Status (28.2), Chassis Control (28.3), Chassis Identify (28.5).

import { NetFn } from '../constants';
import { ipmiError } from '../errors';
import type { IpmiRequestOptions, IpmiRequester } from '../types';
import { need } from './util';

export type PowerRestorePolicy = 'always-off' | 'previous' | 'always-on' | 'unknown';
export type IdentifyState = 'off' | 'temporary' | 'indefinite' | 'unknown';

export interface ChassisStatus {
  powerOn: boolean;
  powerOverload: boolean;
  interlock: boolean;
  powerFault: boolean;
  powerControlFault: boolean;
  restorePolicy: PowerRestorePolicy;
  lastPowerEvent: {
    acFailed: boolean;
    overload: boolean;
    interlock: boolean;
    fault: boolean;
    /** The last power-on was caused by an IPMI command. */
    byIpmiCommand: boolean;
  };
  intrusion: boolean;
  frontPanelLockout: boolean;
  driveFault: boolean;
  coolingFault: boolean;
  /** undefined when the BMC does not report the identify state (byte 3 bit 6 clear). */
  identify?: IdentifyState;
}

const POLICIES: PowerRestorePolicy[] = ['always-off', 'previous', 'always-on', 'unknown'];
const IDENTIFY: IdentifyState[] = ['off', 'temporary', 'indefinite', 'unknown'];

/** Table 28-3: current power state, last power event, misc chassis state. */
export function parseChassisStatus(d: Buffer, target = 'BMC'): ChassisStatus {
  need(d, 3, 'Get Chassis Status', target);
  return {
    powerOn: (d[0] & 0x01) !== 0,
    powerOverload: (d[0] & 0x02) !== 0,
    interlock: (d[0] & 0x04) !== 0,
    powerFault: (d[0] & 0x08) !== 0,
    powerControlFault: (d[0] & 0x10) !== 0,
    restorePolicy: POLICIES[(d[0] >> 5) & 0x03],
    lastPowerEvent: {
      acFailed: (d[1] & 0x01) !== 0,
      overload: (d[1] & 0x02) !== 0,
      interlock: (d[1] & 0x04) !== 0,
      fault: (d[1] & 0x08) !== 0,
      byIpmiCommand: (d[1] & 0x10) !== 0,
    },
    intrusion: (d[2] & 0x01) !== 0,
    frontPanelLockout: (d[2] & 0x02) !== 0,
    driveFault: (d[2] & 0x04) !== 0,
    coolingFault: (d[2] & 0x08) !== 0,
    identify: (d[2] & 0x40) !== 0 ? IDENTIFY[(d[2] >> 4) & 0x03] : undefined,
  };
}

export async function getChassisStatus(r: IpmiRequester, opts?: IpmiRequestOptions): Promise<ChassisStatus> {
  return parseChassisStatus(await r.request(NetFn.chassis, 0x01, [], { ...opts, what: 'Get Chassis Status' }), r.target);
}

/** Table 28-4 control values. */
export const CHASSIS_CONTROL = {
  'power-down': 0x00,
  'power-up': 0x01,
  'power-cycle': 0x02,
  'hard-reset': 0x03,
  'diagnostic-interrupt': 0x04,
  'soft-shutdown': 0x05, // emulates a fatal over-temperature: ACPI soft shutdown
} as const;
export type ChassisControlAction = keyof typeof CHASSIS_CONTROL;

export async function chassisControl(r: IpmiRequester, action: ChassisControlAction, opts?: IpmiRequestOptions): Promise<void> {
  const code = CHASSIS_CONTROL[action];
  if (code === undefined) {
    throw ipmiError('IPMI_INVALID_ARGUMENT', `Unknown chassis control action "${String(action)}".`, { action: String(action) });
  }
  await r.request(NetFn.chassis, 0x02, [code], { ...opts, what: `Chassis Control (${action})` });
}

export interface IdentifyOptions {
  /** Seconds the identify light stays on; 0 turns it off. Default 15 (the spec's default). */
  intervalSec?: number;
  /** Turn it on until turned off (byte 2 bit 0). */
  force?: boolean;
}

/** Section 28.5: interval byte, then the optional "force identify on" byte. */
export async function chassisIdentify(r: IpmiRequester, o: IdentifyOptions = {}, opts?: IpmiRequestOptions): Promise<void> {
  const interval = o.intervalSec ?? 15;
  if (!Number.isInteger(interval) || interval < 0 || interval > 255) {
    throw ipmiError('IPMI_INVALID_ARGUMENT', `Identify interval must be 0-255 seconds, got ${interval}.`, { intervalSec: interval });
  }
  const data = o.force ? [interval, 0x01] : [interval];
  await r.request(NetFn.chassis, 0x04, data, { ...opts, what: 'Chassis Identify' });
}
