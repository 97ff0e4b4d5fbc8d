import { AppError } from '../../../shared/errors';
import { IpmiEndpointPool } from '../../protocols/ipmi';
import { openSol, type SolConsole } from '../../protocols/ipmi/sol';
import { resolveTargets, type ResolveDeps } from '../power/targets';
import type { ByteSession, SessionFactory } from '../streams/byteSession';
import { SolEscape } from './solEscape';

const SETUP_TIMEOUT_MS = 8_000;

export interface SolConsoleDeps extends ResolveDeps {
  /** Receives diagnostic lines (never a password). */
  trace?: (line: string) => void;
}

/**
 * The `sol` console kind: Serial over LAN with the node's BMC, over a native RMCP+ session. The
 * node's BMC endpoint and credential are resolved as power batches resolve them. Each console has
 * its own UDP socket, closed with the console; closing always deactivates the SOL payload first.
 * Pausing holds the characters here (bounded), then withholds SOL acknowledgements so the BMC waits.
 */
export function solConsoleFactory(deps: SolConsoleDeps): SessionFactory {
  return async ({ target, signal }) => {
    const [bmc] = resolveTargets(deps, target);
    if (!bmc || bmc.name !== target) {
      throw new AppError('CONSOLE_ONE_NODE', `A terminal opens on one node; "${target}" is not a single node name.`, { target });
    }
    if (bmc.problem) throw bmc.problem;
    if (bmc.protocol !== 'ipmi') {
      throw new AppError('SOL_UNSUPPORTED', `Node ${target} has a ${bmc.protocol ?? 'unknown'} BMC; Serial over LAN needs an IPMI BMC endpoint.`, { node: target, protocol: bmc.protocol ?? '' });
    }
    const pool = new IpmiEndpointPool({ trace: deps.trace });
    let sol: SolConsole;
    try {
      sol = await openSol(pool, { host: bmc.host, port: bmc.port, user: bmc.username, password: bmc.password }, { timeoutMs: SETUP_TIMEOUT_MS, signal, trace: deps.trace });
    } catch (error) {
      await pool.close();
      throw error;
    }
    sol.onEnd(() => void pool.close());
    return solByteSession(sol);
  };
}

/**
 * A SolConsole as a ByteSession, plus sendBreak for front doors that offer it. Typing "~B" at the
 * start of a line sends a break too (ipmitool's escape; "~~" types one "~").
 */
export function solByteSession(sol: SolConsole): ByteSession & { sendBreak(): void } {
  const escape = new SolEscape();
  return {
    onData: (listener) => sol.onData(listener),
    onExit: (listener) => sol.onEnd(({ reason, error }) => listener({ code: null, reason: error ? error.message : reason })),
    write: (data) => {
      for (const part of escape.feed(data)) {
        if (!sol.isOpen) return;
        if (part === 'break') sol.sendBreak();
        else sol.write(part);
      }
    },
    resize: () => undefined, // a serial line has no window size
    pause: () => sol.pause(),
    resume: () => sol.resume(),
    sendBreak: () => { if (sol.isOpen) sol.sendBreak(); },
    close: () => sol.close(),
  };
}
