// One HTTP(S) request to the API server with the kubeconfig's authentication (KubeConfig's
// applyToFetchOptions supplies the agent with CA/client certificate and the Authorization
// header), a timeout, and the caller's AbortSignal. Streams (watch, log follow) get the timeout
// only until their headers arrive. Headers are never logged or copied into errors.

import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { AppError } from '../../../shared/errors';
import { httpError, transportError, type RequestFacts } from './errors';

export type Query = Record<string, string | number | boolean | undefined>;

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface RequestSpec extends CallOptions {
  method: string;
  path: string;
  query?: Query;
  body?: unknown;
  /** Default application/json; PATCH bodies say which patch they are. */
  contentType?: string;
  facts: Omit<RequestFacts, 'server' | 'context' | 'user'>;
}

export class Transport {
  constructor(
    private readonly kc: KubeConfig,
    readonly defaultTimeoutMs: number,
  ) {}

  get server(): string {
    return this.kc.getCurrentCluster()?.server ?? '';
  }

  private facts(spec: RequestSpec): RequestFacts {
    return { ...spec.facts, server: this.server, context: this.kc.getCurrentContext(), user: this.kc.getCurrentUser()?.name ?? '' };
  }

  /** A request whose whole answer is JSON. */
  async json<T>(spec: RequestSpec): Promise<T> {
    const res = await this.open(spec, false);
    const text = await readAll(res.message, spec, () => res.state);
    try {
      return (text ? JSON.parse(text) : {}) as T;
    } catch {
      throw new AppError('K8S_BAD_RESPONSE', `${this.server} answered ${spec.method} ${spec.path} with something that is not JSON`, { server: this.server });
    }
  }

  /** A streaming request (watch, log). Resolves once a 2xx answer's headers arrived. */
  async stream(spec: RequestSpec): Promise<http.IncomingMessage> {
    return (await this.open(spec, true)).message;
  }

  /** What an upgraded connection (port-forward WebSocket) needs: the URL, the auth headers, the TLS agent. */
  async upgrade(spec: Pick<RequestSpec, 'path' | 'query' | 'facts'>): Promise<{ url: URL; headers: Record<string, string>; agent: http.Agent | undefined; facts: RequestFacts }> {
    const facts = this.facts({ ...spec, method: 'GET' });
    let init: Awaited<ReturnType<KubeConfig['applyToFetchOptions']>>;
    try {
      init = await this.kc.applyToFetchOptions({});
    } catch (err) {
      throw new AppError('K8S_KUBECONFIG', `the credentials of context "${facts.context}" cannot be used: ${(err as Error).message.split('\n')[0]}`, { context: facts.context });
    }
    const headers: Record<string, string> = {};
    (init.headers as unknown as { forEach(cb: (v: string, k: string) => void): void }).forEach((v, k) => (headers[k] = v));
    const url = new URL(this.server.replace(/\/+$/, '') + spec.path);
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return { url, headers, agent: init.agent as http.Agent | undefined, facts };
  }

  private async open(spec: RequestSpec, streaming: boolean): Promise<{ message: http.IncomingMessage; state: { cancelled: boolean; timedOut: boolean } }> {
    const facts = this.facts(spec);
    const timeoutMs = spec.timeoutMs ?? this.defaultTimeoutMs;
    const state = { cancelled: false, timedOut: false, timeoutMs };
    if (spec.signal?.aborted) throw transportError(null, facts, { ...state, cancelled: true });
    let init: Awaited<ReturnType<KubeConfig['applyToFetchOptions']>>;
    try {
      init = await this.kc.applyToFetchOptions({});
    } catch (err) {
      throw new AppError('K8S_KUBECONFIG', `the credentials of context "${facts.context}" cannot be used: ${(err as Error).message.split('\n')[0]}`, { context: facts.context });
    }
    const headers: Record<string, string> = { Accept: 'application/json' };
    (init.headers as unknown as { forEach(cb: (v: string, k: string) => void): void }).forEach((v, k) => (headers[k] = v));
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    if (body !== undefined) {
      headers['Content-Type'] = spec.contentType ?? 'application/json';
      // Node sends DELETE bodies neither chunked nor sized unless told the length.
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }

    const url = new URL(this.server.replace(/\/+$/, '') + spec.path);
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const lib = url.protocol === 'https:' ? https : http;

    return new Promise((resolve, reject) => {
      const req = lib.request(url, { method: spec.method, agent: init.agent as http.Agent, headers });
      const onAbort = () => {
        state.cancelled = true;
        req.destroy(new Error('cancelled'));
      };
      const timer = setTimeout(() => {
        state.timedOut = true;
        req.destroy(new Error('timeout'));
      }, timeoutMs);
      spec.signal?.addEventListener('abort', onAbort, { once: true });
      const settleHeaders = () => {
        if (streaming) clearTimeout(timer);
      };
      const cleanup = () => {
        clearTimeout(timer);
        spec.signal?.removeEventListener('abort', onAbort);
      };
      req.on('error', (err) => {
        cleanup();
        reject(transportError(err, facts, state));
      });
      req.on('response', (message) => {
        settleHeaders();
        message.on('close', cleanup);
        if ((message.statusCode ?? 0) >= 400) {
          readAll(message, spec, () => state)
            .then((text) => reject(httpError(message.statusCode ?? 0, text, facts)))
            .catch(reject);
          return;
        }
        // A stream the caller cancels later must still be torn down.
        if (streaming) spec.signal?.addEventListener('abort', () => message.destroy(), { once: true });
        resolve({ message, state });
      });
      req.end(body);
    });
  }
}

function readAll(message: http.IncomingMessage, spec: RequestSpec, state: () => { cancelled: boolean; timedOut: boolean }): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    message.on('data', (c: Buffer) => chunks.push(c));
    message.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    message.on('error', reject);
    message.on('aborted', () => reject(new Error('aborted')));
    message.on('close', () => {
      if (!message.complete) {
        const s = state();
        reject(new AppError(s.cancelled ? 'K8S_CANCELLED' : s.timedOut ? 'K8S_TIMEOUT' : 'K8S_UNREACHABLE', s.cancelled ? `${spec.method} ${spec.path} was cancelled` : s.timedOut ? `${spec.method} ${spec.path} did not finish in time` : `the connection closed during ${spec.method} ${spec.path}`));
      }
    });
  });
}
