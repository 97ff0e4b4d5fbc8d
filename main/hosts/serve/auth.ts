import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * `serve` is reachable by every process on the machine, so each request must prove it came from
 * the person who started it (the token printed in the URL, kept afterwards in an HttpOnly cookie)
 * and from ClusterDeck's own page (Origin and Host, against cross-site requests and DNS rebinding).
 */
export class ServeGuard {
  readonly token = crypto.randomBytes(24).toString('base64url');
  private allowedHosts = new Set<string>();

  constructor(token?: string) {
    if (token) (this as { token: string }).token = token;
  }

  /** Call once the port is known. */
  listenOn(host: string, port: number): void {
    const names = new Set([host, '127.0.0.1', 'localhost', '[::1]']);
    if (host === '::1') names.add('[::1]');
    for (const n of names) this.allowedHosts.add(`${n}:${port}`);
  }

  get cookieName(): string {
    // Cookies ignore ports: two servers on one machine must not overwrite each other's token.
    const port = [...this.allowedHosts][0]?.split(':').pop() ?? '';
    return `clusterdeck_token_${port}`;
  }

  /** 403 reasons: a foreign Origin or an unexpected Host header. */
  checkOrigin(req: IncomingMessage): string | null {
    const host = req.headers.host ?? '';
    if (!this.allowedHosts.has(host)) return `unexpected Host header ${JSON.stringify(host)}`;
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== 'null') {
      let originHost: string;
      try {
        const u = new URL(origin);
        originHost = u.protocol === 'http:' ? u.host : '';
      } catch {
        originHost = '';
      }
      if (!this.allowedHosts.has(originHost)) return `foreign Origin ${JSON.stringify(origin)}`;
    } else if (origin === 'null') return 'opaque Origin';
    return null;
  }

  /** Token from the query string (first visit) or the cookie (afterwards). */
  presentedToken(req: IncomingMessage): { token: string | null; fromQuery: boolean } {
    const url = new URL(req.url ?? '/', 'http://x');
    const q = url.searchParams.get('token');
    if (q) return { token: q, fromQuery: true };
    const cookie = req.headers.cookie ?? '';
    for (const part of cookie.split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === this.cookieName) return { token: decodeURIComponent(v.join('=')), fromQuery: false };
    }
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) return { token: auth.slice(7), fromQuery: false };
    return { token: null, fromQuery: false };
  }

  tokenValid(token: string | null): boolean {
    if (!token) return false;
    const a = Buffer.from(token);
    const b = Buffer.from(this.token);
    return a.length === b.length && crypto.timingSafeEqual(a, b);
  }

  setCookieHeader(): string {
    return `${this.cookieName}=${encodeURIComponent(this.token)}; HttpOnly; SameSite=Strict; Path=/`;
  }
}
