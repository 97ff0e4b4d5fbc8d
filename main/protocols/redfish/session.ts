import { AppError } from '../../../shared/errors';
import {
  REDFISH_ERROR,
  authFailedError,
  badResponse,
  cancelledError,
  extendedInfoOf,
  httpError,
} from './errors';
import { pinnedRequest, type Endpoint, type HttpRequest } from './transport';

// Authentication and the authenticated request used by every resource module.
// Session mode: POST the Sessions collection, use X-Auth-Token, DELETE the Location at close.
// Basic mode: an Authorization header on each request, nothing to clean up.
// Credentials and tokens live only in this module's closures and request headers; they are never
// put into an error, a log line or a returned object.

export type AuthMode = 'session' | 'basic';

export interface Credentials {
  username: string;
  password: string;
}

export interface ConnectionOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Deadline of the session DELETE, which runs even when the caller cancelled. */
  logoutTimeoutMs: number;
  /** Gets cleanup work that outlives the call (a login answered after the caller cancelled). */
  background?: (work: Promise<void>) => void;
  /** Warnings without secrets, e.g. a session that could not be deleted. */
  onWarning?: (message: string) => void;
}

export interface JsonResponse {
  status: number;
  /** Parsed JSON body; null when the body was empty. */
  body: unknown;
  etag: string | null;
  location: string | null;
}

export type JsonObject = Record<string, unknown>;

export const SERVICE_ROOT = '/redfish/v1/';
const DEFAULT_SESSIONS = '/redfish/v1/SessionService/Sessions';

/** A resource path from the BMC (`@odata.id`, `Location`, an action target) as a same-host path. */
export function resourcePath(host: string, value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0) throw badResponse(host, what, 'a resource link is missing');
  let path = value;
  if (/^https?:\/\//i.test(value)) {
    // Only the path is kept: credentials are never sent to another host named in a link.
    const url = new URL(value);
    path = url.pathname + url.search;
  }
  if (!path.startsWith('/')) throw badResponse(host, what, `the link "${value}" is not a path`);
  return path;
}

export function odataId(host: string, obj: unknown, what: string): string {
  return resourcePath(host, (obj as JsonObject | null)?.['@odata.id'], what);
}

function headerValue(value: string | string[] | undefined): string | null {
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

function parseJson(host: string, what: string, text: string, status: number): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    if (status >= 400) return null; // error pages of some BMCs are HTML; the status says enough
    throw badResponse(host, what, 'the body is not JSON');
  }
}

/** An authenticated view of one BMC for the lifetime of a session. */
export class RedfishConnection {
  private closed = false;

  constructor(
    readonly endpoint: Endpoint,
    private readonly pin: string,
    private readonly username: string,
    private readonly authHeaders: Record<string, string>,
    private readonly opts: ConnectionOptions,
    private readonly logout: (() => Promise<void>) | null,
    private root: JsonObject | null = null,
  ) {}

  get host(): string {
    return this.endpoint.host;
  }

  /** Sends a request and returns the parsed answer; non-2xx answers become AppErrors. */
  async request(
    method: HttpRequest['method'],
    path: string,
    init: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<JsonResponse> {
    if (this.closed) throw new Error('Redfish connection used after close');
    const res = await pinnedRequest(
      this.endpoint,
      this.pin,
      { method, path, body: init.body, headers: { ...init.headers, ...this.authHeaders } },
      { timeoutMs: this.opts.timeoutMs, signal: this.opts.signal },
    );
    const what = `${method} ${path}`;
    const body = parseJson(this.host, what, res.text, res.status);
    if (res.status === 401) {
      const e = authFailedError(this.host, this.username);
      throw this.logout ? new AppError(e.code, `${e.message} (If the login worked before, the BMC may have ended the session early.)`, e.params) : e;
    }
    if (res.status < 200 || res.status >= 300) throw httpError(this.host, method, path, res.status, body);
    return {
      status: res.status,
      body,
      etag: headerValue(res.headers.etag),
      location: headerValue(res.headers.location),
    };
  }

  /** GET a resource that must be a JSON object. The ETag comes from the header or `@odata.etag`. */
  async getJson(path: string): Promise<{ body: JsonObject; etag: string | null }> {
    const res = await this.request('GET', path);
    if (!res.body || typeof res.body !== 'object' || Array.isArray(res.body)) {
      throw badResponse(this.host, `GET ${path}`, 'expected a JSON object');
    }
    const body = res.body as JsonObject;
    const etag = res.etag ?? (typeof body['@odata.etag'] === 'string' ? (body['@odata.etag'] as string) : null);
    return { body, etag };
  }

  async serviceRoot(): Promise<JsonObject> {
    if (!this.root) this.root = (await this.getJson(SERVICE_ROOT)).body;
    return this.root;
  }

  /** The collection link named `name` in the service root (Systems, Chassis, …). */
  async rootLink(name: string): Promise<string> {
    const root = await this.serviceRoot();
    if (!root[name]) throw badResponse(this.host, `GET ${SERVICE_ROOT}`, `the service root has no ${name} collection`);
    return odataId(this.host, root[name], `GET ${SERVICE_ROOT}`);
  }

  /** The member paths of a collection. */
  async members(path: string): Promise<string[]> {
    const { body } = await this.getJson(path);
    const members = body.Members;
    if (!Array.isArray(members)) throw badResponse(this.host, `GET ${path}`, 'the collection has no Members array');
    return members.map((m) => odataId(this.host, m, `GET ${path}`));
  }

  /** Ends the session (DELETE). Never throws; runs even after the caller cancelled. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.logout) await this.logout();
  }
}

interface OpenArgs {
  endpoint: Endpoint;
  pin: string;
  credentials: Credentials;
  mode: AuthMode;
  opts: ConnectionOptions;
}

/**
 * Opens an authenticated connection. The caller must `close()` it in a `finally`.
 * In session mode, a login still in flight when the caller cancels is not abandoned: its
 * answer is awaited in the background (bounded by its timeout) so the session can be deleted.
 */
export async function openConnection({ endpoint, pin, credentials, mode, opts }: OpenArgs): Promise<RedfishConnection> {
  const { username, password } = credentials;
  if (opts.signal?.aborted) throw cancelledError(endpoint.host, 'login');
  if (mode === 'basic') {
    const auth = { Authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}` };
    return new RedfishConnection(endpoint, pin, username, auth, opts, null);
  }

  // The service root is readable without authentication; it names the Sessions collection.
  const anonymous = new RedfishConnection(endpoint, pin, username, {}, opts, null);
  let sessionsPath = DEFAULT_SESSIONS;
  let root: JsonObject | null = null;
  try {
    root = await anonymous.serviceRoot();
    const link = (root.Links as JsonObject | undefined)?.Sessions;
    if (link) sessionsPath = odataId(endpoint.host, link, `GET ${SERVICE_ROOT}`);
  } catch (e) {
    // Some BMCs want authentication even for the root; the standard path is used then.
    if (!(AppError.is(e) && e.code === REDFISH_ERROR.AUTH_FAILED)) throw e;
  }

  const logoutWith = (token: string, path: string) => async () => {
    let problem: string | null = null;
    try {
      const res = await pinnedRequest(
        endpoint,
        pin,
        { method: 'DELETE', path, headers: { 'X-Auth-Token': token } },
        { timeoutMs: opts.logoutTimeoutMs }, // deliberately not the caller's signal
      );
      // 404: the session is already gone (expired or deleted by an administrator).
      if ((res.status < 200 || res.status >= 300) && res.status !== 404) problem = `${REDFISH_ERROR.HTTP} ${res.status}`;
    } catch (e) {
      problem = AppError.is(e) ? e.code : 'error';
    }
    if (problem) {
      opts.onWarning?.(`Could not delete the Redfish session ${path} on ${endpoint.host} (${problem}); the BMC will expire it.`);
    }
  };

  // The login runs without the caller's signal so that its answer is never lost: a session
  // created by the BMC after the caller gave up must still be deleted.
  const login = pinnedRequest(
    endpoint,
    pin,
    { method: 'POST', path: sessionsPath, body: { UserName: username, Password: password } },
    { timeoutMs: opts.timeoutMs },
  ).then((res) => {
    const token = headerValue(res.headers['x-auth-token']);
    const what = `POST ${sessionsPath}`;
    if (res.status === 401 || res.status === 403 || (res.status === 400 && !token)) {
      const info = extendedInfoOf(parseJson(endpoint.host, what, res.text, res.status)).message;
      const e = authFailedError(endpoint.host, username);
      throw info ? new AppError(e.code, `${e.message} The BMC said: ${info}`, { ...e.params, redfishMessage: info }) : e;
    }
    if (res.status < 200 || res.status >= 300) {
      throw httpError(endpoint.host, 'POST', sessionsPath, res.status, parseJson(endpoint.host, what, res.text, res.status));
    }
    if (!token) throw badResponse(endpoint.host, what, 'the login answer has no X-Auth-Token header');
    // A session without a Location cannot be deleted; it then expires on the BMC by itself.
    const body = parseJson(endpoint.host, what, res.text, res.status) as JsonObject | null;
    const location = resourcePath(endpoint.host, headerValue(res.headers.location) ?? body?.['@odata.id'], what);
    return { token, location };
  });

  const signal = opts.signal;
  let session: { token: string; location: string };
  if (!signal) {
    session = await login;
  } else {
    let onAbort: () => void = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(cancelledError(endpoint.host, `POST ${sessionsPath}`));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      session = await Promise.race([login, aborted]);
    } catch (e) {
      if (signal.aborted) {
        const cleanup = login.then(
          (s) => logoutWith(s.token, s.location)(),
          () => undefined,
        );
        opts.background?.(cleanup);
      }
      throw e;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  const conn = new RedfishConnection(
    endpoint,
    pin,
    username,
    { 'X-Auth-Token': session.token },
    opts,
    logoutWith(session.token, session.location),
    root,
  );
  // The caller may have cancelled between the login answer and here.
  if (signal?.aborted) {
    await conn.close();
    throw cancelledError(endpoint.host, `POST ${sessionsPath}`);
  }
  return conn;
}
