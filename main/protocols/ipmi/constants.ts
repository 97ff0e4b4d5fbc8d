// Numbers from the IPMI v2.0 rev 1.1 specification. Section numbers are cited where used.

/** Network function codes (section 5.1, table 5-1). Requests are even; the response is netFn | 1. */
export const NetFn = {
  chassis: 0x00,
  sensorEvent: 0x04,
  app: 0x06,
  storage: 0x0a,
} as const;

/** Privilege levels (section 6.8, table 22-18 for Set Session Privilege Level). */
export const Privilege = {
  callback: 1,
  user: 2,
  operator: 3,
  administrator: 4,
  oem: 5,
} as const;
export type PrivilegeName = keyof typeof Privilege;
export type PrivilegeLevel = (typeof Privilege)[PrivilegeName];

export const privilegeName = (level: number): string =>
  (Object.keys(Privilege) as PrivilegeName[]).find((k) => Privilege[k] === level) ?? `level ${level}`;

/** RMCP+ payload types (section 13.27.3). */
export const PayloadType = {
  ipmi: 0x00,
  sol: 0x01,
  oemExplicit: 0x02,
  openSessionRequest: 0x10,
  openSessionResponse: 0x11,
  rakp1: 0x12,
  rakp2: 0x13,
  rakp3: 0x14,
  rakp4: 0x15,
} as const;

/** RMCP+ and RAKP message status codes (section 13.24, table 13-15). */
export const RMCPP_STATUS: Record<number, string> = {
  0x00: 'no errors',
  0x01: 'insufficient resources to create a session',
  0x02: 'invalid session ID',
  0x03: 'invalid payload type',
  0x04: 'invalid authentication algorithm',
  0x05: 'invalid integrity algorithm',
  0x06: 'no matching authentication payload',
  0x07: 'no matching integrity payload',
  0x08: 'inactive session ID',
  0x09: 'invalid role',
  0x0a: 'unauthorized role or privilege level requested',
  0x0b: 'insufficient resources to create a session at the requested role',
  0x0c: 'invalid name length',
  0x0d: 'unauthorized name',
  0x0e: 'unauthorized GUID',
  0x0f: 'invalid integrity check value',
  0x10: 'invalid confidentiality algorithm',
  0x11: 'no cipher suite match with proposed security algorithms',
  0x12: 'illegal or unrecognized parameter',
};

/** Generic completion codes (section 5.2, table 5-2). */
export const COMPLETION_CODES: Record<number, string> = {
  0x00: 'command completed normally',
  0xc0: 'node busy',
  0xc1: 'invalid command (not supported by this BMC)',
  0xc2: 'command invalid for given LUN',
  0xc3: 'timeout while processing command',
  0xc4: 'out of space',
  0xc5: 'reservation cancelled or invalid reservation ID',
  0xc6: 'request data truncated',
  0xc7: 'request data length invalid',
  0xc8: 'request data field length limit exceeded',
  0xc9: 'parameter out of range',
  0xca: 'cannot return number of requested data bytes',
  0xcb: 'requested sensor, data, or record not present',
  0xcc: 'invalid data field in request',
  0xcd: 'command illegal for specified sensor or record type',
  0xce: 'command response could not be provided',
  0xcf: 'cannot execute duplicated request',
  0xd0: 'SDR repository in update mode',
  0xd1: 'device in firmware update mode',
  0xd2: 'BMC initialization or initialization agent in progress',
  0xd3: 'destination unavailable',
  0xd4: 'insufficient privilege level',
  0xd5: 'command not supported in present state',
  0xd6: 'command sub-function disabled or unavailable',
  0xff: 'unspecified error',
};

export const completionCodeText = (cc: number): string =>
  COMPLETION_CODES[cc] ??
  (cc >= 0x80 && cc <= 0xbe ? 'command-specific error' : cc >= 0x01 && cc <= 0x7e ? 'OEM error' : 'unknown error');

/** Addresses used on the LAN channel (section 13.8): the BMC's slave address and the remote console's software ID. */
export const BMC_SLAVE_ADDR = 0x20;
export const REMOTE_SWID = 0x81;
