import { AppError, type ErrorParams } from '../../../shared/errors';

// Stable machine codes of everything the Redfish client can throw. The messages say what to do;
// none of them ever contains a password, a session token or an Authorization header.
export const REDFISH_ERROR = {
  TIMEOUT: 'REDFISH_TIMEOUT',
  UNREACHABLE: 'REDFISH_UNREACHABLE',
  AUTH_FAILED: 'REDFISH_AUTH_FAILED',
  CERT_UNKNOWN: 'REDFISH_CERT_UNKNOWN',
  CERT_CHANGED: 'REDFISH_CERT_CHANGED',
  HTTP: 'REDFISH_HTTP',
  BAD_RESPONSE: 'REDFISH_BAD_RESPONSE',
  RESET_TYPE_UNSUPPORTED: 'REDFISH_RESET_TYPE_UNSUPPORTED',
  BOOT_SETTING_UNSUPPORTED: 'REDFISH_BOOT_SETTING_UNSUPPORTED',
  CANCELLED: 'REDFISH_CANCELLED',
} as const;

export type RedfishErrorCode = (typeof REDFISH_ERROR)[keyof typeof REDFISH_ERROR];

export function redfishError(code: RedfishErrorCode, message: string, params: ErrorParams = {}): AppError {
  return new AppError(code, message, params);
}

export function isRedfishError(err: unknown, code?: RedfishErrorCode): err is AppError {
  return AppError.is(err) && err.code.startsWith('REDFISH_') && (code === undefined || err.code === code);
}

export function timeoutError(host: string, what: string, timeoutMs: number): AppError {
  return redfishError(
    REDFISH_ERROR.TIMEOUT,
    `The BMC at ${host} did not answer ${what} within ${timeoutMs} ms. Check that the BMC is up and not overloaded, or raise the timeout.`,
    { host, timeoutMs, what },
  );
}

export function cancelledError(host: string, what: string): AppError {
  return redfishError(REDFISH_ERROR.CANCELLED, `The Redfish request ${what} to ${host} was cancelled.`, { host, what });
}

export function unreachableError(host: string, port: number, cause: unknown): AppError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN';
  return redfishError(
    REDFISH_ERROR.UNREACHABLE,
    `Could not talk to the BMC at ${host}:${port} (${code}). Check the address, the port, that HTTPS/Redfish is enabled on the BMC and that the network path is open.`,
    { host, port, cause: code },
  );
}

export function badResponse(host: string, what: string, detail: string): AppError {
  return redfishError(
    REDFISH_ERROR.BAD_RESPONSE,
    `The BMC at ${host} sent an unexpected answer to ${what}: ${detail}. The BMC firmware may not implement this part of Redfish; check for a firmware update.`,
    { host, what, detail },
  );
}

/** The first human-readable message of a Redfish error body: `error.@Message.ExtendedInfo[].Message`, else `error.message`. */
export function extendedInfoOf(body: unknown): { message: string | null; messageId: string | null } {
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  if (!error || typeof error !== 'object') return { message: null, messageId: null };
  const infos = error['@Message.ExtendedInfo'];
  if (Array.isArray(infos)) {
    for (const info of infos) {
      if (info && typeof info === 'object' && typeof (info as Record<string, unknown>).Message === 'string') {
        const i = info as Record<string, unknown>;
        return { message: i.Message as string, messageId: typeof i.MessageId === 'string' ? i.MessageId : null };
      }
    }
  }
  return {
    message: typeof error.message === 'string' ? error.message : null,
    messageId: typeof error.code === 'string' ? error.code : null,
  };
}

export function httpError(host: string, method: string, path: string, status: number, body: unknown): AppError {
  const { message, messageId } = extendedInfoOf(body);
  const hint =
    status === 403
      ? 'The account is not allowed to do this; use a BMC account with the needed privilege.'
      : status === 404
        ? 'The BMC does not have this resource.'
        : status === 412
          ? 'The resource changed since it was read (ETag mismatch); read it again and retry.'
          : status >= 500
            ? 'The BMC reported an internal error; retry, and if it persists, reset the BMC.'
            : 'Check the request against what the BMC supports.';
  return redfishError(
    REDFISH_ERROR.HTTP,
    `The BMC at ${host} refused ${method} ${path} with HTTP ${status}${message ? `: ${message}` : ''}. ${hint}`,
    { host, method, path, status, redfishMessage: message, messageId },
  );
}

export function authFailedError(host: string, username: string): AppError {
  return redfishError(
    REDFISH_ERROR.AUTH_FAILED,
    `The BMC at ${host} rejected the login for user "${username}". Check the user name and password stored for this BMC.`,
    { host, username },
  );
}
