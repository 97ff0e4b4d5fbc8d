import { AppError, type ErrorParams } from '../../../../shared/errors';

/** Stable codes of the errors the SOL client throws (besides the session's IPMI_* codes). */
export type SolErrorCode = 'SOL_UNSUPPORTED' | 'SOL_BUSY' | 'SOL_TIMEOUT' | 'SOL_CLOSED';

export function solError(code: SolErrorCode, message: string, params: ErrorParams = {}): AppError {
  return new AppError(code, message, params);
}
