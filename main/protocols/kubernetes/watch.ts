// A watch that keeps going: it resumes from the last resourceVersion it saw when the connection
// drops, re-lists when the server answers 410 Gone (history compacted), and ends only when the
// caller aborts or the server says something retrying cannot fix (401, 403, CRD missing).

import { AppError } from '../../../shared/errors';
import { linesOf } from './lines';
import { httpError } from './errors';
import type { K8sObject, WatchEvent } from './types';
import type { RequestSpec, Transport } from './transport';

export interface WatchOptions {
  /** Start from here instead of listing first (e.g. the resourceVersion of a list the caller did). */
  resourceVersion?: string;
  labelSelector?: string;
  /** Page size of the listings done on start and after 410. */
  pageSize?: number;
  /** Ask the server to end each watch request after this long (it is then resumed). */
  timeoutSeconds?: number;
  /** First reconnect delay after a failed attempt; doubles up to 30 s. */
  retryDelayMs?: number;
  /** Told about each transient failure before the retry (for a "reconnecting" hint). */
  onRetry?: (error: AppError, attempt: number) => void;
}

const FATAL = new Set(['K8S_UNAUTHORIZED', 'K8S_FORBIDDEN', 'K8S_CRD_MISSING', 'K8S_NOT_FOUND', 'K8S_KUBECONFIG', 'K8S_INVALID', 'K8S_BAD_REQUEST']);

export interface WatchTarget {
  path: string;
  facts: RequestSpec['facts'];
  listAll(signal: AbortSignal, labelSelector?: string): Promise<{ items: K8sObject[]; resourceVersion: string }>;
}

class Gone extends Error {}

export async function runWatch(transport: Transport, target: WatchTarget, onEvent: (e: WatchEvent) => void, signal: AbortSignal, o: WatchOptions = {}): Promise<void> {
  let rv = o.resourceVersion;
  let attempt = 0;
  while (!signal.aborted) {
    try {
      if (!rv) {
        const listed = await target.listAll(signal, o.labelSelector);
        rv = listed.resourceVersion;
        onEvent({ type: 'SYNC', items: listed.items, resourceVersion: rv });
      }
      const res = await transport.stream({
        method: 'GET',
        path: target.path,
        query: { watch: 1, resourceVersion: rv, allowWatchBookmarks: true, labelSelector: o.labelSelector, timeoutSeconds: o.timeoutSeconds },
        signal,
        facts: { ...target.facts, verb: 'watch' },
      });
      attempt = 0;
      const lines = linesOf(res);
      try {
        for await (const line of lines) {
          if (!line.trim()) continue;
          const ev = JSON.parse(line) as { type: string; object: K8sObject & { code?: number; message?: string } };
          if (ev.type === 'ERROR') {
            if (ev.object.code === 410) throw new Gone();
            throw httpError(ev.object.code ?? 500, JSON.stringify(ev.object), transportFacts(transport, target));
          }
          const next = ev.object.metadata?.resourceVersion;
          if (next) rv = next;
          if (ev.type === 'ADDED' || ev.type === 'MODIFIED' || ev.type === 'DELETED') onEvent({ type: ev.type, object: ev.object });
        }
      } finally {
        res.destroy();
      }
      // The stream ended (server timeout or a dropped connection): resume from rv at once.
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof Gone || (AppError.is(err) && err.code === 'K8S_GONE')) {
        rv = undefined; // history is gone: list again
        continue;
      }
      const e = AppError.is(err) ? err : new AppError('K8S_UNREACHABLE', `the watch on ${target.path} broke: ${(err as Error).message}`);
      if (FATAL.has(e.code)) throw e;
      attempt += 1;
      o.onRetry?.(e, attempt);
      await sleep(Math.min((o.retryDelayMs ?? 500) * 2 ** (attempt - 1), 30_000), signal);
    }
  }
}

function transportFacts(transport: Transport, target: WatchTarget) {
  return { ...target.facts, verb: 'watch', server: transport.server, context: '', user: '' };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
