// Brings submitted jobs' rows up to date with their backends: Slurm by asking squeue (and sacct for jobs slurmctld has
// forgotten), Kubernetes by a listing unless a watch keeps the rows current. Also the Slurm poll a long-lived front
// door keeps while it has unfinished jobs (Slurm has no watch).
import { isAbsolute, join } from 'node:path';
import type { Actor } from '../../../shared/contract/trpc';
import type { CancelSignal } from '../../../shared/contract/signal';
import type { JobDetail } from '../../../shared/contract/schemas/jobs';
import { AppError } from '../../../shared/errors';
import { isFinished, mapSlurmState, type SlurmClient, type SlurmJob } from '../../protocols/slurm';
import type { JobPatch } from './jobStore';
import { SYSTEM, abortOf, isKube, watches, type JobsContext } from './jobContext';
import { slurmClient } from './jobBackends';

/** slurmrestd reports the output path as submitted (relative to the job's folder). */
function absoluteOutput(path: string, job: JobDetail): string {
  return isAbsolute(path) ? path : join(job.rendered?.spec.workDir ?? '/tmp', path);
}

/** Writes what squeue (or sacct) says of a job; null: the backend no longer knows it. */
export function applyState({ store }: JobsContext, job: JobDetail, s: SlurmJob | null): JobDetail {
  if (!s) {
    if (job.state && isFinished(job.state as never)) return job;
    return store.patchJob(job.id, { vanished: 1, state: 'unknown', reason: 'the backend no longer knows this job' });
  }
  const patch: JobPatch = {
    state: mapSlurmState(s.state, s.reason), raw_state: s.state, reason: s.reason || null, exit_code: s.exitCode,
    nodes: s.nodes || null, vanished: 0, ...(s.output ? { output: absoluteOutput(s.output, job) } : {}),
    ...(s.user ? { submit_user: s.user } : {}), ...(s.partition ? { queue: s.partition } : {}),
  };
  // squeue repeats every job on every look: write (and touch updated_at) only when something changed.
  const now: JobPatch = { state: job.state, raw_state: job.rawState, reason: job.reason, exit_code: job.exitCode, nodes: job.nodes, vanished: job.vanished ? 1 : 0, output: job.output, submit_user: job.user, queue: job.queue };
  if ((Object.keys(patch) as (keyof JobPatch)[]).every((k) => patch[k] === now[k])) return job;
  return store.patchJob(job.id, patch);
}

/** Refreshes the submitted, unfinished (or vanished) ones of `jobs`; the answer maps a job id to its backend's error. */
export async function refresh(ctx: JobsContext, jobs: JobDetail[], signal?: CancelSignal, actor: Actor = SYSTEM): Promise<Map<number, string>> {
  const { store, audit, kube, hooks } = ctx;
  const errors = new Map<number, string>();
  const byBackend = new Map<string, JobDetail[]>();
  for (const j of jobs) {
    if (j.phase !== 'submitted' || !j.backend) continue;
    if (j.state && isFinished(j.state as never) && !j.vanished) continue;
    const list = byBackend.get(j.backend);
    if (list) list.push(j);
    else byBackend.set(j.backend, [j]);
  }
  for (const [name, list] of byBackend) {
    const b = store.backend(name);
    if (!b) continue;
    if (isKube(b)) {
      // A running watch keeps these rows current; otherwise list once (and start watching if this process lives on).
      if (watches(actor)) kube.ensureWatches(actor, b);
      if (watches(actor) && kube.watched(b)) continue;
      try {
        await kube.refresh(actor, b, list, abortOf(signal));
      } catch (err) {
        for (const j of list) errors.set(j.id, (err as Error).message);
      }
      continue;
    }
    try {
      const c = slurmClient(ctx, b);
      const known = new Map((await c.jobs(abortOf(signal))).map((s) => [s.id, s]));
      // Jobs slurmctld has forgotten (MinJobAge) are asked of Slurm accounting before they count as vanished.
      const forgotten = list.filter((j) => !known.has(j.backendJobId!)).map((j) => j.backendJobId!);
      if (forgotten.length > 0 && c.accounted) for (const s of await c.accounted(forgotten, abortOf(signal)).catch(() => [])) known.set(s.id, s);
      const changed = store.batch(() => list.map((j) => applyState(ctx, j, known.get(j.backendJobId!) ?? null)).filter((now, i) => now !== list[i]));
      // One audit entry per look that changed anything: the change feed then reloads open Jobs pages once.
      if (changed.length > 0) audit.record(actor, { module: 'jobs', action: 'state', targets: name, params: { changed: changed.length, jobs: changed.slice(0, 20).map((j) => j.id) } }, () => undefined);
      if (watches(actor)) pollSlurm(ctx, actor, name);
      // Completion hooks of the jobs that just finished (awaited: a CLI call must not exit before they are sent).
      await Promise.all(changed.map((j) => hooks.notify(actor, j)));
    } catch (err) {
      for (const j of list) errors.set(j.id, (err as Error).message);
    }
  }
  return errors;
}

/** Before a Slurm job is controlled: one the backend no longer knows is marked vanished and the call refused. */
export async function vanishedCheck(ctx: JobsContext, job: JobDetail, c: SlurmClient, signal?: CancelSignal): Promise<void> {
  const s = await c.job(job.backendJobId!, abortOf(signal));
  if (!s) {
    applyState(ctx, job, null);
    throw new AppError('JOB_VANISHED', `job ${job.id} (${job.backend} job ${job.backendJobId}) is no longer known to its backend; it may have finished and been purged`, { id: job.id });
  }
}

/** Keeps polling a Slurm backend for `actor`'s front door while it has unfinished jobs. */
export function pollSlurm({ pollActors, slurmPolls }: JobsContext, actor: Actor, backend: string): void {
  pollActors.set(backend, actor);
  slurmPolls.ensure(backend);
}

/** One poll of a Slurm backend (SlurmPoller's callback): true while it still has unfinished jobs. */
export async function pollBackend(ctx: JobsContext, name: string): Promise<boolean> {
  const { store } = ctx;
  const unfinished = () => store.jobs({ backend: name, phase: 'submitted', unfinished: true, brief: true });
  const jobs = unfinished();
  if (!store.backend(name) || jobs.length === 0) return false;
  const errors = await refresh(ctx, jobs, undefined, ctx.pollActors.get(name) ?? SYSTEM);
  if (errors.size > 0) throw new Error([...errors.values()][0]);
  return unfinished().length > 0;
}
