// Local port forwards through a lab sshd to a small HTTP server on loopback: reachable through
// the forward, listed with connection counts, stopped one by one or all, port freed.
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../support/tmp';
import { labApp, type LabApp } from '../files/setup';
import { createApp } from '../../../main/app';
import { appRouter } from '../../../shared/contract/router';

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

describe('SSH local port forwards (lab sshd)', () => {
  const t = tempDir('cd-fwd-');
  let lab: LabApp;
  let web: http.Server;
  let webPort = 0;

  beforeAll(async () => {
    lab = await labApp(t.dir);
    web = http.createServer((req, res) => res.end(`hello from ${req.url}`));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
    webPort = (web.address() as net.AddressInfo).port;
  }, 60_000);
  afterAll(async () => {
    await new Promise((r) => web?.close(r));
    await lab?.close();
    t.cleanup();
  });

  it('forwards a local port to an HTTP server as seen from the node, counts connections, stops cleanly', async () => {
    const { forward, warning } = await lab.api.forwards.add({ node: 'node001', remoteHost: '127.0.0.1', remotePort: webPort });
    expect(warning).toBeNull();
    expect(forward).toMatchObject({ node: 'node001', bindAddress: '127.0.0.1', state: 'listening', remotePort: webPort });
    expect(forward.localPort).toBeGreaterThan(0);
    expect(forward.url).toBe(`http://127.0.0.1:${forward.localPort}/`);
    expect(await get(`${forward.url}lab?x=1`)).toBe('hello from /lab?x=1');
    expect(await get(forward.url)).toBe('hello from /');
    await expect.poll(async () => (await lab.api.forwards.list())[0]).toMatchObject({ id: forward.id, totalConnections: 2, activeConnections: 0 });
    expect(await lab.api.forwards.stop({ id: forward.id })).toEqual({ stopped: 1 });
    expect(await lab.api.forwards.list()).toEqual([]);
    expect(await portIsFree(forward.localPort)).toBe(true);
    const audit = lab.app.db.prepare(`SELECT action, result FROM audit_log WHERE module = 'forwards' ORDER BY id`).all();
    expect(audit).toEqual([{ action: 'add', result: 'ok' }, { action: 'stop', result: 'ok' }]);
  });

  it('takes a chosen local port, warns on a non-loopback bind, refuses a taken port, stops all', async () => {
    const chosen = await new Promise<number>((r) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => r(p)); }); });
    const a = await lab.api.forwards.add({ node: 'node001', localPort: chosen, remotePort: webPort });
    expect(a.forward.localPort).toBe(chosen);
    const taken = lab.api.forwards.add({ node: 'node002', localPort: chosen, remotePort: webPort });
    await expect(taken).rejects.toThrow(`port ${chosen} is already in use on 127.0.0.1`);
    const wide = await lab.api.forwards.add({ node: 'node002', bindAddress: '0.0.0.0', remotePort: webPort });
    expect(wide.warning).toMatch(/0\.0\.0\.0 is not a loopback address/);
    expect(await get(`http://127.0.0.1:${wide.forward.localPort}/wide`)).toBe('hello from /wide');
    // A forward to a port where nothing listens: the connection is closed, the error kept.
    const dead = await lab.api.forwards.add({ node: 'node001', remotePort: 1 });
    await expect(get(dead.forward.url)).rejects.toThrow();
    await expect.poll(async () => (await lab.api.forwards.list()).find((f) => f.id === dead.forward.id)?.lastError).toMatch(/could not open a connection to 127\.0\.0\.1:1/);
    expect((await lab.api.forwards.list()).length).toBe(3);
    expect(await lab.api.forwards.stopAll()).toEqual({ stopped: 3 });
    expect(await lab.api.forwards.list()).toEqual([]);
    for (const p of [chosen, wide.forward.localPort]) expect(await portIsFree(p)).toBe(true);
    await expect(lab.api.forwards.stop({ id: a.forward.id })).rejects.toThrow(/already stopped/);
  });

  it('closes its forwards when the app closes', async () => {
    const other = createApp({ dataDir: lab.app.dataDir, passphrase: 'test-passphrase' });
    const api = appRouter.createCaller({ services: other.services, actor: { user: 'tester', via: 'cli' } });
    const { forward } = await api.forwards.add({ node: 'node001', remotePort: webPort });
    expect(await get(forward.url)).toBe('hello from /');
    other.close();
    await expect.poll(() => portIsFree(forward.localPort)).toBe(true);
  });
});
