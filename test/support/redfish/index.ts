import { AppError } from '../../../shared/errors';
import type { RedfishClientOptions } from '../../../main/protocols/redfish';
import type { RedfishTestServer as Server } from './server';

export { RedfishTestServer } from './server';
export type { Fault, RecordedConnection, RecordedRequest, RedfishTestServerOptions } from './server';
export { generateSelfSignedCertificate } from './certificate';
export type { TestCertificate } from './certificate';

export const TEST_USER = 'admin';
export const TEST_PASSWORD = 'P@ssw0rd-42';

/** Client options for the test server: its address, its pinned certificate, the test account, a 5 s timeout. */
export function testClientOptions(server: Server, extra: Partial<RedfishClientOptions> = {}): RedfishClientOptions {
  return { host: server.host, port: server.port, fingerprint: server.fingerprint, username: TEST_USER, password: TEST_PASSWORD, timeoutMs: 5000, ...extra };
}

/** Awaits a promise that must reject with an AppError and returns that error. */
export async function captureAppError(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (e) {
    if (AppError.is(e)) return e;
    throw new Error(`expected an AppError, got: ${String(e)}`);
  }
  throw new Error('expected the promise to reject');
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `check` returns true (or throws after `timeoutMs`). */
export async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('waitFor: condition not met in time');
    await sleep(10);
  }
}
