import { AppError, type ErrorParams } from '../../../shared/errors';

// Codes of the power service's own errors. Per-node problems (no BMC, no credential, an action
// the protocol cannot do) become that node's result; the others refuse the whole request.
export type PowerErrorCode =
  | 'POWER_NO_NODES'
  | 'POWER_NO_BMC'
  | 'POWER_NO_CREDENTIAL'
  | 'POWER_BAD_CREDENTIAL'
  | 'POWER_UNSUPPORTED'
  | 'POWER_NOT_REDFISH'
  | 'POWER_PIN_EXISTS'
  | 'POWER_FINGERPRINT_MISMATCH'
  | 'POWER_CLOSED';

export function powerError(code: PowerErrorCode, message: string, params: ErrorParams = {}): AppError {
  return new AppError(code, message, params);
}
