// Job control: cancel (a draft or outbox job is withdrawn locally), hold/release/suspend/resume, delete. Every call
// that reaches a backend is audit-logged with its outcome; a Slurm job the backend no longer knows is marked vanished
// first and the call refused; Kubernetes cancels delete with Background propagation.
import type { JobsService } from '../../../shared/contract/services';
import type { Actor } from '../../../shared/contract/trpc';
import type { CancelSignal } from '../../../shared/contract/signal';
import type { Backend, Job, JobDetail } from '../../../shared/contract/schemas/jobs';
import { AppError } from '../../../shared/errors';
import { isFinished, type SlurmClient } from '../../protocols/slurm';
import { abortOf, audited, isKube, strip, targetOf, type JobsContext } from './jobContext';
import { requireSubmitted, slurmClient } from './jobBackends';
import { refresh, vanishedCheck } from './stateRefresh';

/** A Slurm control call, audited, after the vanished check; the row is refreshed after it. */
async function controlSlurm(ctx: JobsContext, actor: Actor, job: JobDetail, backend: Backend, action: string, call: (c: SlurmClient) => Promise<void>, signal?: CancelSignal): Promise<Job> {
  const c = slurmClient(ctx, backend);
  await audited(ctx.audit, actor, { module: 'jobs', action, targets: targetOf(backend, job), params: { job: job.id } }, async () => {
    await vanishedCheck(ctx, job, c, signal);
    await call(c);
  });
  await refresh(ctx, [ctx.store.requireJob(job.id)], signal);
  return strip(ctx.store.requireJob(job.id));
}

export async function cancel(ctx: JobsContext, actor: Actor, id: number, signal?: CancelSignal): Promise<Job> {
  const { store, audit, kube, hooks } = ctx;
  const job = store.requireJob(id);
  if (job.phase !== 'submitted') {
    // A draft or outbox job is withdrawn locally: it never reaches the backend.
    audit.record(actor, { module: 'jobs', action: 'cancel', targets: `job ${id}`, params: { phase: job.phase } }, () => store.patchJob(id, { phase: 'draft', last_error: 'withdrawn before submission' }));
    return strip(store.requireJob(id));
  }
  const { backend } = requireSubmitted(ctx, id);
  if (isKube(backend)) {
    const entry = { module: 'jobs', action: 'cancel', targets: targetOf(backend, job), params: { job: id, propagation: 'Background' } };
    await audited(audit, actor, entry, () => kube.cancel(backend, job, abortOf(signal)), () => 'deleted (Background propagation)');
    await hooks.notify(actor, store.requireJob(id));
    return strip(store.requireJob(id));
  }
  return controlSlurm(ctx, actor, job, backend, 'cancel', (c) => c.cancel(job.backendJobId!, abortOf(signal)), signal);
}

export async function control(ctx: JobsContext, actor: Actor, input: Parameters<JobsService['control']>[1], signal?: CancelSignal): Promise<Job> {
  const { job, backend } = requireSubmitted(ctx, input.id);
  if (isKube(backend)) {
    if (input.action !== 'suspend' && input.action !== 'resume') throw new AppError('JOB_UNSUPPORTED', `${input.action} is a Slurm action; a Kubernetes job is paused with suspend and continued with resume`, { action: input.action });
    const entry = { module: 'jobs', action: input.action, targets: targetOf(backend, job), params: { job: input.id } };
    await audited(ctx.audit, actor, entry, () => ctx.kube.suspend(backend, job, input.action === 'suspend', abortOf(signal)));
    return strip(ctx.store.requireJob(input.id));
  }
  return controlSlurm(ctx, actor, job, backend, input.action, (c) => c.control(job.backendJobId!, input.action, abortOf(signal)), signal);
}

/** Deletes the local row; a job still active on its backend must be cancelled first. */
export async function deleteJob({ store, audit }: JobsContext, actor: Actor, id: number): Promise<void> {
  const job = store.requireJob(id);
  if (job.phase === 'submitted' && job.state && !isFinished(job.state as never) && !job.vanished) {
    throw new AppError('JOB_STILL_ACTIVE', `job ${id} is ${job.state} on ${job.backend}; cancel it first`, { id });
  }
  audit.record(actor, { module: 'jobs', action: 'delete', targets: `job ${id}` }, () => store.deleteJob(id));
}
