// The high-level entry points: open a session, use it, always close it.

import { fail, ok, type Result } from '../../../shared/errors';
import { AppError } from '../../../shared/errors';
import { ipmiError } from './errors';
import { IpmiSession } from './session';
import type { IpmiEndpointPool } from './transport';
import type { IpmiEndpoint, IpmiSessionOptions } from './types';

export function openIpmiSession(pool: IpmiEndpointPool, endpoint: IpmiEndpoint, opts?: IpmiSessionOptions): Promise<IpmiSession> {
  return IpmiSession.open(pool, endpoint, opts);
}

/**
 * Opens a session, runs `fn`, and closes the session whatever happens (Close Session is sent even
 * when `fn` throws or `opts.signal` aborts).
 */
export async function withIpmiSession<T>(
  pool: IpmiEndpointPool,
  endpoint: IpmiEndpoint,
  fn: (s: IpmiSession) => Promise<T>,
  opts?: IpmiSessionOptions,
): Promise<T> {
  const s = await IpmiSession.open(pool, endpoint, opts);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

export interface BatchOptions extends IpmiSessionOptions {
  /** Sessions open at once (default 64). */
  concurrency?: number;
}

/** Runs `fn` on every endpoint (one session each, all over the pool's socket); one result per endpoint, in order. */
export async function ipmiBatch<E extends IpmiEndpoint, T>(
  pool: IpmiEndpointPool,
  endpoints: readonly E[],
  fn: (s: IpmiSession, endpoint: E) => Promise<T>,
  opts: BatchOptions = {},
): Promise<Result<T>[]> {
  const results: Result<T>[] = new Array(endpoints.length);
  let next = 0;
  const worker = async () => {
    while (next < endpoints.length) {
      const i = next++;
      const ep = endpoints[i];
      try {
        results[i] = ok(await withIpmiSession(pool, ep, (s) => fn(s, ep), opts));
      } catch (e) {
        results[i] = fail(
          AppError.is(e)
            ? e
            : ipmiError('IPMI_BAD_RESPONSE', `IPMI operation on ${ep.host} failed: ${(e as Error).message}`, { target: ep.host }),
        );
      }
    }
  };
  const n = Math.max(1, Math.min(opts.concurrency ?? 64, endpoints.length));
  await Promise.all(Array.from({ length: n }, worker));
  return results;
}
