// Redfish client for BMCs: plain Node (node:tls, node:http, node:crypto), no Electron.
// See client.ts for the entry point and transport.ts for how certificate pinning works.
export { RedfishClient, isCertificateUnknown } from './client';
export type { RedfishClientOptions, OperationOptions, RedfishApi } from './client';
export { REDFISH_ERROR, isRedfishError } from './errors';
export type { RedfishErrorCode } from './errors';
export { normalizeFingerprint, fingerprintOf, probeCertificate, certificateFromError } from './transport';
export type { CertificateInfo, Endpoint } from './transport';
export type { AuthMode, Credentials, RedfishConnection } from './session';
export { RESET_TYPES, POWER_STATES } from './systems';
export type { ResetType, PowerState, ComputerSystemInfo, SystemRef, ResetResult } from './systems';
export { BOOT_TARGETS, BOOT_ENABLED, BOOT_MODES } from './boot';
export type { BootTarget, BootEnabled, BootMode, BootOverride, BootOverrideSettings } from './boot';
export { normalizeThermal, normalizePower } from './readings';
export type { Reading, ReadingKind, ReadingStatus } from './readings';
