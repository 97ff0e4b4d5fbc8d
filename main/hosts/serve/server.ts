import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { contractConnectionHandler } from '../contractConnection';
import type { Services } from '../../../shared/contract/services';
import { ServeGuard } from './auth';
import { serveStatic } from './staticFiles';

export interface ServeOptions {
  services: Services;
  rendererDir: string;
  host?: string;
  port?: number;
  token?: string;
}

export interface RunningServer {
  url: string;
  origin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

export function contentSecurityPolicy(origin: string): string {
  const ws = origin.replace(/^http/, 'ws');
  return [
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
    "font-src 'self' data:", `connect-src 'self' ${ws}`, "object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * `clusterdeck serve`: the built renderer over HTTP and the whole contract over one WebSocket
 * (/trpc), on loopback by default, behind a per-run token.
 */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const guard = new ServeGuard(opts.token);
  const host = opts.host ?? '127.0.0.1';
  let csp = '';
  const securityHeaders = () => ({
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  });

  const server = http.createServer((req, res) => {
    const bad = guard.checkOrigin(req);
    if (bad) return void res.writeHead(403, { 'content-type': 'text/plain' }).end(`Forbidden: ${bad}.\n`);
    const { token, fromQuery } = guard.presentedToken(req);
    if (!guard.tokenValid(token)) {
      return void res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized: open the URL that `clusterdeck serve` printed; it carries the access token.\n');
    }
    if (fromQuery) {
      // Trade the token in the address bar for a cookie, then drop it from the URL.
      const url = new URL(req.url ?? '/', 'http://x');
      url.searchParams.delete('token');
      return void res.writeHead(302, { 'set-cookie': guard.setCookieHeader(), location: url.pathname + url.search }).end();
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end();
    serveStatic(opts.rendererDir, req.url ?? '/', res, securityHeaders());
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 80 * 1024 * 1024 });
  const handleConnection = contractConnectionHandler(opts.services, 'serve', true);
  wss.on('connection', handleConnection);

  server.on('upgrade', (req, socket, head) => {
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (guard.checkOrigin(req)) return reject(403, 'Forbidden');
    if (!guard.tokenValid(guard.presentedToken(req).token)) return reject(401, 'Unauthorized');
    if (!(req.url ?? '').startsWith('/trpc')) return reject(404, 'Not Found');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  guard.listenOn(host.includes(':') ? `[${host}]` : host, port);
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  csp = contentSecurityPolicy(origin);

  return {
    url: `${origin}/?token=${guard.token}`,
    origin,
    token: guard.token,
    port,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
