// A running job's endpoints (Jupyter, TensorBoard) and the session that forwards 127.0.0.1:localPort to one of them:
// it lives while the caller stays subscribed and the job runs, and its opening and closing are audit-logged.
import type { Actor } from '../../../shared/contract/trpc';
import type { CancelSignal } from '../../../shared/contract/signal';
import type { Backend, EndpointEvent, JobDetail, JobEndpoint } from '../../../shared/contract/schemas/jobs';
import { AppError } from '../../../shared/errors';
import { listenLocal } from './endpoints';
import { abortOf, audited, targetOf, watches, type JobsContext } from './jobContext';
import { requireSubmitted } from './jobBackends';
import { refresh } from './stateRefresh';

/** Waits `ms`; true when `signal` aborted first (or already had). */
function pauseOrAbort(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve(!!signal?.aborted);
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A submitted job that runs now (endpoints exist only then). */
async function requireRunning(ctx: JobsContext, id: number, signal?: CancelSignal): Promise<{ job: JobDetail; backend: Backend }> {
  requireSubmitted(ctx, id);
  await refresh(ctx, [ctx.store.requireJob(id)], signal).catch(() => undefined);
  const { job, backend } = requireSubmitted(ctx, id);
  if (job.state !== 'running') {
    throw new AppError('JOB_NOT_RUNNING', `job ${id} is ${job.state ?? 'not known yet'}${job.vanished ? ' (vanished)' : ''}; its endpoints can be opened only while it runs`, { id, state: job.state ?? '' });
  }
  return { job, backend };
}

export async function listEndpoints(ctx: JobsContext, id: number, signal?: CancelSignal): Promise<JobEndpoint[]> {
  const { job, backend } = await requireRunning(ctx, id, signal);
  return ctx.endpoints.find(backend, job, undefined, abortOf(signal));
}

export async function* openEndpoint(ctx: JobsContext, actor: Actor, input: { id: number; name?: string; port?: number; localPort: number }, signal?: CancelSignal): AsyncGenerator<EndpointEvent> {
  const { store, audit } = ctx;
  const abort = abortOf(signal);
  const { job, backend } = await requireRunning(ctx, input.id, signal);
  const found = await ctx.endpoints.find(backend, job, input.port, abort);
  const endpoint = input.port ? found.find((e) => e.port === input.port)! : input.name ? found.find((e) => e.name === input.name) : found[0];
  if (!endpoint) {
    throw new AppError('JOB_NO_ENDPOINT', input.name
      ? `job ${input.id} has no endpoint named ${input.name} (it has: ${found.map((e) => e.name).join(', ') || 'none'})`
      : `job ${input.id} reports no endpoint (its template declares none and its output has no "clusterdeck-endpoint NAME HOST PORT" line); give the port with --port N`, { id: input.id, name: input.name ?? '' });
  }
  let lastError: string | null = null;
  const entry = { module: 'jobs', action: 'endpoint-open', targets: targetOf(backend, job), params: { job: job.id, endpoint: endpoint.name, target: `${endpoint.host}:${endpoint.port}`, localPort: input.localPort } };
  const { tunnel, listener } = await audited(audit, actor, entry, async () => {
    const tunnel = await ctx.endpoints.tunnel(backend, job, endpoint, abort);
    try {
      return { tunnel, listener: await listenLocal(() => tunnel.connect(endpoint.host, endpoint.port), input.localPort, (m) => (lastError = m)) };
    } catch (err) {
      tunnel.close();
      throw err;
    }
  }, (open) => `${open.listener.url} → ${endpoint.host}:${endpoint.port} via ${open.tunnel.via}`);
  let reason = 'closed';
  try {
    yield { type: 'open', endpoint, url: listener.url, localPort: listener.port, via: tunnel.via };
    // Until the caller leaves (tab closed, Ctrl-C) or the job stops running. A long-lived front door's
    // poller or watch keeps the row current; a CLI caller asks the backend itself every few seconds.
    for (let tick = 1; ; tick++) {
      if (await pauseOrAbort(1000, abort)) {
        reason = 'closed by the caller';
        break;
      }
      if (!watches(actor) && tick % 5 === 0) await refresh(ctx, [store.requireJob(job.id)], signal).catch(() => undefined);
      const now = store.job(job.id);
      if (!now || now.state !== 'running') {
        reason = now ? `job ${job.id} is ${now.state ?? 'gone'}` : `job ${job.id} was deleted`;
        break;
      }
    }
    if (!abort?.aborted) yield { type: 'closed', reason: lastError && reason === 'closed' ? lastError : reason };
  } finally {
    await listener.close();
    tunnel.close();
    audit.record(actor, { module: 'jobs', action: 'endpoint-close', targets: targetOf(backend, job), params: { job: job.id, endpoint: endpoint.name, url: listener.url, reason } }, () => undefined);
  }
}
