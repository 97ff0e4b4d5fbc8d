import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedfishClient, type RedfishClientOptions } from '../../../main/protocols/redfish';
import { RedfishTestServer, TEST_PASSWORD, TEST_USER, captureAppError, waitFor, testClientOptions } from '../../support/redfish';

let server: RedfishTestServer;
const clients: RedfishClient[] = [];

const clientFor = (extra: Partial<RedfishClientOptions> = {}) => {
  const c = new RedfishClient(testClientOptions(server, extra));
  clients.push(c);
  return c;
};

beforeAll(async () => {
  server = await RedfishTestServer.start();
});

afterEach(async () => {
  for (const c of clients.splice(0)) await c.drain();
  server.clearFaults();
  expect(server.openSessions).toBe(0);
});

afterAll(async () => {
  await server?.close();
});

/** A TCP port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('timeouts', () => {
  it('a BMC slower than the timeout gives REDFISH_TIMEOUT promptly, and the session is deleted', async () => {
    server.addFault({ method: 'GET', path: '/redfish/v1/Systems/1', delayMs: 5000 });
    const t0 = Date.now();
    const err = await captureAppError(clientFor({ timeoutMs: 300 }).getPowerState());
    const elapsed = Date.now() - t0;
    expect(err.code).toBe('REDFISH_TIMEOUT');
    expect(err.message).toContain('300 ms');
    expect(elapsed).toBeLessThan(2000);
    expect(server.openSessions).toBe(0);
  });

  it('a per-operation timeout overrides the client timeout', async () => {
    server.addFault({ method: 'GET', path: '/redfish/v1/Chassis/1/Thermal', delayMs: 5000 });
    const t0 = Date.now();
    const err = await captureAppError(clientFor({ timeoutMs: 10_000 }).getReadings({ timeoutMs: 250 }));
    expect(err.code).toBe('REDFISH_TIMEOUT');
    expect(err.params).toMatchObject({ timeoutMs: 250, what: 'GET /redfish/v1/Chassis/1/Thermal' });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('a peer that accepts TCP but never completes TLS times out (probe and pinned request)', async () => {
    const silent = net.createServer(() => undefined);
    const sockets: net.Socket[] = [];
    silent.on('connection', (s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const noPin = new RedfishClient({ host: '127.0.0.1', port, username: TEST_USER, password: TEST_PASSWORD, timeoutMs: 200 });
      expect((await captureAppError(noPin.probeCertificate())).code).toBe('REDFISH_TIMEOUT');
      const pinned = new RedfishClient({ host: '127.0.0.1', port, fingerprint: server.fingerprint, username: TEST_USER, password: TEST_PASSWORD, timeoutMs: 200 });
      const t0 = Date.now();
      expect((await captureAppError(pinned.getPowerState())).code).toBe('REDFISH_TIMEOUT');
      expect(Date.now() - t0).toBeLessThan(1500);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});

describe('cancel', () => {
  it('aborting mid-request ends promptly with REDFISH_CANCELLED and deletes the session', async () => {
    server.addFault({ method: 'GET', path: '/redfish/v1/Systems/1', delayMs: 5000 });
    const ac = new AbortController();
    const from = server.requests.length;
    const pending = captureAppError(clientFor().getPowerState({ signal: ac.signal }));
    await waitFor(() => server.requests.slice(from).some((r) => r.path === '/redfish/v1/Systems/1'));
    const t0 = Date.now();
    ac.abort();
    const err = await pending;
    expect(err.code).toBe('REDFISH_CANCELLED');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(server.openSessions).toBe(0);
  });

  it('aborting during the login still deletes the session the BMC creates afterwards', async () => {
    server.addFault({ method: 'POST', path: '/redfish/v1/SessionService/Sessions', delayMs: 400 });
    const c = clientFor();
    const created = server.sessionsCreated;
    const ac = new AbortController();
    const pending = captureAppError(c.getPowerState({ signal: ac.signal }));
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    const err = await pending;
    expect(err.code).toBe('REDFISH_CANCELLED');
    expect(Date.now() - t0).toBeLessThan(300);
    await c.drain();
    expect(server.sessionsCreated).toBe(created + 1);
    expect(server.openSessions).toBe(0);
  });

  it('an already aborted signal connects to nothing', async () => {
    const connections = server.connections.length;
    const ac = new AbortController();
    ac.abort();
    expect((await captureAppError(clientFor().getPowerState({ signal: ac.signal }))).code).toBe('REDFISH_CANCELLED');
    expect((await captureAppError(clientFor({ fingerprint: null }).getPowerState({ signal: ac.signal }))).code).toBe('REDFISH_CANCELLED');
    expect(server.connections.length).toBe(connections);
  });
});

describe('broken peers', () => {
  it('nothing listening gives REDFISH_UNREACHABLE', async () => {
    const port = await closedPort();
    const c = new RedfishClient({ host: '127.0.0.1', port, fingerprint: server.fingerprint, username: TEST_USER, password: TEST_PASSWORD, timeoutMs: 2000 });
    const err = await captureAppError(c.getPowerState());
    expect(err.code).toBe('REDFISH_UNREACHABLE');
    expect(err.params.cause).toBe('ECONNREFUSED');
    expect(err.message).toContain(`127.0.0.1:${port}`);
  });

  it('a dropped connection gives REDFISH_UNREACHABLE and the session is still deleted', async () => {
    server.addFault({ method: 'GET', path: '/redfish/v1/Systems/1', drop: true });
    const err = await captureAppError(clientFor().getPowerState());
    expect(err.code).toBe('REDFISH_UNREACHABLE');
    expect(server.openSessions).toBe(0);
  });

  it('a 500 at login gives REDFISH_HTTP with the ExtendedInfo message', async () => {
    server.addFault({ method: 'POST', path: '/redfish/v1/SessionService/Sessions', status: 503, messageId: 'ServiceTemporarilyUnavailable', message: 'The service is temporarily unavailable. Retry in 30 seconds.' });
    const err = await captureAppError(clientFor().getPowerState());
    expect(err.code).toBe('REDFISH_HTTP');
    expect(err.params).toMatchObject({ status: 503, messageId: 'Base.1.16.ServiceTemporarilyUnavailable' });
    expect(err.message).toContain('Retry in 30 seconds');
  });

  it('a body that is not JSON gives REDFISH_BAD_RESPONSE', async () => {
    server.addFault({ method: 'GET', path: '/redfish/v1/Chassis/1/Thermal', rawBody: '<html>oops</html>' });
    const err = await captureAppError(clientFor().getReadings());
    expect(err.code).toBe('REDFISH_BAD_RESPONSE');
    expect(err.message).toContain('GET /redfish/v1/Chassis/1/Thermal');
  });

  it('an unknown systemId gives REDFISH_HTTP 404 naming the systems the BMC has', async () => {
    const err = await captureAppError(clientFor({ systemId: '7' }).getPowerState());
    expect(err.code).toBe('REDFISH_HTTP');
    expect(err.params.status).toBe(404);
    expect(err.message).toContain('it has: 1');
  });

  it('a PowerState outside the schema gives REDFISH_BAD_RESPONSE', async () => {
    server.addFault({ method: 'GET', path: '/redfish/v1/Systems/1', rawBody: JSON.stringify({ Id: '1', PowerState: 'Sleepy' }) });
    const err = await captureAppError(clientFor().getPowerState());
    expect(err.code).toBe('REDFISH_BAD_RESPONSE');
    expect(err.message).toContain('Sleepy');
  });
});
