// Native IPMI 2.0 LAN (RMCP+) client. Plain Node (node:dgram, node:crypto); no Electron, no ipmitool.
//
//   const pool = new IpmiEndpointPool();                    // one UDP socket for every session
//   const st = await withIpmiSession(pool, { host, port, user, password, cipherSuite: 3 },
//     (s) => s.chassisStatus(), { timeoutMs: 6000, retransmitMs: 400, signal });
//   const results = await ipmiBatch(pool, endpoints, (s) => s.chassisStatus());  // Result<T>[]
//   await pool.close();                                     // closes sessions still open, then the socket
//
// Errors are AppError with codes IPMI_* (see errors.ts); messages and params never hold a password.
// Serial over LAN on a session: see ./sol (openSol, SolConsole; errors SOL_*).
export { IpmiEndpointPool, type IpmiPoolOptions, type PoolStats, type ProbeResult } from './transport';
export { IpmiSession, normalizePrivilege, channelAuthAnswer, channelAuthRequest } from './session';
export { openIpmiSession, withIpmiSession, ipmiBatch, type BatchOptions } from './api';
export type { IpmiEndpoint, IpmiRequestOptions, IpmiSessionOptions, IpmiRequester, RawResponse } from './types';
export { type IpmiErrorCode, isIpmiError } from './errors';
export { NetFn, Privilege, PayloadType, completionCodeText, type PrivilegeName } from './constants';
export { CIPHER_SUITES, type CipherSuiteId } from './crypto';
export * from './commands/device';
export * from './commands/chassis';
export * from './commands/boot';
export * from './commands/sdr';
export * from './commands/sel';
