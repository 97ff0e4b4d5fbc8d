import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { createApp, type App } from '../../../main/app';
import { startServer, type RunningServer } from '../../../main/hosts/serve/server';
import type { AppRouter } from '../../../shared/contract/router';
import { tempDir } from '../../support/tmp';

const SECRET = 'ws-secret-never-sent-back-42';

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

function upgrade(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => { ws.close(); resolve(101); });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => undefined);
  });
}

describe('clusterdeck serve', () => {
  const t = tempDir();
  let app: App;
  let server: RunningServer;
  let cookie = '';

  beforeAll(async () => {
    const renderer = path.join(t.dir, 'renderer');
    fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>ClusterDeck</title>');
    fs.writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(t.dir, 'outside.txt'), 'private');
    app = createApp({ dataDir: path.join(t.dir, 'data'), passphrase: 'pp' });
    server = await startServer({ services: app.services, rendererDir: renderer, port: 0 });
  });
  afterAll(async () => { await server.close(); app.close(); t.cleanup(); });

  it('binds loopback and prints a URL with a token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('answers 401 without the token and 401 with a wrong one', async () => {
    expect((await get(`${server.origin}/`)).status).toBe(401);
    expect((await get(`${server.origin}/assets/app.js`)).status).toBe(401);
    expect((await get(`${server.origin}/?token=wrong`)).status).toBe(401);
  });

  it('answers 403 to a foreign Origin or Host, even with the token', async () => {
    expect((await get(server.url, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(server.url, { origin: 'null' })).status).toBe(403);
    expect((await get(server.url, { host: `attacker.example:${server.port}` })).status).toBe(403);
  });

  it('trades the token for an HttpOnly cookie and serves the UI with a strict CSP', async () => {
    const first = await get(server.url);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe('/');
    const setCookie = first.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(/HttpOnly; SameSite=Strict/);
    cookie = setCookie.split(';')[0];
    const page = await get(`${server.origin}/`, { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('ClusterDeck');
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'; script-src 'self'/);
    expect(page.headers['content-security-policy']).not.toMatch(/unsafe-eval|https?:\/\/(?!127)/);
    expect((await get(`${server.origin}/assets/app.js`, { cookie })).status).toBe(200);
  });

  it('never serves a file outside the UI folder', async () => {
    const r = await get(`${server.origin}/..%2Foutside.txt`, { cookie });
    expect(r.body).not.toContain('private');
  });

  it('refuses WebSocket upgrades without the token (401) or from a foreign Origin (403)', async () => {
    const ws = server.origin.replace('http', 'ws') + '/trpc';
    expect(await upgrade(ws, { origin: server.origin })).toBe(401);
    expect(await upgrade(ws, { origin: 'http://evil.example', cookie })).toBe(403);
    expect(await upgrade(ws, { origin: server.origin, cookie })).toBe(101);
  });

  it('carries the contract over the WebSocket and never sends a secret back', async () => {
    const received: string[] = [];
    const origin = server.origin;
    class CookieWebSocket extends WebSocket {
      constructor(url: string) {
        super(url, { headers: { origin, cookie } });
        this.on('message', (d) => received.push(String(d)));
      }
    }
    const ws = createWSClient({ url: `${origin.replace('http', 'ws')}/trpc`, WebSocket: CookieWebSocket as unknown as typeof globalThis.WebSocket });
    const api = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
    await api.vault.add.mutate({ name: 'bmc', kind: 'password', username: 'admin', secret: SECRET });
    const creds = await api.vault.list.query();
    expect(creds.map((c) => c.name)).toEqual(['bmc']);
    await api.audit.list.query({ offset: 0, limit: 50 });
    await api.system.info.query();
    expect(received.length).toBeGreaterThan(3);
    expect(received.join('\n')).not.toContain(SECRET);
    await ws.close();
  });
});
