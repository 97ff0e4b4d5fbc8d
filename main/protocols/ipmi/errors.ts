import { AppError, type ErrorParams } from '../../../shared/errors';
import { completionCodeText } from './constants';

/** Stable machine codes of every error this client throws. */
export type IpmiErrorCode =
  | 'IPMI_TIMEOUT'
  | 'IPMI_UNREACHABLE'
  | 'IPMI_AUTH_FAILED'
  | 'IPMI_UNKNOWN_USER'
  | 'IPMI_PRIVILEGE'
  | 'IPMI_CIPHER_UNSUPPORTED'
  | 'IPMI_NO_SESSION_SLOTS'
  | 'IPMI_SESSION_FAILED'
  | 'IPMI_BAD_RESPONSE'
  | 'IPMI_COMPLETION_CODE'
  | 'IPMI_CANCELLED'
  | 'IPMI_CLOSED'
  | 'IPMI_INVALID_ARGUMENT';

export function ipmiError(code: IpmiErrorCode, message: string, params: ErrorParams = {}): AppError {
  return new AppError(code, message, params);
}

export function isIpmiError(e: unknown, code?: IpmiErrorCode): e is AppError {
  return AppError.is(e) && e.code.startsWith('IPMI_') && (code === undefined || e.code === code);
}

/** Human name of a BMC for messages: never includes the password. */
export const bmcLabel = (host: string, port: number): string => (port === 623 ? host : `${host}:${port}`);

export function completionCodeError(
  cc: number,
  what: string,
  target: string,
  extra: ErrorParams = {},
): AppError {
  const hex = `0x${cc.toString(16).padStart(2, '0')}`;
  const meaning = completionCodeText(cc);
  let hint = '';
  if (cc === 0xc1) hint = ' The BMC does not implement this command.';
  else if (cc === 0xd4) hint = ' Use a BMC user with a higher privilege (e.g. ADMINISTRATOR).';
  else if (cc === 0xc0 || cc === 0xd2) hint = ' Retry in a few seconds.';
  return ipmiError('IPMI_COMPLETION_CODE', `${what} failed on BMC ${target}: completion code ${hex} (${meaning}).${hint}`, {
    completionCode: cc,
    completionCodeHex: hex,
    meaning,
    command: what,
    target,
    ...extra,
  });
}

export function cancelledError(target: string, stage: string): AppError {
  return ipmiError('IPMI_CANCELLED', `IPMI ${stage} on BMC ${target} was cancelled.`, { target, stage });
}
