// Log lines of one pod container, followed as the server writes them. Aborting the signal ends
// the iteration quietly (the reader asked for it) and closes the connection.

import { AppError } from '../../../shared/errors';
import { linesOf } from './lines';
import type { Transport } from './transport';

export interface LogOptions {
  container?: string;
  /** Only the last N lines before following (the Console tab shows 2,000). */
  tailLines?: number;
  /** Keep the stream open for new lines (default true). */
  follow?: boolean;
  timestamps?: boolean;
  signal?: AbortSignal;
  /** Timeout until the server starts answering. */
  timeoutMs?: number;
}

export async function* podLogLines(transport: Transport, namespace: string, pod: string, o: LogOptions = {}): AsyncGenerator<string, void, undefined> {
  const res = await transport.stream({
    method: 'GET',
    path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`,
    query: { follow: o.follow ?? true, tailLines: o.tailLines, container: o.container, timestamps: o.timestamps || undefined },
    signal: o.signal,
    timeoutMs: o.timeoutMs,
    facts: { verb: 'get', resource: 'pods/log', namespace, name: pod },
  });
  const lines = linesOf(res);
  try {
    for await (const line of lines) yield line;
  } catch (err) {
    if (!o.signal?.aborted) throw new AppError('K8S_UNREACHABLE', `the log stream of pod "${pod}" broke: ${(err as Error).message}`, { pod });
    return;
  } finally {
    res.destroy();
  }
  if (!res.complete && !o.signal?.aborted) throw new AppError('K8S_UNREACHABLE', `the log stream of pod "${pod}" in namespace "${namespace}" broke before the server ended it; follow it again`, { pod, namespace });
}
