/**
 * A wire-level Kubernetes API server for the tests: a TEST DOUBLE built from the real API paths,
 * because no Kubernetes API server (nor kind, k3s, envtest's etcd) can run on these machines.
 * It speaks what the client sends over HTTP: discovery (/api, /apis, /apis/<group>/<version>),
 * namespaced and cluster-scoped collections and objects with resourceVersion, limit/continue
 * paging, ?watch=1 as JSON lines (ADDED/MODIFIED/DELETED, BOOKMARK, ERROR 410 for a compacted
 * resourceVersion), pods/<name>/log with follow and tailLines, events by fieldSelector, label
 * selectors, DELETE with cascading to owned pods, 401 for an unknown bearer token, 403 for a
 * forbidden verb, 404 page for a group that is not installed, 404 Status for a missing object,
 * 409 for a name taken or a stale resourceVersion, 422 with causes for an invalid object,
 * pods/<name>/portforward over a WebSocket (v4.channel.k8s.io; see portForward.ts).
 * Simulated controllers (controller.ts) create pods and move jobs through their conditions.
 */

import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { testPki, type TestPki } from './pki';
import { RESOURCES, resourceId, validate, type ServedResource } from './resources';
import { Controllers } from './controller';
import { handlePortForward } from './portForward';
import type { WebSocket } from 'ws';

export type Obj = {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; generation?: number; creationTimestamp?: string; labels?: Record<string, string>; ownerReferences?: Array<{ uid: string; kind: string; name: string; apiVersion: string }>; [k: string]: unknown };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [k: string]: unknown;
};

export interface FakeKubeOptions {
  /** Bearer token → user name. Default { 'token-alice': 'alice' }. */
  tokens?: Record<string, string>;
  /** Optional components installed (default both). */
  addons?: { kubeflow?: boolean; volcano?: boolean };
  /** How many watch events are kept for resuming (older resourceVersions get 410). */
  historyLimit?: number;
}

export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  user: string | null;
  /** The JSON body as received (POST/PUT/PATCH/DELETE), for tests comparing it with what was previewed. */
  body?: unknown;
}

interface HistoryEntry {
  rv: number;
  rid: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Obj;
}

interface Watcher {
  rid: string;
  namespace: string | null;
  match: (o: Obj) => boolean;
  res: http.ServerResponse;
}

interface PodLog {
  lines: string[];
  ended: boolean;
  followers: Set<http.ServerResponse>;
}

const clone = <T>(v: T): T => structuredClone(v);

export class FakeKubeApiServer {
  readonly tokens: Map<string, string>;
  addons: { kubeflow: boolean; volcano: boolean };
  /** Rules the RBAC double applies: a matching request gets 403. */
  readonly forbidden: Array<{ user?: string; verb: string; resource: string; namespace?: string }> = [];
  /** Requests for which this returns true get no answer at all (to test timeouts). */
  hang: ((r: SeenRequest) => boolean) | null = null;
  /** Called before each authenticated request is served (e.g. to change an object under the client). */
  beforeServe: ((r: SeenRequest) => void) | null = null;
  readonly requests: SeenRequest[] = [];
  readonly controllers = new Controllers(this);

  private server!: http.Server | https.Server;
  /** The cluster CA and client certificates (kubeconfigs embed them). */
  pki!: TestPki;
  private rv = 1000;
  /** Watches asking for resourceVersions at or below this get 410 Gone. */
  private compactedRv = 0;
  private readonly historyLimit: number;
  private readonly history: HistoryEntry[] = [];
  private readonly store = new Map<string, Map<string, Obj>>();
  private readonly watchers = new Set<Watcher>();
  private readonly logs = new Map<string, PodLog>();
  private readonly sockets = new Set<import('node:net').Socket>();
  private uid = 0;
  /** Where a pod's port listens, by "namespace/pod:port" (default 127.0.0.1:port). */
  readonly portTargets = new Map<string, { host: string; port: number }>();
  /** Open port-forward WebSockets. */
  readonly portForwards = new Set<WebSocket>();

  private constructor(o: FakeKubeOptions) {
    this.tokens = new Map(Object.entries(o.tokens ?? { 'token-alice': 'alice' }));
    this.addons = { kubeflow: o.addons?.kubeflow ?? true, volcano: o.addons?.volcano ?? true };
    this.historyLimit = o.historyLimit ?? 10_000;
  }

  static async start(o: FakeKubeOptions = {}): Promise<FakeKubeApiServer> {
    const s = new FakeKubeApiServer(o);
    s.pki = await testPki();
    // HTTPS like every real API server; client certificates are asked for, not required (tokens work too).
    s.server = https.createServer({ key: s.pki.serverKey, cert: s.pki.serverCert, ca: s.pki.ca, requestCert: true, rejectUnauthorized: false }, (req, res) => s.handle(req, res));
    s.server.on('connection', (sock) => {
      s.sockets.add(sock);
      sock.on('close', () => s.sockets.delete(sock));
    });
    s.server.on('upgrade', (req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => {
      const handled = handlePortForward({
        userOf: (r) => s.userOf(r),
        pod: (ns, name) => s.object('', 'pods', ns, name),
        target: (ns, pod, port) => s.portTargets.get(`${ns}/${pod}:${port}`) ?? { host: '127.0.0.1', port },
        seen: (r, user) => {
          const url = new URL(r.url ?? '/', 'http://x');
          s.requests.push({ method: 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), user });
        },
      }, req, socket, head, s.portForwards);
      if (!handled) socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    return s;
  }

  get url(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.controllers.stop();
    for (const ws of this.portForwards) ws.terminate();
    for (const sock of this.sockets) sock.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- what tests do to the cluster ------------------------------------------------------

  /** The current resourceVersion (etcd's revision). */
  get resourceVersion(): string {
    return String(this.rv);
  }

  /** Open watch connections and log followers. */
  get openStreams(): { watches: number; logs: number } {
    let logs = 0;
    for (const l of this.logs.values()) logs += l.followers.size;
    return { watches: this.watchers.size, logs };
  }

  /** Cuts every watch connection, as a load balancer or an API server restart would. */
  dropWatches(): void {
    for (const w of this.watchers) w.res.destroy();
    this.watchers.clear();
  }

  /** Forgets the event history, as etcd compaction does: older resourceVersions now get 410 Gone. */
  compact(): void {
    this.compactedRv = this.rv;
    this.history.length = 0;
  }

  /** Inserts objects without any HTTP and without controllers (fast seeding); each gets its own resourceVersion. */
  seed(group: string, plural: string, objects: Obj[]): void {
    const r = this.resource(group, plural);
    const was = this.controllers.enabled;
    this.controllers.enabled = false;
    try {
      for (const o of objects) this.put(r, this.stamp(r, clone(o)), 'ADDED');
    } finally {
      this.controllers.enabled = was;
    }
  }

  objects(group: string, plural: string, namespace?: string): Obj[] {
    return [...(this.store.get(resourceId({ group, plural }))?.values() ?? [])].filter((o) => namespace === undefined || o.metadata.namespace === namespace).map(clone);
  }

  object(group: string, plural: string, namespace: string | null, name: string): Obj | undefined {
    const o = this.store.get(resourceId({ group, plural }))?.get(key(namespace, name));
    return o && clone(o);
  }

  /** Replaces an object's status (or other fields) as a controller would, emitting MODIFIED. */
  update(group: string, plural: string, namespace: string | null, name: string, change: (o: Obj) => void): Obj {
    const r = this.resource(group, plural);
    const current = this.store.get(resourceId(r))?.get(key(namespace, name));
    if (!current) throw new Error(`no ${plural} ${namespace}/${name}`);
    const next = clone(current);
    change(next);
    return this.put(r, next, 'MODIFIED');
  }

  create(group: string, plural: string, o: Obj): Obj {
    const r = this.resource(group, plural);
    return this.put(r, this.stamp(r, clone(o)), 'ADDED');
  }

  remove(group: string, plural: string, namespace: string | null, name: string): void {
    const r = this.resource(group, plural);
    const o = this.store.get(resourceId(r))?.get(key(namespace, name));
    if (o) this.delete(r, o);
  }

  /** Records a core/v1 Event about an object. */
  event(namespace: string, about: { kind: string; name: string; uid?: string }, reason: string, message: string, type: 'Normal' | 'Warning' = 'Normal'): void {
    const now = new Date(Date.now() + this.rv).toISOString(); // strictly increasing times
    this.create('', 'events', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${about.name}.${(this.rv + 1).toString(16)}`, namespace },
      involvedObject: { kind: about.kind, name: about.name, namespace, uid: about.uid },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: about.kind === 'Pod' ? 'kubelet' : `${about.kind.toLowerCase()}-controller` },
    });
  }

  /** Appends lines to a pod's log; followers get them at once. */
  appendLog(namespace: string, pod: string, ...lines: string[]): void {
    const log = this.log(namespace, pod);
    log.lines.push(...lines);
    for (const res of log.followers) res.write(lines.map((l) => `${l}\n`).join(''));
  }

  /** The container exited: followers' streams end. */
  endLog(namespace: string, pod: string): void {
    const log = this.log(namespace, pod);
    log.ended = true;
    for (const res of log.followers) res.end();
    log.followers.clear();
  }

  // ---- storage ---------------------------------------------------------------------------

  private resource(group: string, plural: string, version?: string): ServedResource {
    const r = RESOURCES.find((x) => x.group === group && x.plural === plural && (!version || x.version === version));
    if (!r) throw new Error(`the test server has no resource ${plural}.${group}`);
    return r;
  }

  private stamp(r: ServedResource, o: Obj): Obj {
    o.apiVersion ??= r.group ? `${r.group}/${r.version}` : r.version;
    o.kind ??= r.kind;
    o.metadata.uid = `uid-${++this.uid}`;
    o.metadata.generation = 1;
    o.metadata.creationTimestamp ??= new Date().toISOString();
    if (!r.namespaced) delete o.metadata.namespace;
    return o;
  }

  private put(r: ServedResource, o: Obj, type: 'ADDED' | 'MODIFIED'): Obj {
    const rid = resourceId(r);
    if (!this.store.has(rid)) this.store.set(rid, new Map());
    o.metadata.resourceVersion = String(++this.rv);
    this.store.get(rid)!.set(key(r.namespaced ? (o.metadata.namespace ?? null) : null, o.metadata.name), o);
    this.publish({ rv: this.rv, rid, type, object: clone(o) });
    if (type === 'ADDED') this.controllers.created(r, clone(o));
    return clone(o);
  }

  private delete(r: ServedResource, o: Obj): Obj {
    const rid = resourceId(r);
    this.store.get(rid)!.delete(key(r.namespaced ? (o.metadata.namespace ?? null) : null, o.metadata.name));
    const gone = clone(o);
    gone.metadata.resourceVersion = String(++this.rv);
    this.publish({ rv: this.rv, rid, type: 'DELETED', object: gone });
    // Garbage collection: whatever this object owned goes too.
    for (const [orid, objects] of this.store) {
      for (const child of [...objects.values()]) {
        if (child.metadata.ownerReferences?.some((ref) => ref.uid === o.metadata.uid)) this.delete(RESOURCES.find((x) => resourceId(x) === orid)!, child);
      }
    }
    if (r.plural === 'pods') {
      this.endLog(o.metadata.namespace ?? '', o.metadata.name);
      // A pod created again under the same name (a resumed job) starts a log of its own.
      this.logs.delete(key(o.metadata.namespace ?? '', o.metadata.name));
    }
    return gone;
  }

  private publish(e: HistoryEntry): void {
    this.history.push(e);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.shift()!;
      this.compactedRv = dropped.rv;
    }
    for (const w of this.watchers) this.send(w, e);
  }

  private send(w: Watcher, e: HistoryEntry): void {
    if (w.rid !== e.rid) return;
    if (w.namespace && e.object.metadata.namespace !== w.namespace) return;
    if (!w.match(e.object)) return;
    w.res.write(JSON.stringify({ type: e.type, object: e.object }) + '\n');
  }

  private log(namespace: string, pod: string): PodLog {
    const k = key(namespace, pod);
    if (!this.logs.has(k)) this.logs.set(k, { lines: [], ended: false, followers: new Set() });
    return this.logs.get(k)!;
  }

  // ---- HTTP ------------------------------------------------------------------------------

  private userOf(req: http.IncomingMessage): string | null {
    const auth = req.headers.authorization ?? '';
    // A client certificate signed by the cluster CA authenticates as its CN, as in kube-apiserver.
    const tls = req.socket as TLSSocket;
    const cn = tls.authorized ? tls.getPeerCertificate().subject?.CN : undefined;
    const certUser = typeof cn === 'string' ? cn : null;
    return auth.startsWith('Bearer ') ? (this.tokens.get(auth.slice(7)) ?? null) : certUser;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    const user = this.userOf(req);
    const seen: SeenRequest = { method: req.method ?? 'GET', path: url.pathname, query, user };
    this.requests.push(seen);
    if (this.hang?.(seen)) return; // never answered; the socket stays open until close()
    if (!user) return status(res, 401, 'Unauthorized', 'Unauthorized');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown;
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
      } catch {
        return status(res, 400, 'BadRequest', 'the request body is not JSON');
      }
      seen.body = structuredClone(body);
      try {
        this.beforeServe?.(seen);
        this.route(req.method ?? 'GET', url.pathname, query, body, user, res, req.headers['content-type']);
      } catch (err) {
        status(res, 500, 'InternalError', (err as Error).message);
      }
    });
  }

  private installed(r: ServedResource): boolean {
    return !r.addon || this.addons[r.addon];
  }

  private route(method: string, path: string, q: Record<string, string>, body: unknown, user: string, res: http.ServerResponse, contentType?: string): void {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const served = RESOURCES.filter((r) => this.installed(r));
    // Discovery.
    if (method === 'GET' && path === '/api') return json(res, 200, { kind: 'APIVersions', versions: ['v1'] });
    if (method === 'GET' && path === '/apis') {
      const groups = [...new Set(served.filter((r) => r.group).map((r) => r.group))].map((g) => {
        const versions = [...new Set(served.filter((r) => r.group === g).map((r) => r.version))].map((v) => ({ groupVersion: `${g}/${v}`, version: v }));
        return { name: g, versions, preferredVersion: versions[0] };
      });
      return json(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups });
    }
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === 'api' && parts.length >= 2) [group, version, rest] = ['', parts[1], parts.slice(2)];
    else if (parts[0] === 'apis' && parts.length >= 3) [group, version, rest] = [parts[1], parts[2], parts.slice(3)];
    else if (parts[0] === 'apis' && parts.length === 2 && served.some((r) => r.group === parts[1])) {
      const versions = [...new Set(served.filter((r) => r.group === parts[1]).map((r) => r.version))].map((v) => ({ groupVersion: `${parts[1]}/${v}`, version: v }));
      return json(res, 200, { kind: 'APIGroup', apiVersion: 'v1', name: parts[1], versions, preferredVersion: versions[0] });
    } else return notFoundPage(res);
    const inGv = served.filter((r) => r.group === group && r.version === version);
    if (inGv.length === 0) return notFoundPage(res);
    if (rest.length === 0 && method === 'GET') {
      return json(res, 200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources: inGv.map((r) => ({ name: r.plural, kind: r.kind, namespaced: r.namespaced, verbs: ['create', 'delete', 'get', 'list', 'update', 'watch'] })) });
    }
    let namespace: string | null = null;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, sub] = rest;
    const rAny = inGv.find((x) => x.plural === plural && x.namespaced === (namespace !== null));
    if (!rAny || rest.length > 3 || (sub && !(plural === 'pods' && sub === 'log'))) return notFoundPage(res);
    const verb = sub === 'log' ? 'get' : method === 'GET' ? (name ? 'get' : q.watch === '1' || q.watch === 'true' ? 'watch' : 'list') : method === 'POST' ? 'create' : method === 'PUT' ? 'update' : method === 'PATCH' ? 'patch' : method === 'DELETE' ? 'delete' : method.toLowerCase();
    const resource = sub ? `${plural}/${sub}` : resourceId(rAny);
    const rule = this.forbidden.find((f) => (!f.user || f.user === user) && f.verb === verb && f.resource === resource && (!f.namespace || f.namespace === namespace));
    if (rule) {
      const scope = namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope';
      return status(res, 403, 'Forbidden', `${resource}${name ? ` "${name}"` : ''} is forbidden: User "${user}" cannot ${verb} resource "${sub ? `${plural}/${sub}` : plural}" in API group "${group}"${scope}`, { name, group, kind: plural });
    }
    const rid = resourceId(rAny);
    const objects = this.store.get(rid) ?? new Map<string, Obj>();
    const k = key(namespace, name ?? '');
    const notFound = () => status(res, 404, 'NotFound', `${rid} "${name}" not found`, { name, group, kind: plural });

    if (sub === 'log') return objects.has(k) ? this.serveLog(objects.get(k)!, q, res) : notFound();
    if (method === 'GET' && name) return objects.has(k) ? json(res, 200, objects.get(k)) : notFound();
    if (method === 'GET') return verb === 'watch' ? this.serveWatch(rAny, namespace, q, res) : this.serveList(rAny, namespace, q, res);
    if (method === 'POST' && !name) {
      const o = body as Obj;
      if (!o || typeof o !== 'object') return status(res, 400, 'BadRequest', 'no object in the request body');
      const expected = group ? `${group}/${version}` : version;
      if (o.apiVersion !== expected || o.kind !== rAny.kind) return status(res, 400, 'BadRequest', `the API version in the data (${o.apiVersion}) does not match the expected API version (${expected}) or kind ${o.kind} is not ${rAny.kind}`);
      o.metadata ??= { name: '' };
      if (rAny.namespaced) o.metadata.namespace ??= namespace!;
      if (rAny.namespaced && o.metadata.namespace !== namespace) return status(res, 400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
      const causes = validate(rAny, o);
      if (causes.length) return invalid(res, rAny, o.metadata.name, causes);
      if (objects.has(key(namespace, o.metadata.name))) return status(res, 409, 'AlreadyExists', `${rid} "${o.metadata.name}" already exists`, { name: o.metadata.name, group, kind: plural });
      delete o.status; // status is a subresource: creating an object never sets it
      return json(res, 201, this.put(rAny, this.stamp(rAny, o), 'ADDED'));
    }
    if (method === 'PUT' && name) {
      const current = objects.get(k);
      if (!current) return notFound();
      const o = body as Obj;
      const causes = validate(rAny, o);
      if (causes.length) return invalid(res, rAny, name, causes);
      if (o.metadata?.resourceVersion !== current.metadata.resourceVersion) {
        return status(res, 409, 'Conflict', `Operation cannot be fulfilled on ${rid} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, group, kind: plural });
      }
      const next: Obj = { ...clone(o), status: clone(current.status), metadata: { ...clone(o.metadata), uid: current.metadata.uid, creationTimestamp: current.metadata.creationTimestamp, generation: (current.metadata.generation ?? 1) + (JSON.stringify(o.spec) === JSON.stringify(current.spec) ? 0 : 1) } };
      return json(res, 200, this.put(rAny, next, 'MODIFIED'));
    }
    if (method === 'PATCH' && name) {
      const current = objects.get(k);
      if (!current) return notFound();
      if (!/merge-patch\+json/.test(String(contentType))) return status(res, 415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json`);
      const next = mergePatch(clone(current), body) as Obj;
      const causes = validate(rAny, next);
      if (causes.length) return invalid(res, rAny, name, causes);
      const before = JSON.stringify(current.spec);
      next.metadata.generation = (current.metadata.generation ?? 1) + (JSON.stringify(next.spec) === before ? 0 : 1);
      const saved = this.put(rAny, next, 'MODIFIED');
      this.controllers.changed(rAny, saved);
      return json(res, 200, saved);
    }
    if (method === 'DELETE' && name) {
      const current = objects.get(k);
      if (!current) return notFound();
      return json(res, 200, this.delete(rAny, current));
    }
    return status(res, 405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  }

  private select(r: ServedResource, namespace: string | null, q: Record<string, string>): (o: Obj) => boolean {
    const labels = parseSelector(q.labelSelector);
    const fields = parseSelector(q.fieldSelector);
    return (o) =>
      (!namespace || !r.namespaced || o.metadata.namespace === namespace) &&
      labels.every(([k, v]) => o.metadata.labels?.[k] === v) &&
      fields.every(([k, v]) => String(k.split('.').reduce<unknown>((x, p) => (x as Record<string, unknown> | undefined)?.[p], o) ?? '') === v);
  }

  private serveList(r: ServedResource, namespace: string | null, q: Record<string, string>, res: http.ServerResponse): void {
    const match = this.select(r, namespace, q);
    let items = [...(this.store.get(resourceId(r))?.values() ?? [])].filter(match);
    items.sort((a, b) => key(a.metadata.namespace ?? null, a.metadata.name).localeCompare(key(b.metadata.namespace ?? null, b.metadata.name)));
    // continue is opaque to clients: here the list's resourceVersion and the last key returned.
    let listRv = String(this.rv);
    if (q.continue) {
      let token: { rv: string; after: string };
      try {
        token = JSON.parse(Buffer.from(q.continue, 'base64url').toString('utf8'));
      } catch {
        return status(res, 400, 'BadRequest', 'continue key is not valid');
      }
      listRv = token.rv;
      items = items.filter((o) => key(o.metadata.namespace ?? null, o.metadata.name) > token.after);
    }
    const limit = Number(q.limit) || 0;
    const page = limit > 0 ? items.slice(0, limit) : items;
    const more = limit > 0 && items.length > limit;
    const last = page.at(-1);
    const metadata: Record<string, unknown> = { resourceVersion: listRv };
    if (more && last) {
      metadata.continue = Buffer.from(JSON.stringify({ rv: listRv, after: key(last.metadata.namespace ?? null, last.metadata.name) })).toString('base64url');
      metadata.remainingItemCount = items.length - limit;
    }
    json(res, 200, { apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: `${r.kind}List`, metadata, items: page });
  }

  private serveWatch(r: ServedResource, namespace: string | null, q: Record<string, string>, res: http.ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    const from = q.resourceVersion ? Number(q.resourceVersion) : 0;
    const w: Watcher = { rid: resourceId(r), namespace: r.namespaced ? namespace : null, match: this.select(r, namespace, q), res };
    if (from && from < this.compactedRv) {
      // What the real server does: a 200 stream carrying one ERROR event with a 410 Status.
      res.end(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${from} (${this.compactedRv})`, reason: 'Expired', code: 410 } }) + '\n');
      return;
    }
    if (!from) {
      // No resourceVersion: the current state as ADDED events first.
      for (const o of this.store.get(w.rid)?.values() ?? []) if (w.match(o)) res.write(JSON.stringify({ type: 'ADDED', object: o }) + '\n');
    } else {
      for (const e of this.history) if (e.rv > from) this.send(w, e);
    }
    if (q.allowWatchBookmarks === 'true') res.write(JSON.stringify({ type: 'BOOKMARK', object: { kind: r.kind, apiVersion: r.group ? `${r.group}/${r.version}` : r.version, metadata: { resourceVersion: String(this.rv) } } }) + '\n');
    this.watchers.add(w);
    const timeout = q.timeoutSeconds ? setTimeout(() => res.end(), Number(q.timeoutSeconds) * 1000) : null;
    res.on('close', () => {
      this.watchers.delete(w);
      if (timeout) clearTimeout(timeout);
    });
  }

  private serveLog(pod: Obj, q: Record<string, string>, res: http.ServerResponse): void {
    const containers = ((pod.spec?.containers ?? []) as Array<{ name: string }>).map((c) => c.name);
    if (!q.container && containers.length > 1) return status(res, 400, 'BadRequest', `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${containers.join(' ')}]`);
    if (q.container && !containers.includes(q.container)) return status(res, 400, 'BadRequest', `container ${q.container} is not valid for pod ${pod.metadata.name}`);
    if ((pod.status as { phase?: string } | undefined)?.phase === 'Pending') return status(res, 400, 'BadRequest', `container "${containers[0]}" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`);
    const log = this.log(pod.metadata.namespace ?? '', pod.metadata.name);
    const tail = q.tailLines !== undefined ? Number(q.tailLines) : -1;
    const lines = tail >= 0 ? log.lines.slice(Math.max(0, log.lines.length - tail)) : log.lines;
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    if (lines.length) res.write(lines.map((l) => `${l}\n`).join(''));
    if (q.follow !== 'true' || log.ended) return void res.end();
    log.followers.add(res);
    res.on('close', () => log.followers.delete(res));
  }
}

/** RFC 7386 JSON merge patch: objects merge, null deletes, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function key(namespace: string | null, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function parseSelector(s: string | undefined): Array<[string, string]> {
  if (!s) return [];
  return s.split(',').filter(Boolean).map((term) => {
    const [k, v] = term.split(/==?/);
    return [k.trim(), (v ?? '').trim()];
  });
}

function json(res: http.ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function status(res: http.ServerResponse, code: number, reason: string, message: string, details?: Record<string, unknown>): void {
  json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code });
}

function invalid(res: http.ServerResponse, r: ServedResource, name: string, causes: Array<{ reason: string; message: string; field: string }>): void {
  const kind = r.group ? `${r.kind}.${r.group}` : r.kind;
  status(res, 422, 'Invalid', `${kind} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`, { name, group: r.group, kind: r.kind, causes });
}

/** The real API server's answer to a path no group/version serves. */
function notFoundPage(res: http.ServerResponse): void {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('404 page not found\n');
}
