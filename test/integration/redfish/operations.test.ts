import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedfishClient, type RedfishClientOptions } from '../../../main/protocols/redfish';
import { RedfishTestServer, captureAppError, waitFor, testClientOptions } from '../../support/redfish';

let server: RedfishTestServer;
const clients: RedfishClient[] = [];

function client(server: RedfishTestServer, extra: Partial<RedfishClientOptions> = {}): RedfishClient {
  const c = new RedfishClient(testClientOptions(server, extra));
  clients.push(c);
  return c;
}

beforeAll(async () => {
  // PoweringOff must outlast one HTTPS request (a fresh TLS handshake) on a loaded machine: at the
  // default 150 ms the read after a graceful reset sometimes came too late and saw the end state.
  server = await RedfishTestServer.start({ gracefulMs: 1500 });
});

afterAll(async () => {
  await server?.close();
});

afterEach(async () => {
  for (const c of clients.splice(0)) await c.drain();
  server.clearFaults();
  expect(server.openSessions).toBe(0);
});

describe('Redfish discovery and reads', () => {
  it('reads the service root, the Systems collection and the ComputerSystem', async () => {
    const c = client(server);
    const root = await c.serviceRoot();
    expect(root.RedfishVersion).toBe('1.15.0');
    expect(await c.listSystems()).toEqual([{ id: '1', path: '/redfish/v1/Systems/1' }]);
    const sys = await c.getSystem();
    expect(sys).toMatchObject({
      id: '1',
      path: '/redfish/v1/Systems/1',
      manufacturer: 'Contoso',
      model: '3500RX',
      serialNumber: '437XR1138R2',
      health: 'OK',
      chassisPaths: ['/redfish/v1/Chassis/1'],
    });
    expect(sys.allowedResetTypes).toContain('GracefulShutdown');
    expect(sys.etag).toMatch(/^W\/"\d+"$/);
  });

  it('shares one session across operations in withSession and deletes it afterwards', async () => {
    const before = server.sessionsCreated;
    const result = await client(server).withSession(async (api) => {
      expect(server.openSessions).toBe(1);
      return [await api.getPowerState(), (await api.getReadings()).length];
    });
    expect(result[1]).toBeGreaterThan(0);
    expect(server.sessionsCreated).toBe(before + 1);
    expect(server.openSessions).toBe(0);
  });

  it('normalizes Thermal and Power readings', async () => {
    server.state.powerState = 'On';
    const readings = await client(server).getReadings();
    expect(readings).toEqual([
      { name: 'CPU1 Temp', kind: 'temperature', value: 41, unit: '°C', status: 'ok' },
      { name: 'CPU2 Temp', kind: 'temperature', value: null, unit: '°C', status: 'absent' },
      { name: 'Chassis Intake Temp', kind: 'temperature', value: 39, unit: '°C', status: 'warning' },
      { name: 'BaseBoard System Fan', kind: 'fan', value: 2100, unit: 'RPM', status: 'ok' },
      { name: 'BaseBoard System Fan Backup', kind: 'fan', value: 30, unit: '%', status: 'critical' },
      { name: 'System Power Control', kind: 'power', value: 344, unit: 'W', status: 'ok' },
      { name: 'VRM1 Voltage', kind: 'voltage', value: 12, unit: 'V', status: 'ok' },
      { name: 'VRM2 Voltage', kind: 'voltage', value: 5, unit: 'V', status: 'ok' },
    ]);
  });
});

describe('power', () => {
  it('changes the power state with every reset type', async () => {
    const c = client(server);
    server.state.powerState = 'On';

    await c.reset('ForceOff');
    expect(await c.getPowerState()).toBe('Off');
    await c.reset('On');
    expect(await c.getPowerState()).toBe('On');

    const result = await c.reset('GracefulShutdown');
    expect(result).toEqual({ type: 'GracefulShutdown', status: 204, taskPath: null });
    expect(await c.getPowerState()).toBe('PoweringOff');
    await waitFor(() => server.state.powerState === 'Off', 10_000);
    expect(await c.getPowerState()).toBe('Off');

    await c.reset('On');
    await c.reset('GracefulRestart');
    expect(await c.getPowerState()).toBe('PoweringOff');
    await waitFor(() => server.state.powerState === 'On', 10_000);

    await c.reset('ForceRestart');
    await c.reset('PowerCycle');
    await c.reset('Nmi');
    expect(await c.getPowerState()).toBe('On');
    expect(server.resets.slice(-8)).toEqual(['ForceOff', 'On', 'GracefulShutdown', 'On', 'GracefulRestart', 'ForceRestart', 'PowerCycle', 'Nmi']);
    // The action was posted to the target named in Actions, with the ResetType body.
    const posts = server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('ComputerSystem.Reset'));
    expect(posts.at(-1)?.body).toEqual({ ResetType: 'Nmi' });
  });

  it('refuses a reset type the BMC does not list, without posting it', async () => {
    const narrow = await RedfishTestServer.start({ allowedResetTypes: ['On', 'ForceOff'] });
    try {
      const err = await captureAppError(client(narrow).reset('PowerCycle'));
      expect(err.code).toBe('REDFISH_RESET_TYPE_UNSUPPORTED');
      expect(err.message).toContain('PowerCycle');
      expect(err.message).toContain('On, ForceOff');
      expect(narrow.requests.some((r) => r.method === 'POST' && r.path.endsWith('Reset'))).toBe(false);
      expect(narrow.openSessions).toBe(0);
    } finally {
      await narrow.close();
    }
  });

  it('reads allowed reset types from an ActionInfo resource', async () => {
    const viaInfo = await RedfishTestServer.start({ resetInfo: 'actionInfo', allowedResetTypes: ['On', 'ForceOff', 'GracefulShutdown'] });
    try {
      const c = client(viaInfo);
      await c.reset('ForceOff');
      expect(viaInfo.state.powerState).toBe('Off');
      const err = await captureAppError(c.reset('Nmi'));
      expect(err.code).toBe('REDFISH_RESET_TYPE_UNSUPPORTED');
      expect(viaInfo.requests.some((r) => r.path === '/redfish/v1/Systems/1/ResetActionInfo')).toBe(true);
      expect(viaInfo.openSessions).toBe(0);
    } finally {
      await viaInfo.close();
    }
  });

  it('reports a reset type that the BMC advertises but rejects, with its ExtendedInfo message', async () => {
    server.refusedResetTypes.add('Nmi');
    try {
      const err = await captureAppError(client(server).reset('Nmi'));
      expect(err.code).toBe('REDFISH_RESET_TYPE_UNSUPPORTED');
      expect(err.message).toContain('The parameter ResetType for the action ComputerSystem.Reset is not supported');
      expect(err.params.status).toBe(400);
    } finally {
      server.refusedResetTypes.clear();
    }
  });

  it('rejects an unknown reset type before talking to the BMC', async () => {
    const before = server.requests.length;
    const err = await captureAppError(client(server).reset('Explode' as never));
    expect(err.code).toBe('REDFISH_RESET_TYPE_UNSUPPORTED');
    expect(server.requests.slice(before).some((r) => r.method === 'POST' && r.path.endsWith('Reset'))).toBe(false);
  });
});

describe('boot override', () => {
  it('sets target, enabled and mode by PATCH', async () => {
    const c = client(server);
    await c.setBootOverride({ target: 'Pxe', enabled: 'Once', mode: 'UEFI' });
    expect(server.state.boot).toEqual({ BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once', BootSourceOverrideMode: 'UEFI' });
    const patch = server.requests.filter((r) => r.method === 'PATCH').at(-1)!;
    expect(patch.body).toEqual({ Boot: { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once', BootSourceOverrideMode: 'UEFI' } });
    expect(patch.ifMatch).toBeNull();

    await c.setBootOverride({ target: 'BiosSetup', enabled: 'Continuous', mode: 'Legacy' });
    const read = await c.getBootOverride();
    expect(read).toMatchObject({ target: 'BiosSetup', enabled: 'Continuous', mode: 'Legacy' });
    expect(read.allowedTargets).toContain('Hdd');
  });

  it('sends If-Match with the given ETag, and reports a stale one as HTTP 412', async () => {
    const c = client(server);
    const { etag } = await c.getBootOverride();
    expect(etag).toBeTruthy();
    await c.setBootOverride({ target: 'Hdd', enabled: 'Once' }, { etag });
    expect(server.requests.filter((r) => r.method === 'PATCH').at(-1)!.ifMatch).toBe(etag);
    expect(server.state.boot.BootSourceOverrideTarget).toBe('Hdd');

    const err = await captureAppError(c.setBootOverride({ target: 'Pxe' }, { etag }));
    expect(err.code).toBe('REDFISH_HTTP');
    expect(err.params.status).toBe(412);
    expect(err.message).toContain('The ETag supplied did not match');
    expect(server.state.boot.BootSourceOverrideTarget).toBe('Hdd');
  });

  it('retries once with the current ETag when the BMC requires If-Match (428)', async () => {
    server.requireIfMatch = true;
    try {
      await client(server).setBootOverride({ target: 'Pxe', enabled: 'Once' });
      const patches = server.requests.filter((r) => r.method === 'PATCH').slice(-2);
      expect(patches[0].ifMatch).toBeNull();
      expect(patches[1].ifMatch).toMatch(/^W\/"\d+"$/);
      expect(server.state.boot.BootSourceOverrideTarget).toBe('Pxe');
    } finally {
      server.requireIfMatch = false;
    }
  });

  it('refuses a boot target outside the supported set', async () => {
    const err = await captureAppError(client(server).setBootOverride({ target: 'Floppy' as never }));
    expect(err.code).toBe('REDFISH_BOOT_SETTING_UNSUPPORTED');
    expect(err.message).toContain('Floppy');
  });
});
