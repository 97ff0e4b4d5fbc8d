// Payload commands (IPMI 2.0 section 24): Activate Payload (24.1), Deactivate Payload (24.2) and
// Get Payload Activation Status (24.4), for the SOL payload (type 1). Encoders and decoders are pure;
// the async wrappers take any IpmiRequester and turn completion codes into SOL_* errors.

import { NetFn, PayloadType } from '../constants';
import { completionCodeError } from '../errors';
import type { IpmiRequestOptions, IpmiRequester } from '../types';
import { solError } from './errors';

export const CMD_ACTIVATE_PAYLOAD = 0x48;
export const CMD_DEACTIVATE_PAYLOAD = 0x49;
export const CMD_GET_PAYLOAD_ACTIVATION_STATUS = 0x4a;

/** Activate Payload auxiliary byte 1 for SOL (table 24-2). */
export const SolActivation = {
  encrypt: 0x80,
  authenticate: 0x40,
  /** Bits 3:2 = 01b: serial/modem alerts are deferred while SOL is active. */
  alertsDeferred: 0x04,
  /**
   * Bit 1, SOL startup handshake: CTS and DCD/DSR stay deasserted until the console's first SOL
   * packet (our empty synchronising one, with those operation bits clear) asserts them. As ipmitool.
   */
  startupHandshake: 0x02,
} as const;

/** Activate Payload completion codes (table 24-2). */
export const ActivateCc = {
  alreadyActive: 0x80,
  typeDisabled: 0x81,
  limitReached: 0x82,
  needsEncryption: 0x83,
  needsNoEncryption: 0x84,
} as const;

export interface ActivateRequest {
  instance: number;
  encrypt: boolean;
  authenticate: boolean;
}

export function encodeActivatePayload(r: ActivateRequest): Buffer {
  const aux = (r.encrypt ? SolActivation.encrypt : 0) | (r.authenticate ? SolActivation.authenticate : 0) | SolActivation.alertsDeferred | SolActivation.startupHandshake;
  return Buffer.from([PayloadType.sol, r.instance & 0x0f, aux, 0, 0, 0]);
}

export interface ActivateResponse {
  /** Largest SOL payload (header included) the BMC accepts from us. */
  inboundPayloadSize: number;
  /** Largest SOL payload the BMC sends. */
  outboundPayloadSize: number;
  /** UDP port the SOL payload uses; the session's own port in practice. */
  port: number;
  vlan: number;
}

export function decodeActivatePayload(data: Buffer): ActivateResponse {
  if (data.length < 10) throw new Error(`Activate Payload response too short (${data.length} bytes)`);
  return {
    inboundPayloadSize: data.readUInt16LE(4),
    outboundPayloadSize: data.readUInt16LE(6),
    port: data.readUInt16LE(8),
    vlan: data.length >= 12 ? data.readUInt16LE(10) : 0xffff,
  };
}

export const encodeDeactivatePayload = (instance: number): Buffer => Buffer.from([PayloadType.sol, instance & 0x0f, 0, 0, 0, 0]);

export interface ActivationStatus {
  /** How many instances of the payload the BMC supports. */
  capacity: number;
  /** Instance numbers (1-based) that are active now, on any session. */
  active: number[];
}

export function decodeActivationStatus(data: Buffer): ActivationStatus {
  if (data.length < 3) throw new Error(`Get Payload Activation Status response too short (${data.length} bytes)`);
  const bits = data[1] | (data[2] << 8);
  const active: number[] = [];
  for (let i = 0; i < 16; i++) if (bits & (1 << i)) active.push(i + 1);
  return { capacity: data[0] & 0x0f, active };
}

export async function activateSolPayload(s: IpmiRequester, r: ActivateRequest, opts?: IpmiRequestOptions): Promise<ActivateResponse> {
  const res = await s.rawRequest(NetFn.app, CMD_ACTIVATE_PAYLOAD, encodeActivatePayload(r), { ...opts, what: 'Activate Payload (SOL)' });
  const params = { target: s.target, instance: r.instance, completionCode: res.completionCode };
  switch (res.completionCode) {
    case 0:
      return decodeActivatePayload(res.data);
    case ActivateCc.alreadyActive:
    case ActivateCc.limitReached:
      throw solError(
        'SOL_BUSY',
        `Serial over LAN on BMC ${s.target} is already active in another session: close that console, or deactivate it (ipmitool ... sol deactivate); a console that died keeps it busy for about 40 s.`,
        params,
      );
    case 0xc1: // invalid command: the BMC implements no payloads at all
    case ActivateCc.typeDisabled:
      throw solError('SOL_UNSUPPORTED', `BMC ${s.target} does not offer Serial over LAN (SOL is missing or disabled on this BMC).`, params);
    case ActivateCc.needsEncryption:
    case ActivateCc.needsNoEncryption:
      throw solError('SOL_UNSUPPORTED', `BMC ${s.target} refused Serial over LAN with this session's encryption setting: use cipher suite 3 or 17 and check the BMC's SOL "force encryption" setting.`, params);
    default:
      throw completionCodeError(res.completionCode, 'Activate Payload (SOL)', s.target);
  }
}

/** Resolves true when the payload was deactivated now, false when it was not active (cc 0x80). */
export async function deactivateSolPayload(s: IpmiRequester, instance: number, opts?: IpmiRequestOptions): Promise<boolean> {
  const res = await s.rawRequest(NetFn.app, CMD_DEACTIVATE_PAYLOAD, encodeDeactivatePayload(instance), { ...opts, what: 'Deactivate Payload (SOL)' });
  if (res.completionCode === 0) return true;
  if (res.completionCode === 0x80) return false;
  throw completionCodeError(res.completionCode, 'Deactivate Payload (SOL)', s.target);
}

export async function getSolActivationStatus(s: IpmiRequester, opts?: IpmiRequestOptions): Promise<ActivationStatus> {
  const data = await s.request(NetFn.app, CMD_GET_PAYLOAD_ACTIVATION_STATUS, [PayloadType.sol], { ...opts, what: 'Get Payload Activation Status (SOL)' });
  return decodeActivationStatus(data);
}
