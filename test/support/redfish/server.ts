import crypto from 'node:crypto';
import type http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type tls from 'node:tls';
import { generateSelfSignedCertificate, type TestCertificate } from './certificate';
import * as M from './mockups';

// A wire-level Redfish BMC for tests: HTTPS on 127.0.0.1 with a self-signed certificate made at
// test time, the resources of mockups.ts, real session handling and power state, and knobs to
// misbehave. It records every TLS connection (with the plaintext bytes it received) and every
// request, so tests can prove that nothing was sent on a connection the client refused.

export interface Fault {
  method?: string;
  /** Exact path (without query, no trailing slash except the root) or a pattern. */
  path?: string | RegExp;
  /** How many matching requests it applies to; default: all. */
  times?: number;
  /** Wait before handling (or before failing). */
  delayMs?: number;
  /** Answer with this status and an ExtendedInfo error body instead of handling. */
  status?: number;
  messageId?: string;
  message?: string;
  /** Close the connection without answering. */
  drop?: boolean;
  /** Answer with this raw text (status `status` or 200) instead of handling. */
  rawBody?: string;
}

export interface RecordedRequest {
  connection: number;
  generation: number;
  method: string;
  path: string;
  auth: 'none' | 'session' | 'basic' | 'invalid';
  ifMatch: string | null;
  body: unknown;
}

export interface RecordedConnection {
  id: number;
  /** Increases with each restart (new certificate). */
  generation: number;
  /** Plaintext application bytes received (TLS handshake not counted). */
  bytesReceived: number;
  requests: number;
  open: boolean;
}

export interface RedfishTestServerOptions {
  /** user → password. Default { admin: 'P@ssw0rd-42' }. */
  users?: Record<string, string>;
  allowedResetTypes?: string[];
  /** Advertise reset types inline (default) or through an ActionInfo resource. */
  resetInfo?: 'inline' | 'actionInfo';
  /** How long GracefulShutdown/GracefulRestart stay in PoweringOff. Default 150 ms. */
  gracefulMs?: number;
  /** Answer 428 to a PATCH without If-Match. */
  requireIfMatch?: boolean;
  powerState?: M.PowerState;
}

interface Session {
  id: string;
  token: string;
  userName: string;
}

export class RedfishTestServer {
  readonly host = '127.0.0.1';
  port = 0;
  certificate!: TestCertificate;
  generation = 0;
  readonly state: M.MockState;
  readonly requests: RecordedRequest[] = [];
  /** TLS connections (handshake completed), with what they carried. */
  readonly connections: RecordedConnection[] = [];
  /** TCP connections accepted, handshake or not, by certificate generation. */
  readonly tcpConnections: { generation: number }[] = [];
  readonly resets: string[] = [];
  sessionsCreated = 0;
  sessionsDeleted = 0;
  /** Every X-Auth-Token handed out, so tests can check none leaks into an error. */
  readonly issuedTokens: string[] = [];
  /** Reset types that are advertised but refused with 400 ActionParameterNotSupported. */
  readonly refusedResetTypes = new Set<string>();
  requireIfMatch: boolean;

  private server: https.Server | null = null;
  private readonly sockets = new Set<tls.TLSSocket | net.Socket>();
  private readonly sessions = new Map<string, Session>();
  private readonly faults: (Fault & { used: number })[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly users: Record<string, string>;
  private readonly gracefulMs: number;
  private nextSessionId = 1;
  private nextConnectionId = 1;

  private constructor(opts: RedfishTestServerOptions) {
    this.users = opts.users ?? { admin: 'P@ssw0rd-42' };
    this.gracefulMs = opts.gracefulMs ?? 150;
    this.requireIfMatch = opts.requireIfMatch ?? false;
    this.state = {
      powerState: opts.powerState ?? 'On',
      boot: { BootSourceOverrideTarget: 'None', BootSourceOverrideEnabled: 'Disabled', BootSourceOverrideMode: 'UEFI' },
      version: 1,
      allowedResetTypes: opts.allowedResetTypes ?? M.DEFAULT_RESET_TYPES,
      resetInfo: opts.resetInfo ?? 'inline',
    };
  }

  static async start(opts: RedfishTestServerOptions = {}): Promise<RedfishTestServer> {
    const server = new RedfishTestServer(opts);
    server.certificate = await generateSelfSignedCertificate();
    await server.listen(0);
    return server;
  }

  get fingerprint(): string {
    return this.certificate.fingerprint;
  }

  get openSessions(): number {
    return this.sessions.size;
  }

  /** Connections of the current certificate generation. */
  get currentConnections(): RecordedConnection[] {
    return this.connections.filter((c) => c.generation === this.generation);
  }

  addFault(fault: Fault): void {
    this.faults.push({ ...fault, used: 0 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Resolves once no connection is open any more (the client has hung up everywhere). */
  async idle(timeoutMs = 2000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.sockets.size > 0 || this.connections.some((c) => c.open)) {
      if (Date.now() > until) throw new Error('test server: connections still open');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Stops, makes a new certificate and listens on the same port again. Sessions survive. */
  async restartWithNewCertificate(): Promise<void> {
    await this.stopListening();
    this.certificate = await generateSelfSignedCertificate();
    this.generation += 1;
    await this.listen(this.port);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.stopListening();
  }

  private async stopListening(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  private listen(port: number): Promise<void> {
    const server = https.createServer({ key: this.certificate.keyPem, cert: this.certificate.certPem }, (req, res) =>
      this.onRequest(req, res),
    );
    server.on('connection', (raw: net.Socket) => {
      this.sockets.add(raw);
      this.tcpConnections.push({ generation: this.generation });
      raw.on('close', () => this.sockets.delete(raw));
    });
    server.on('secureConnection', (socket: tls.TLSSocket) => {
      const record: RecordedConnection = { id: this.nextConnectionId++, generation: this.generation, bytesReceived: 0, requests: 0, open: true };
      this.connections.push(record);
      connectionRecords.set(socket, record);
      this.sockets.add(socket);
      socket.on('data', (chunk: Buffer) => (record.bytesReceived += chunk.length));
      socket.on('close', () => {
        record.open = false;
        this.sockets.delete(socket);
      });
    });
    server.on('tlsClientError', () => undefined);
    server.on('clientError', (_err, socket) => socket.destroy());
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        this.port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      let badJson = false;
      if (raw.trim()) {
        try {
          body = JSON.parse(raw);
        } catch {
          badJson = true;
        }
      }
      let path = new URL(req.url ?? '/', 'https://bmc').pathname;
      if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
      const method = req.method ?? 'GET';
      const session = this.sessionOf(req);
      const auth = this.authOf(req, session);
      const conn = connectionRecords.get(req.socket as tls.TLSSocket);
      if (conn) conn.requests += 1;
      this.requests.push({
        connection: conn?.id ?? 0,
        generation: conn?.generation ?? this.generation,
        method,
        path,
        auth,
        ifMatch: (req.headers['if-match'] as string | undefined) ?? null,
        body: path === M.P.sessions && method === 'POST' ? '[login]' : body,
      });

      const fault = this.faults.find(
        (f) =>
          (f.times === undefined || f.used < f.times) &&
          (!f.method || f.method === method) &&
          (!f.path || (typeof f.path === 'string' ? f.path === path : f.path.test(path))),
      );
      if (fault) fault.used += 1;
      const proceed = () => {
        if (res.destroyed || req.socket.destroyed) return;
        if (fault?.drop) return void req.socket.destroy();
        if (fault?.rawBody !== undefined) {
          res.writeHead(fault.status ?? 200, { 'Content-Type': 'application/json' });
          return void res.end(fault.rawBody);
        }
        if (fault?.status) {
          return this.send(res, fault.status, M.errorBody(fault.messageId ?? 'InternalError', fault.message ?? 'The request failed due to an internal service error.'));
        }
        if (badJson) return this.send(res, 400, M.errorBody('MalformedJSON', 'The request body submitted was malformed JSON.'));
        this.route(method, path, body, auth, req, res);
      };
      if (fault?.delayMs) this.later(fault.delayMs, proceed);
      else proceed();
    });
  }

  private sessionOf(req: http.IncomingMessage): Session | null {
    const token = req.headers['x-auth-token'];
    if (typeof token !== 'string') return null;
    for (const s of this.sessions.values()) if (s.token === token) return s;
    return null;
  }

  private authOf(req: http.IncomingMessage, session: Session | null): RecordedRequest['auth'] {
    if (session) return 'session';
    if (req.headers['x-auth-token']) return 'invalid';
    const header = req.headers.authorization;
    if (!header) return 'none';
    const m = /^Basic (.+)$/i.exec(header);
    if (!m) return 'invalid';
    const [user, ...rest] = Buffer.from(m[1], 'base64').toString('utf8').split(':');
    return this.checkPassword(user, rest.join(':')) ? 'basic' : 'invalid';
  }

  private checkPassword(user: unknown, password: unknown): boolean {
    if (typeof user !== 'string' || typeof password !== 'string') return false;
    const expected = this.users[user];
    if (expected === undefined) return false;
    const a = crypto.createHash('sha256').update(expected).digest();
    const b = crypto.createHash('sha256').update(password).digest();
    return crypto.timingSafeEqual(a, b);
  }

  private send(res: http.ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
    const payload = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      'OData-Version': '4.0',
      'Cache-Control': 'no-cache',
      ...(payload ? { 'Content-Type': 'application/json;charset=utf-8', 'Content-Length': String(Buffer.byteLength(payload)) } : {}),
      ...headers,
    });
    res.end(payload);
  }

  private unauthorized(res: http.ServerResponse): void {
    this.send(
      res,
      401,
      M.errorBody('NoValidSession', 'There is no valid session established with the implementation.', [], 'Establish a session before attempting any operations.'),
      { 'WWW-Authenticate': 'Basic realm="Redfish"' },
    );
  }

  private route(
    method: string,
    path: string,
    body: unknown,
    auth: RecordedRequest['auth'],
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): void {
    // Public: the service root and the login.
    if (method === 'GET' && (path === M.P.root || path === '/redfish')) {
      return this.send(res, 200, path === '/redfish' ? { v1: '/redfish/v1/' } : M.serviceRoot());
    }
    if (method === 'POST' && path === M.P.sessions) return this.login(body, res);
    if (auth !== 'session' && auth !== 'basic') return this.unauthorized(res);

    const sessionMatch = /^\/redfish\/v1\/SessionService\/Sessions\/([^/]+)$/.exec(path);
    if (sessionMatch) {
      const s = this.sessions.get(sessionMatch[1]);
      if (!s) return this.send(res, 404, M.errorBody('ResourceMissingAtURI', `The resource at the URI ${path} was not found.`, [path]));
      if (method === 'GET') return this.send(res, 200, M.session(s.id, s.userName));
      if (method === 'DELETE') {
        this.sessions.delete(s.id);
        this.sessionsDeleted += 1;
        return this.send(res, 204);
      }
      return this.notAllowed(res, path);
    }

    const state = this.state;
    const get: Record<string, () => unknown> = {
      [M.P.sessionService]: () => M.sessionService(),
      [M.P.sessions]: () => M.sessionCollection([...this.sessions.keys()]),
      [M.P.systems]: () => M.systemCollection(),
      [M.P.system]: () => M.computerSystem(state),
      [M.P.resetInfo]: () => M.resetActionInfo(state),
      [M.P.chassisCollection]: () => M.chassisCollection(),
      [M.P.chassis]: () => M.chassis(state),
      [M.P.thermal]: () => M.thermal(state),
      [M.P.power]: () => M.power(state),
      [M.P.managers]: () => M.managerCollection(),
      [M.P.manager]: () => M.manager(),
    };
    if (method === 'GET' && get[path]) {
      return this.send(res, 200, get[path](), path === M.P.system ? { ETag: M.etagOf(state) } : {});
    }
    if (method === 'PATCH' && path === M.P.system) return this.patchSystem(body, req, res);
    if (method === 'POST' && path === M.P.reset) return this.reset(body, res);
    if (get[path] || path === M.P.reset) return this.notAllowed(res, path);
    return this.send(res, 404, M.errorBody('ResourceMissingAtURI', `The resource at the URI ${path} was not found.`, [path]));
  }

  private notAllowed(res: http.ServerResponse, path: string): void {
    this.send(res, 405, M.errorBody('OperationNotAllowed', `The HTTP method is not allowed on the URI ${path}.`, [path]));
  }

  private login(body: unknown, res: http.ServerResponse): void {
    const b = (body ?? {}) as { UserName?: unknown; Password?: unknown };
    if (!this.checkPassword(b.UserName, b.Password)) {
      return this.send(
        res,
        401,
        M.errorBody('ResourceAtUriUnauthorized', 'While accessing the resource at /redfish/v1/SessionService/Sessions, the service received an authorization error: invalid credentials.', ['/redfish/v1/SessionService/Sessions', 'invalid credentials'], 'Ensure that the appropriate access is provided for the service in order for it to access the URI.'),
      );
    }
    const id = String(this.nextSessionId++);
    const token = crypto.randomBytes(16).toString('hex');
    this.sessions.set(id, { id, token, userName: b.UserName as string });
    this.sessionsCreated += 1;
    this.issuedTokens.push(token);
    this.send(res, 201, M.session(id, b.UserName as string), { 'X-Auth-Token': token, Location: `${M.P.sessions}/${id}` });
  }

  private patchSystem(body: unknown, req: http.IncomingMessage, res: http.ServerResponse): void {
    const ifMatch = req.headers['if-match'];
    const etag = M.etagOf(this.state);
    if (ifMatch === undefined && this.requireIfMatch) {
      return this.send(res, 428, M.errorBody('PreconditionRequired', 'A precondition header or annotation is required to change the resource at the URI /redfish/v1/Systems/1.', [M.P.system]));
    }
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== etag) {
      return this.send(res, 412, M.errorBody('PreconditionFailed', 'The ETag supplied did not match the ETag required to change this resource.'));
    }
    const boot = (body as { Boot?: Record<string, unknown> } | null)?.Boot;
    if (!boot || typeof boot !== 'object') {
      return this.send(res, 400, M.errorBody('PropertyMissing', 'The property Boot is a required property and must be included in the request.', ['Boot']));
    }
    const checks: [keyof M.BootState, string[]][] = [
      ['BootSourceOverrideTarget', M.BOOT_TARGET_VALUES],
      ['BootSourceOverrideEnabled', M.BOOT_ENABLED_VALUES],
      ['BootSourceOverrideMode', M.BOOT_MODE_VALUES],
    ];
    for (const [key, allowed] of checks) {
      const value = boot[key];
      if (value !== undefined && (typeof value !== 'string' || !allowed.includes(value))) {
        return this.send(res, 400, M.errorBody('PropertyValueNotInList', `The value ${JSON.stringify(value)} for the property ${key} is not in the list of acceptable values.`, [String(value), key]));
      }
    }
    for (const [key] of checks) if (typeof boot[key] === 'string') this.state.boot[key] = boot[key] as string;
    this.state.version += 1;
    this.send(res, 204, undefined, { ETag: M.etagOf(this.state) });
  }

  private reset(body: unknown, res: http.ServerResponse): void {
    const type = (body as { ResetType?: unknown } | null)?.ResetType;
    if (typeof type !== 'string') {
      return this.send(res, 400, M.errorBody('ActionParameterMissing', 'The action ComputerSystem.Reset requires the parameter ResetType to be present in the request body.', ['ComputerSystem.Reset', 'ResetType']));
    }
    if (!this.state.allowedResetTypes.includes(type) || this.refusedResetTypes.has(type)) {
      return this.send(res, 400, M.errorBody('ActionParameterNotSupported', `The parameter ResetType for the action ComputerSystem.Reset is not supported on the target resource.`, ['ResetType', 'ComputerSystem.Reset']));
    }
    this.resets.push(type);
    const set = (s: M.PowerState) => {
      this.state.powerState = s;
      this.state.version += 1;
    };
    switch (type) {
      case 'On':
      case 'ForceOn':
      case 'ForceRestart':
      case 'PowerCycle':
        set('On');
        break;
      case 'ForceOff':
        set('Off');
        break;
      case 'GracefulShutdown':
        if (this.state.powerState === 'On') {
          set('PoweringOff');
          this.later(this.gracefulMs, () => set('Off'));
        }
        break;
      case 'GracefulRestart':
        if (this.state.powerState === 'On') {
          set('PoweringOff');
          this.later(this.gracefulMs, () => set('On'));
        }
        break;
      case 'Nmi':
        break;
    }
    this.send(res, 204);
  }
}

const connectionRecords = new WeakMap<tls.TLSSocket, RecordedConnection>();
