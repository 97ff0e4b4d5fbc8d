// Serial over LAN (IPMI 2.0 section 15) over the native RMCP+ session. Plain Node.
//
//   const sol = await openSol(pool, { host, port, user, password }, { signal });
//   sol.onData((chunk) => term.write(chunk));
//   sol.onEnd(({ reason, error }) => ...);       // once: close(), BMC deactivation, SOL_TIMEOUT, cancel
//   sol.write('root\r'); sol.sendBreak();
//   await sol.close();                           // Deactivate Payload, then Close Session; never throws
//
// Errors: SOL_UNSUPPORTED (no SOL on that BMC, or disabled), SOL_BUSY (payload active in another
// session: deactivate it), SOL_TIMEOUT (unacknowledged data, BMC silent), SOL_CLOSED (used after the
// end), plus the session's IPMI_* codes while opening.
import type { AppError } from '../../../../shared/errors';
import { openIpmiSession } from '../api';
import type { IpmiEndpointPool } from '../transport';
import type { IpmiEndpoint } from '../types';
import { SolConsole, type SolOptions } from './solConsole';

export { SolConsole, type SolOptions, type SolEnd, type SolTransport } from './solConsole';
export { type SolErrorCode } from './errors';
export { encodeSolPacket, decodeSolPacket, nextSolSeq, SolOperation, SolStatus, type SolPacket } from './packet';
export {
  activateSolPayload,
  deactivateSolPayload,
  getSolActivationStatus,
  encodeActivatePayload,
  decodeActivatePayload,
  decodeActivationStatus,
  type ActivateResponse,
  type ActivationStatus,
} from './payloadCommands';

export interface OpenSolOptions extends Omit<SolOptions, 'ownsSession'> {
  /** Time for session setup and each payload command (default 6000 ms). */
  timeoutMs?: number;
}

/** Opens a session and activates SOL on it; the console owns the session and closes it at its end. */
export async function openSol(pool: IpmiEndpointPool, endpoint: IpmiEndpoint, opts: OpenSolOptions = {}): Promise<SolConsole> {
  const session = await openIpmiSession(pool, endpoint, { timeoutMs: opts.timeoutMs, signal: opts.signal });
  try {
    return await SolConsole.activate(session, { ...opts, requestTimeoutMs: opts.requestTimeoutMs ?? opts.timeoutMs, ownsSession: true });
  } catch (e) {
    await session.close();
    throw e as AppError;
  }
}
