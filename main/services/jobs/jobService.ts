// Jobs: render a template, keep the job locally (draft → outbox → submitted), submit it to its
// backend, follow its state, read its output, cancel/hold/release/suspend/resume, rerun.
// Submits and cancels are audit-logged; nothing a user wrote is lost when a backend is down.
// Kubernetes backends (kind kubernetes) go through KubeJobs (kubeJobs.ts): the previewed manifest
// is created as is, watches keep the rows current, cancel deletes with Background propagation.
// This file wires the service and keeps the reads (list, show, logs, pods, events); the rest lives in modules that
// share one JobsContext (jobContext.ts): jobBackends (backends, contexts), jobSubmit (render, submit, outbox),
// stateRefresh (squeue/sacct, the Slurm poll), jobControl (cancel, hold/release/suspend/resume, delete) and
// endpointSessions (a running job's endpoints and their tunnels).
import type { JobsService } from '../../../shared/contract/services';
import type { Actor } from '../../../shared/contract/trpc';
import type { CancelSignal } from '../../../shared/contract/signal';
import type { Backend } from '../../../shared/contract/schemas/jobs';
import { AppError } from '../../../shared/errors';
import { isFinished } from '../../protocols/slurm';
import type { KubeClient } from '../../protocols/kubernetes';
import { sharesFilesystem } from './backends';
import { CompletionHooks } from './completionHooks';
import { JobEndpoints } from './endpoints';
import { fileTail } from './fileTail';
import type { UsageJob } from './jobStore';
import { KubeJobs } from './kubeJobs';
import { SlurmPoller } from './slurmPoller';
import { abortOf, isKube, strip, type JobsContext, type JobsDeps } from './jobContext';
import { addBackend, backendOf, kubeContexts, removeBackend, requireSubmitted, slurmClient, switchContext } from './jobBackends';
import { flushOutbox, preview, rerun, sendStored, submit } from './jobSubmit';
import { pollBackend, refresh } from './stateRefresh';
import { cancel, control, deleteJob } from './jobControl';
import { listEndpoints, openEndpoint } from './endpointSessions';

export type { JobsDeps } from './jobContext';

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
    endpoints: (id, signal) => listEndpoints(ctx, id, signal),
    openEndpoint: (actor, input, signal) => openEndpoint(ctx, actor, input, signal),
    kubeContexts: (input) => kubeContexts(ctx, input),
    switchContext: (actor, input) => switchContext(ctx, actor, input),
    close: () => { kube.close(); ctx.slurmPolls.close(); hooks.close(); },
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
