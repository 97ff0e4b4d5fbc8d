import { AppError, type ErrorParams } from '../../../shared/errors';

// Stable machine codes of everything the SSH client can throw. Messages name the host and say
// what to do; none ever holds a password, a passphrase or key material.
export const SSH_ERROR = {
  UNREACHABLE: 'SSH_UNREACHABLE',
  TIMEOUT: 'SSH_TIMEOUT',
  AUTH_FAILED: 'SSH_AUTH_FAILED',
  KEY_PASSPHRASE: 'SSH_KEY_PASSPHRASE',
  AGENT_UNAVAILABLE: 'SSH_AGENT_UNAVAILABLE',
  JUMP_FAILED: 'SSH_JUMP_FAILED',
  HOSTKEY_UNKNOWN: 'SSH_HOSTKEY_UNKNOWN',
  HOSTKEY_CHANGED: 'SSH_HOSTKEY_CHANGED',
  CANCELLED: 'SSH_CANCELLED',
  /** The connection dropped or the server refused a channel after login. */
  CHANNEL: 'SSH_CHANNEL_FAILED',
  BAD_KEY: 'SSH_BAD_KEY',
  CLOSED: 'SSH_CLOSED',
} as const;

export type SshErrorCode = (typeof SSH_ERROR)[keyof typeof SSH_ERROR];

export function sshError(code: SshErrorCode, message: string, params: ErrorParams = {}): AppError {
  return new AppError(code, message, params);
}

export function isSshError(err: unknown, code?: SshErrorCode): err is AppError {
  return AppError.is(err) && err.code.startsWith('SSH_') && (code === undefined || err.code === code);
}

/** `host:port`, with IPv6 literals bracketed. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function cancelledError(where: string): AppError {
  return sshError(SSH_ERROR.CANCELLED, `The SSH operation on ${where} was cancelled.`, { where });
}

export function timeoutError(where: string, phase: 'connect' | 'command', timeoutMs: number): AppError {
  const what = phase === 'connect' ? 'finish the SSH handshake and login' : 'finish the command';
  const hint = phase === 'connect'
    ? 'Check that the host is up and that nothing drops SSH on the way, or raise --connect-timeout.'
    : 'The command was stopped; raise --command-timeout if it needs longer.';
  return sshError(SSH_ERROR.TIMEOUT, `${where} did not ${what} within ${timeoutMs} ms. ${hint}`, { where, phase, timeoutMs });
}

/** Maps a socket-level failure (refused, unknown host, no route, reset) to SSH_UNREACHABLE or SSH_TIMEOUT. */
export function socketError(host: string, port: number, cause: unknown, timeoutMs: number): AppError {
  const where = hostPort(host, port);
  const code = String((cause as NodeJS.ErrnoException | undefined)?.code ?? '');
  if (code === 'ETIMEDOUT') return timeoutError(where, 'connect', timeoutMs);
  const reasons: Record<string, string> = {
    ECONNREFUSED: `connection refused by ${where}: nothing listens on that port, or a firewall rejects it`,
    ENOTFOUND: `unknown host ${host}: the name does not resolve`,
    EAI_AGAIN: `unknown host ${host}: the name could not be resolved right now (DNS)`,
    EHOSTUNREACH: `no route to host ${host}`,
    ENETUNREACH: `network unreachable for ${host}`,
    ECONNRESET: `${where} reset the connection during the handshake (sshd MaxStartups or a firewall?)`,
    EPIPE: `${where} closed the connection during the handshake`,
  };
  const reason = reasons[code] ?? `${where} could not be reached (${code || (cause as Error)?.message || 'unknown error'})`;
  return sshError(SSH_ERROR.UNREACHABLE, `SSH: ${reason}.`, { host, port, cause: code || 'UNKNOWN', reason: code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'unknown-host' : code === 'ECONNREFUSED' ? 'refused' : 'network' });
}
