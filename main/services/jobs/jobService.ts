// Jobs: render a template, keep the job locally (draft → outbox → submitted), submit it to its
// backend, follow its state, read its output, cancel/hold/release/suspend/resume, rerun.
// Submits and cancels are audit-logged; nothing a user wrote is lost when a backend is down.
// Kubernetes backends (kind kubernetes) go through KubeJobs (kubeJobs.ts): the previewed manifest
// is created as is, watches keep the rows current, cancel deletes with Background propagation.
import { fileTail } from './fileTail';
import type { JobsService } from '../../../shared/contract/services';
import type { Actor } from '../../../shared/contract/trpc';
import type { CancelSignal } from '../../../shared/contract/signal';
import type { Backend, JobDetail } from '../../../shared/contract/schemas/jobs';
import { AppError } from '../../../shared/errors';
import { isFinished } from '../../protocols/slurm';
import { sharesFilesystem } from './backends';
import type { UsageJob } from './jobStore';
import { SlurmPoller } from './slurmPoller';
import { CompletionHooks } from './completionHooks';
import { KubeJobs } from './kubeJobs';
import type { KubeClient } from '../../protocols/kubernetes';
import { JobEndpoints, listenLocal } from './endpoints';
import type { EndpointEvent } from '../../../shared/contract/schemas/jobs';
import { abortOf, isKube, strip, watches, type JobsContext, type JobsDeps } from './jobContext';
import { pollBackend, refresh } from './stateRefresh';
import { cancel, control, deleteJob } from './jobControl';
import { flushOutbox, preview, rerun, sendStored, submit } from './jobSubmit';
import { addBackend, backendOf, kubeContexts, removeBackend, requireSubmitted, slurmClient, switchContext } from './jobBackends';

export type { JobsDeps } from './jobContext';

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

/** The jobs service; close() ends its Kubernetes watches. */
export interface JobsServiceMain extends JobsService {
  close(): void;
  /** The backend's cached Kubernetes client (the queues service shares it: one kubeconfig parse per backend). */
  kubeClient(b: Backend): KubeClient;
  /**
   * What a Kubernetes backend's jobs booked since `since` (ISO), after bringing unfinished rows up to date (a listing,
   * unless a watch keeps them current); the outbox is left alone.
   */
  kubeUsageJobs(actor: Actor, backend: string, since: string, signal?: CancelSignal): Promise<UsageJob[]>;
}

export function createJobsService(deps: JobsDeps): JobsServiceMain {
  const { store, audit } = deps;
  const hooks = new CompletionHooks({ store, audit });
  const kube = new KubeJobs({ store, audit, vault: deps.vault, timeoutMs: deps.timeoutMs, onStateChange: (actor, job) => hooks.notify(actor, job) });
  const ctx: JobsContext = {
    deps, store, audit, hooks, kube,
    endpoints: new JobEndpoints({ kube, vault: deps.vault, ssh: deps.ssh, timeoutMs: deps.timeoutMs }),
    slurmPolls: new SlurmPoller((name) => pollBackend(ctx, name), deps.pollMs),
    pollActors: new Map(),
  };
  const { endpoints: endpointFinder, slurmPolls } = ctx;

  /** A submitted job that runs now (endpoints exist only then). */
  async function requireRunning(id: number, signal?: CancelSignal): Promise<{ job: JobDetail; backend: Backend }> {
    requireSubmitted(ctx, id);
    await refresh(ctx, [store.requireJob(id)], signal).catch(() => undefined);
    const { job, backend } = requireSubmitted(ctx, id);
    if (job.state !== 'running') {
      throw new AppError('JOB_NOT_RUNNING', `job ${id} is ${job.state ?? 'not known yet'}${job.vanished ? ' (vanished)' : ''}; its endpoints can be opened only while it runs`, { id, state: job.state ?? '' });
    }
    return { job, backend };
  }

  async function* openEndpoint(actor: Actor, input: { id: number; name?: string; port?: number; localPort: number }, signal?: CancelSignal): AsyncGenerator<EndpointEvent> {
    const abort = abortOf(signal);
    const { job, backend } = await requireRunning(input.id, signal);
    const found = await endpointFinder.find(backend, job, input.port, abort);
    const endpoint = input.port ? found.find((e) => e.port === input.port)! : input.name ? found.find((e) => e.name === input.name) : found[0];
    if (!endpoint) {
      throw new AppError('JOB_NO_ENDPOINT', input.name
        ? `job ${input.id} has no endpoint named ${input.name} (it has: ${found.map((e) => e.name).join(', ') || 'none'})`
        : `job ${input.id} reports no endpoint (its template declares none and its output has no "clusterdeck-endpoint NAME HOST PORT" line); give the port with --port N`, { id: input.id, name: input.name ?? '' });
    }
    const auditId = audit.begin(actor, { module: 'jobs', action: 'endpoint-open', targets: `${backend.name}:${job.backendJobId}`, params: { job: job.id, endpoint: endpoint.name, target: `${endpoint.host}:${endpoint.port}`, localPort: input.localPort } });
    let tunnel: Awaited<ReturnType<JobEndpoints['tunnel']>>;
    let listener: Awaited<ReturnType<typeof listenLocal>>;
    let lastError: string | null = null;
    try {
      tunnel = await endpointFinder.tunnel(backend, job, endpoint, abort);
      try {
        listener = await listenLocal(() => tunnel.connect(endpoint.host, endpoint.port), input.localPort, (m) => (lastError = m));
      } catch (err) {
        tunnel.close();
        throw err;
      }
      audit.complete(auditId, 'ok', `${listener.url} → ${endpoint.host}:${endpoint.port} via ${tunnel.via}`);
    } catch (err) {
      audit.complete(auditId, 'failed', (err as Error).message);
      throw err;
    }
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
      audit.record(actor, { module: 'jobs', action: 'endpoint-close', targets: `${backend.name}:${job.backendJobId}`, params: { job: job.id, endpoint: endpoint.name, url: listener.url, reason } }, () => undefined);
    }
  }

  return {
    listBackends: () => store.backends(),
    addBackend: (actor, input) => addBackend(ctx, actor, input),
    removeBackend: (actor, name) => removeBackend(ctx, actor, name),

    preview: (input) => preview(ctx, input),
    submit: (actor, input, signal) => submit(ctx, actor, input, signal),
    send: (actor, id, signal) => sendStored(ctx, actor, id, signal),

    async list(actor, input, signal) {
      if (input.refresh) {
        // The outbox is retried whenever jobs are looked at: a backend that answers again gets them.
        if (store.jobs({ phase: 'outbox' }).length > 0) await flushOutbox(ctx, actor, signal).catch(() => undefined);
        await refresh(ctx, store.jobs({ ...input, unfinished: true }), signal, actor);
      }
      return store.jobs({ ...input, brief: true }).map(strip);
    },

    async show(id, signal) {
      const job = store.requireJob(id);
      if (job.phase === 'submitted') await refresh(ctx, [job], signal);
      return store.requireJob(id);
    },

    async logs(input) {
      const job = store.requireJob(input.id);
      if (job.phase !== 'submitted') throw new AppError('JOB_NOT_SUBMITTED', `job ${input.id} has not run yet (${job.phase})`, { id: input.id });
      const b = backendOf(ctx, job.backend);
      if (isKube(b)) {
        const lines = Math.min(2000, Math.max(1, Math.ceil(input.tailBytes / 80)));
        const t = await kube.tail(b, job, lines);
        const j = store.requireJob(input.id);
        return { ...t, finished: j.state !== null && isFinished(j.state as never) };
      }
      if (!sharesFilesystem(b)) throw new AppError('JOB_LOGS_UNAVAILABLE', `job ${input.id}'s output is on backend ${b.name}'s file system (${job.output}); reading it needs the SSH transport`, { id: input.id });
      await refresh(ctx, [job]).catch(() => undefined);
      const j = store.requireJob(input.id);
      const path = j.output ?? '';
      const finished = j.state !== null && isFinished(j.state as never);
      return { path, text: path ? fileTail(path, input.tailBytes) : '', finished };
    },

    cancel: (actor, id, signal) => cancel(ctx, actor, id, signal),
    control: (actor, input, signal) => control(ctx, actor, input, signal),

    rerun: (actor, id, signal) => rerun(ctx, actor, id, signal),

    flushOutbox: (actor, signal) => flushOutbox(ctx, actor, signal),

    deleteJob: (actor, id) => deleteJob(ctx, actor, id),

    async pods(id, signal) {
      const { job, backend } = requireSubmitted(ctx, id);
      if (!isKube(backend)) throw new AppError('JOB_UNSUPPORTED', `job ${id} runs on Slurm (${backend.name}); pods are a Kubernetes notion (see its nodes instead)`, { id });
      return (await kube.pods(backend, job, abortOf(signal))).map(({ raw: _raw, ...p }) => p);
    },
    async events(id, signal) {
      const { job, backend } = requireSubmitted(ctx, id);
      if (!isKube(backend)) throw new AppError('JOB_UNSUPPORTED', `job ${id} runs on Slurm (${backend.name}); events are a Kubernetes notion`, { id });
      return kube.events(backend, job, abortOf(signal));
    },
    async *followLogs(id, tailLines, signal) {
      const abort = (signal as AbortSignal | undefined) ?? new AbortController().signal;
      const { job, backend } = requireSubmitted(ctx, id);
      if (!isKube(backend)) throw new AppError('JOB_UNSUPPORTED', `job ${id} runs on Slurm; follow its output file with \`clusterdeck jobs logs ${id} -f\``, { id });
      yield* kube.follow(backend, job, tailLines, abort);
    },
    async endpoints(id, signal) {
      const { job, backend } = await requireRunning(id, signal);
      return endpointFinder.find(backend, job, undefined, abortOf(signal));
    },
    openEndpoint,
    kubeContexts: (input) => kubeContexts(ctx, input),
    switchContext: (actor, input) => switchContext(ctx, actor, input),
    close: () => { kube.close(); slurmPolls.close(); hooks.close(); },
    kubeClient: (b) => kube.client(b),
    async kubeUsageJobs(actor, backend, since, signal) {
      const b = backendOf(ctx, backend);
      const errors = await refresh(ctx, store.jobs({ backend: b.name, phase: 'submitted', unfinished: true, brief: true }), signal, actor);
      const first = errors.values().next();
      // An API server that does not answer (or refuses the token) is the answer: stale figures would look current.
      if (!first.done) throw new AppError('QUEUES_USAGE_STALE', `backend ${b.name} did not answer while its jobs were brought up to date, so usage would be stale: ${first.value}`, { backend: b.name });
      return store.usageJobs(b.name, since);
    },

    async partitions(backend, signal) {
      return slurmClient(ctx, backendOf(ctx, backend)).partitions(abortOf(signal));
    },
    async nodes(backend, signal) {
      return slurmClient(ctx, backendOf(ctx, backend)).nodes(abortOf(signal));
    },
  };
}
