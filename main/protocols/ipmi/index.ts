// Native IPMI 2.0 LAN (RMCP+) client. Plain Node (node:dgram, node:crypto); no Electron, no ipmitool.
export { IpmiEndpointPool, type IpmiPoolOptions, type PoolStats, type ProbeResult } from './transport';
export { IpmiSession, normalizePrivilege } from './session';
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
