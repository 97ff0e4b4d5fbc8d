// Submission: render a template for a backend, keep the job locally (draft → outbox → submitted) and hand it to its
// backend. Every submit is audit-logged; nothing a user wrote is lost when a backend is down (the outbox is retried
// by flushOutbox, and whenever jobs are listed with refresh).
import { isAbsolute, join } from 'node:path';
import { stringify } from 'yaml';
import type { JobsService } from '../../../shared/contract/services';
import type { Actor } from '../../../shared/contract/trpc';
import type { CancelSignal } from '../../../shared/contract/signal';
import type { Backend, JobDetail, Params, Rendered } from '../../../shared/contract/schemas/jobs';
import { AppError } from '../../../shared/errors';
import { isUnreachable, sharesFilesystem } from './backends';
import { isKubeUnreachable, manifestOf } from './kubeJobs';
import { renderTemplate } from './render';
import { abortOf, isKube, watches, type JobsContext } from './jobContext';
import { backendOf, slurmClient, slurmUserOf } from './jobBackends';
import { pollSlurm } from './stateRefresh';

function render(ctx: JobsContext, template: string, version: number | undefined, params: Params, b: Backend | null, forSubmit = true): Rendered {
  const t = ctx.deps.templates.resolve(template, version);
  if (b && (t.body.target === 'kubernetes') !== isKube(b) && forSubmit) {
    throw new AppError('JOB_TARGET_MISMATCH', `template ${template} is a ${t.body.target === 'kubernetes' ? 'Kubernetes manifest' : 'Slurm script'} and backend ${b.name} is ${b.kind}; pick a ${t.body.target === 'kubernetes' ? 'kubernetes' : 'Slurm'} backend (or preview/export it instead)`, { template, backend: b.name });
  }
  if (b && isKube(b) && t.body.target === 'kubernetes') {
    // The backend's namespace is the default of a template's namespace parameter (shown in the preview).
    const ns = t.body.parameters.properties.namespace;
    if (ns && params.namespace === undefined) {
      let value = b.namespace;
      if (!value) {
        try {
          value = ctx.kube.client(b).namespace;
        } catch {
          value = null; // vault locked: the template's default stays
        }
      }
      if (value) params = { ...params, namespace: value };
    }
    return renderTemplate(t.body, t.version, params, {});
  }
  const workDir = b && !isKube(b) ? (b.workDir ?? (sharesFilesystem(b) ? process.cwd() : '/tmp')) : null;
  return renderTemplate(t.body, t.version, params, { workDir });
}

/** Hand a stored job to its backend. Unreachable → outbox; any other failure → draft with the error. */
async function send(ctx: JobsContext, actor: Actor, job: JobDetail, signal?: CancelSignal): Promise<JobDetail> {
  const { store, audit, kube } = ctx;
  const b = backendOf(ctx, job.backend);
  const r = job.rendered!;
  const auditId = audit.begin(actor, { module: 'jobs', action: 'submit', targets: `${b.name}:${job.name}`, params: { job: job.id, template: r.template, version: r.version, params: r.params } });
  try {
    if (isKube(b)) {
      if (r.kind !== 'manifest') throw new AppError('JOB_TARGET_MISMATCH', `job ${job.id} is a Slurm script and backend ${b.name} is Kubernetes`, { template: r.template, backend: b.name });
      const k = await kube.submit(b, r.text, abortOf(signal));
      const updated = store.patchJob(job.id, { phase: 'submitted', backend_job_id: k.id, state: k.state, raw_state: k.rawState, last_error: null, attempts: job.attempts + 1, submitted_at: new Date().toISOString(), output: null, submit_user: k.user, queue: k.queue });
      audit.complete(auditId, 'ok', `${b.name} ${k.id}`);
      if (watches(actor)) kube.ensureWatches(actor, b);
      return updated;
    }
    const spec = r.spec;
    const { id } = await slurmClient(ctx, b).submit(
      {
        script: r.text, name: spec.name, partition: spec.partition ?? undefined, nodes: spec.shape.nodes, tasksPerNode: spec.shape.tasksPerNode,
        gpusPerNode: spec.devices.count, gpuType: spec.devices.type ?? undefined, cwd: spec.workDir ?? '/tmp', output: spec.output ?? undefined,
        env: spec.env, nice: spec.priority < 100 ? 100 - spec.priority : undefined, timeLimitMin: spec.timeLimitMin ?? undefined,
      },
      abortOf(signal),
    );
    const out = spec.output ? spec.output.replace(/%j/g, id) : `slurm-${id}.out`;
    const updated = store.patchJob(job.id, {
      phase: 'submitted', backend_job_id: id, state: 'queued', raw_state: 'PENDING', last_error: null, attempts: job.attempts + 1,
      submitted_at: new Date().toISOString(), output: isAbsolute(out) ? out : join(spec.workDir ?? '/tmp', out),
      // squeue's user and partition replace these on the first look (the default partition when none was named).
      submit_user: slurmUserOf(ctx, b), queue: spec.partition || null,
    });
    audit.complete(auditId, 'ok', `${b.name} job ${id}`);
    if (watches(actor)) pollSlurm(ctx, actor, b.name);
    return updated;
  } catch (err) {
    const msg = AppError.is(err) ? err.message : String((err as Error)?.message ?? err);
    if (isUnreachable(err) || isKubeUnreachable(err)) {
      const j = store.patchJob(job.id, { phase: 'outbox', last_error: msg, attempts: job.attempts + 1 });
      audit.complete(auditId, 'failed', `outbox: ${msg}`);
      return j;
    }
    store.patchJob(job.id, { phase: 'draft', last_error: msg, attempts: job.attempts + 1 });
    audit.complete(auditId, 'failed', msg);
    if (AppError.is(err)) throw new AppError(err.code, `${err.message} (job ${job.id} is kept as a draft)`, { ...err.params, job: job.id }, err.key);
    throw err;
  }
}

/** The exact script or manifest a submit would send (no target check: a template can be previewed anywhere). */
export function preview(ctx: JobsContext, input: Parameters<JobsService['preview']>[0]): Rendered {
  const b = input.backend || ctx.store.backends().length > 0 ? backendOf(ctx, input.backend) : null;
  return render(ctx, input.template, input.version, input.params, b, false);
}

export async function submit(ctx: JobsContext, actor: Actor, input: Parameters<JobsService['submit']>[1], signal?: CancelSignal): Promise<JobDetail> {
  const { store, audit } = ctx;
  const b = input.draft && !input.backend && store.backends().length !== 1 ? null : backendOf(ctx, input.backend);
  const rendered = render(ctx, input.template, input.version, input.params, b);
  const job = store.insertJob({ name: rendered.spec.name, phase: 'draft', backend: b?.name ?? null, template: rendered.template, version: rendered.version, params: rendered.params, rendered, hookUrl: input.hook ?? null });
  if (input.draft) {
    audit.record(actor, { module: 'jobs', action: 'draft', targets: job.name, params: { job: job.id, template: rendered.template } }, () => undefined);
    return job;
  }
  return send(ctx, actor, job, signal);
}

/** Submits a draft or an outbox job now (a draft without a backend gets the only one). */
export async function sendStored(ctx: JobsContext, actor: Actor, id: number, signal?: CancelSignal): Promise<JobDetail> {
  const { store } = ctx;
  const job = store.requireJob(id);
  if (job.phase === 'submitted') throw new AppError('JOB_ALREADY_SUBMITTED', `job ${id} was already submitted (backend job ${job.backendJobId}); use \`jobs rerun ${id}\` for a new run`, { id });
  if (!job.backend) {
    const b = backendOf(ctx, null);
    store.patchJob(id, { backend: b.name });
  }
  return send(ctx, actor, store.requireJob(id), signal);
}

/** A new job with an old one's template version and parameters, submitted to the same backend. */
export async function rerun(ctx: JobsContext, actor: Actor, id: number, signal?: CancelSignal): Promise<JobDetail> {
  const old = ctx.store.requireJob(id);
  const b = backendOf(ctx, old.backend);
  let rendered = render(ctx, old.template, old.templateVersion, old.params, b);
  if (isKube(b)) {
    // Same parameters, but an object name of its own (the first run's object may still exist):
    // NAME-r<base36 time>; the stored manifest is exactly the one sent.
    const m = manifestOf(rendered.text);
    const suffix = `-r${Date.now().toString(36)}`;
    m.metadata.name = `${m.metadata.name.slice(0, 63 - suffix.length).replace(/-+$/, '')}${suffix}`;
    rendered = { ...rendered, text: stringify(m, { lineWidth: 0 }), spec: { ...rendered.spec, name: m.metadata.name } };
  }
  const job = ctx.store.insertJob({ name: rendered.spec.name, phase: 'draft', backend: b.name, template: old.template, version: old.templateVersion, params: rendered.params, rendered, hookUrl: old.hookUrl });
  return send(ctx, actor, job, signal);
}

/** Sends every outbox job again; each one either reaches its backend or waits on. */
export async function flushOutbox(ctx: JobsContext, actor: Actor, signal?: CancelSignal) {
  const submitted: { id: number; backendJobId: string }[] = [];
  const waiting: { id: number; error: string }[] = [];
  for (const j of ctx.store.jobs({ phase: 'outbox' })) {
    try {
      const r = await send(ctx, actor, j, signal);
      if (r.phase === 'submitted') submitted.push({ id: r.id, backendJobId: r.backendJobId! });
      else waiting.push({ id: r.id, error: r.lastError ?? '' });
    } catch (err) {
      waiting.push({ id: j.id, error: (err as Error).message });
    }
  }
  return { submitted, waiting };
}
