import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedfishClient, type RedfishClientOptions } from '../../../main/protocols/redfish';
import { RedfishTestServer, TEST_PASSWORD, TEST_USER, captureAppError, testClientOptions } from '../../support/redfish';
import type { AppError } from '../../../shared/errors';

let server: RedfishTestServer;
const seenErrors: AppError[] = [];
const warnings: string[] = [];

const clientFor = (extra: Partial<RedfishClientOptions> = {}) =>
  new RedfishClient(testClientOptions(server, { onWarning: (m) => warnings.push(m), ...extra }));

async function failing(p: Promise<unknown>): Promise<AppError> {
  const err = await captureAppError(p);
  seenErrors.push(err);
  return err;
}

beforeAll(async () => {
  server = await RedfishTestServer.start();
});

afterEach(() => {
  server.clearFaults();
  expect(server.openSessions).toBe(0);
});

afterAll(async () => {
  await server?.close();
});

describe('session authentication', () => {
  it('logs in with POST Sessions, uses X-Auth-Token and deletes the session', async () => {
    const created = server.sessionsCreated;
    const deleted = server.sessionsDeleted;
    const from = server.requests.length;
    expect(await clientFor().getPowerState()).toBe('On');
    expect(server.sessionsCreated).toBe(created + 1);
    expect(server.sessionsDeleted).toBe(deleted + 1);
    const reqs = server.requests.slice(from);
    expect(reqs[0]).toMatchObject({ method: 'GET', path: '/redfish/v1', auth: 'none' });
    expect(reqs[1]).toMatchObject({ method: 'POST', path: '/redfish/v1/SessionService/Sessions' });
    expect(reqs.slice(2, -1).every((r) => r.auth === 'session')).toBe(true);
    expect(reqs.at(-1)).toMatchObject({ method: 'DELETE', auth: 'session' });
    expect(reqs.at(-1)!.path).toMatch(/^\/redfish\/v1\/SessionService\/Sessions\/\d+$/);
  });

  it('a wrong password gives REDFISH_AUTH_FAILED, without the password in the error', async () => {
    const secret = 'wrong-Secret-123';
    const err = await failing(clientFor({ password: secret }).getPowerState());
    expect(err.code).toBe('REDFISH_AUTH_FAILED');
    expect(err.message).toContain(TEST_USER);
    expect(err.message).toMatch(/password/i);
    expect(JSON.stringify(err.toData())).not.toContain(secret);
    expect(server.requests.some((r) => r.path.startsWith('/redfish/v1/Systems') && r.auth !== 'session' && r.auth !== 'basic')).toBe(false);
  });

  it('deletes the session when an operation fails after login', async () => {
    server.addFault({ method: 'GET', path: '/redfish/v1/Systems/1', status: 500, message: 'The BMC sensor bus is hung.' });
    const deleted = server.sessionsDeleted;
    const err = await failing(clientFor().getPowerState());
    expect(err.code).toBe('REDFISH_HTTP');
    expect(err.params.status).toBe(500);
    expect(err.params.redfishMessage).toBe('The BMC sensor bus is hung.');
    expect(err.message).toContain('HTTP 500: The BMC sensor bus is hung.');
    expect(server.sessionsDeleted).toBe(deleted + 1);
  });

  it('deletes the session when the caller throws inside withSession', async () => {
    await expect(
      clientFor().withSession(async (api) => {
        await api.getPowerState();
        throw new Error('caller bug');
      }),
    ).rejects.toThrow('caller bug');
    expect(server.openSessions).toBe(0);
  });

  it('reports a session that could not be deleted as a warning without the token', async () => {
    server.addFault({ method: 'DELETE', path: /^\/redfish\/v1\/SessionService\/Sessions\//, times: 1, status: 500 });
    warnings.length = 0;
    expect(await clientFor().getPowerState()).toBe('On');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('REDFISH_HTTP');
    for (const token of server.issuedTokens) expect(warnings[0]).not.toContain(token);
    // Clean up the session the fault left behind, as the BMC would expire it.
    await clientFor().withSession(async (api) => {
      for (const id of (await api.connection.members('/redfish/v1/SessionService/Sessions')).slice(0, -1)) {
        await api.connection.request('DELETE', id);
      }
    });
  });
});

describe('basic authentication', () => {
  it('sends Basic credentials on each request and creates no session', async () => {
    const created = server.sessionsCreated;
    const from = server.requests.length;
    const c = clientFor({ auth: 'basic' });
    expect(await c.getPowerState()).toBe('On');
    await c.reset('ForceRestart');
    expect(await c.getReadings()).not.toHaveLength(0);
    expect(server.sessionsCreated).toBe(created);
    const reqs = server.requests.slice(from);
    expect(reqs.length).toBeGreaterThan(3);
    expect(reqs.every((r) => r.auth === 'basic')).toBe(true);
  });

  it('a wrong password in basic mode gives REDFISH_AUTH_FAILED without the password', async () => {
    const secret = 'nope-Basic-987';
    const err = await failing(clientFor({ auth: 'basic', password: secret }).getPowerState());
    expect(err.code).toBe('REDFISH_AUTH_FAILED');
    expect(JSON.stringify(err.toData())).not.toContain(secret);
    expect(JSON.stringify(err.toData())).not.toContain(Buffer.from(`${TEST_USER}:${secret}`).toString('base64'));
  });
});

describe('secrets', () => {
  it('no error seen in this file contains the password or a session token', () => {
    expect(seenErrors.length).toBeGreaterThan(0);
    for (const err of seenErrors) {
      const text = JSON.stringify({ ...err.toData(), stack: err.stack });
      expect(text).not.toContain(TEST_PASSWORD);
      for (const token of server.issuedTokens) expect(text).not.toContain(token);
    }
  });
});
