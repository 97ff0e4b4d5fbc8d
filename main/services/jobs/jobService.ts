// Jobs: render a template, keep the job locally (draft → outbox → submitted), submit it to its
// backend, follow its state, read its output, cancel/hold/release/suspend/resume, rerun.
// Submits and cancels are audit-logged; nothing a user wrote is lost when a backend is down.
import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { JobsService } from '../../../shared/contract/services';
import type { Actor } from '../../../shared/contract/trpc';
import type { CancelSignal } from '../../../shared/contract/signal';
import type { Backend, Job, JobDetail, Params, Rendered } from '../../../shared/contract/schemas/jobs';
import { AppError } from '../../../shared/errors';
import { isFinished, mapSlurmState, type SlurmClient, type SlurmJob } from '../../protocols/slurm';
import type { AuditLog } from '../audit/auditLog';
import { clientFor, isUnreachable, parseSshUrl, sharesFilesystem, type SecretSource, type SshDeps } from './backends';
import type { JobStore } from './jobStore';
import { renderTemplate } from './render';
import type { ResolvedTemplate } from './templateService';

export interface JobsDeps {
  store: JobStore;
  audit: AuditLog;
  vault: SecretSource;
  templates: { resolve(name: string, version?: number): ResolvedTemplate };
  /** Request timeout towards backends (ms). */
  timeoutMs?: number;
  /** SSH login nodes (slurm-cli backends with an ssh:// url). */
  ssh?: SshDeps;
  /** Tests substitute a fake cluster here. */
  makeClient?: (b: Backend) => SlurmClient;
}

const abortOf = (s?: CancelSignal) => s as AbortSignal | undefined;
const strip = (j: JobDetail): Job => {
  const { rendered: _r, ...rest } = j;
  return rest;
};

/** slurmrestd reports the output path as submitted (relative to the job's folder). */
function absoluteOutput(path: string, job: JobDetail): string {
  return isAbsolute(path) ? path : join(job.rendered?.spec.workDir ?? '/tmp', path);
}

export function createJobsService(deps: JobsDeps): JobsService {
  const { store, audit } = deps;

  function backendOf(name?: string | null): Backend {
    const all = store.backends();
    if (name) {
      const b = store.backend(name);
      if (!b) throw new AppError('JOB_BACKEND_NOT_FOUND', `no backend named ${name} (backends: ${all.map((x) => x.name).join(', ') || 'none; add one with `clusterdeck backends add`'})`, { name });
      return b;
    }
    if (all.length === 1) return all[0];
    if (all.length === 0) throw new AppError('JOB_NO_BACKEND', 'no backend is configured; add one with `clusterdeck backends add NAME --kind slurm-cli|slurm-rest ...`');
    throw new AppError('JOB_BACKEND_REQUIRED', `several backends are configured (${all.map((x) => x.name).join(', ')}); choose one with --backend`);
  }
  const client = (b: Backend): SlurmClient => (deps.makeClient ?? ((x: Backend) => clientFor(x, deps.vault, deps.timeoutMs, deps.ssh)))(b);

  function render(template: string, version: number | undefined, params: Params, b: Backend | null, forSubmit = true): Rendered {
    const t = deps.templates.resolve(template, version);
    if (t.body.target === 'kubernetes' && b && forSubmit) {
      throw new AppError('JOB_TARGET_MISMATCH', `template ${template} is a Kubernetes manifest and backend ${b.name} is Slurm; Kubernetes backends are not available yet (preview or export it instead)`, { template });
    }
    const workDir = b ? (b.workDir ?? (sharesFilesystem(b) ? process.cwd() : '/tmp')) : null;
    return renderTemplate(t.body, t.version, params, { workDir });
  }

  /** Hand a stored job to its backend. Unreachable → outbox; any other failure → draft with the error. */
  async function send(actor: Actor, job: JobDetail, signal?: CancelSignal): Promise<JobDetail> {
    const b = backendOf(job.backend);
    const r = job.rendered!;
    const auditId = audit.begin(actor, { module: 'jobs', action: 'submit', targets: `${b.name}:${job.name}`, params: { job: job.id, template: r.template, version: r.version, params: r.params } });
    try {
      const spec = r.spec;
      const { id } = await client(b).submit(
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
      });
      audit.complete(auditId, 'ok', `${b.name} job ${id}`);
      return updated;
    } catch (err) {
      const msg = AppError.is(err) ? err.message : String((err as Error)?.message ?? err);
      if (isUnreachable(err)) {
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

  function applyState(job: JobDetail, s: SlurmJob | null): JobDetail {
    if (!s) {
      if (job.state && isFinished(job.state as never)) return job;
      return store.patchJob(job.id, { vanished: 1, state: 'unknown', reason: 'the backend no longer knows this job' });
    }
    return store.patchJob(job.id, {
      state: mapSlurmState(s.state, s.reason), raw_state: s.state, reason: s.reason || null, exit_code: s.exitCode,
      nodes: s.nodes || null, vanished: 0, ...(s.output ? { output: absoluteOutput(s.output, job) } : {}),
    });
  }

  async function refresh(jobs: JobDetail[], signal?: CancelSignal): Promise<Map<number, string>> {
    const errors = new Map<number, string>();
    const byBackend = new Map<string, JobDetail[]>();
    for (const j of jobs) {
      if (j.phase !== 'submitted' || !j.backend) continue;
      if (j.state && isFinished(j.state as never) && !j.vanished) continue;
      byBackend.set(j.backend, [...(byBackend.get(j.backend) ?? []), j]);
    }
    for (const [name, list] of byBackend) {
      const b = store.backend(name);
      if (!b) continue;
      try {
        const known = new Map((await client(b).jobs(abortOf(signal))).map((s) => [s.id, s]));
        for (const j of list) applyState(j, known.get(j.backendJobId!) ?? null);
      } catch (err) {
        for (const j of list) errors.set(j.id, (err as Error).message);
      }
    }
    return errors;
  }

  async function flush(actor: Actor, signal?: CancelSignal) {
    const submitted: { id: number; backendJobId: string }[] = [];
    const waiting: { id: number; error: string }[] = [];
    for (const j of store.jobs({ phase: 'outbox' })) {
      try {
        const r = await send(actor, j, signal);
        if (r.phase === 'submitted') submitted.push({ id: r.id, backendJobId: r.backendJobId! });
        else waiting.push({ id: r.id, error: r.lastError ?? '' });
      } catch (err) {
        waiting.push({ id: j.id, error: (err as Error).message });
      }
    }
    return { submitted, waiting };
  }

  function requireSubmitted(id: number): { job: JobDetail; backend: Backend } {
    const job = store.requireJob(id);
    if (job.phase !== 'submitted') throw new AppError('JOB_NOT_SUBMITTED', `job ${id} is a ${job.phase === 'draft' ? 'draft' : 'job waiting in the outbox'}; it has not reached a backend yet`, { id });
    return { job, backend: backendOf(job.backend) };
  }

  async function vanishedCheck(job: JobDetail, c: SlurmClient, signal?: CancelSignal): Promise<void> {
    const s = await c.job(job.backendJobId!, abortOf(signal));
    if (!s) {
      applyState(job, null);
      throw new AppError('JOB_VANISHED', `job ${job.id} (${job.backend} job ${job.backendJobId}) is no longer known to its backend; it may have finished and been purged`, { id: job.id });
    }
  }

  return {
    listBackends: () => store.backends(),
    addBackend(actor, input) {
      return audit.record(actor, { module: 'jobs', action: 'backend-add', targets: input.name, params: { kind: input.kind, url: input.url, credential: input.credential } }, () => {
        const b = { name: input.name, kind: input.kind, url: input.url, user: input.user, credential: input.credential, workDir: input.workDir, env: input.env };
        if (b.kind === 'slurm-cli' && b.url !== 'local' && !parseSshUrl(b.url)) {
          throw new AppError('JOB_BACKEND_INVALID', `backend ${b.name}: a slurm-cli url is "local" or ssh://user@login-node:22, not ${b.url}`, { name: b.name });
        }
        if (b.kind === 'slurm-cli' && b.url !== 'local' && !b.credential) {
          throw new AppError('JOB_BACKEND_INVALID', `backend ${b.name}: an SSH login node needs --credential naming a vault SSH key or password`, { name: b.name });
        }
        if (b.kind === 'slurm-rest') clientFor({ ...b, createdAt: '' }, { reveal: () => ({ secret: '', username: null }) }); // validates url and credential
        return store.putBackend(b, input.replace);
      });
    },
    removeBackend(actor, name) {
      audit.record(actor, { module: 'jobs', action: 'backend-remove', targets: name }, () => store.removeBackend(name));
    },

    preview(input) {
      const b = input.backend || store.backends().length > 0 ? backendOf(input.backend) : null;
      return render(input.template, input.version, input.params, b, false);
    },

    async submit(actor, input, signal) {
      const b = input.draft && !input.backend && store.backends().length !== 1 ? null : backendOf(input.backend);
      const rendered = render(input.template, input.version, input.params, b);
      const job = store.insertJob({ name: rendered.spec.name, phase: 'draft', backend: b?.name ?? null, template: rendered.template, version: rendered.version, params: rendered.params, rendered });
      if (input.draft) {
        audit.record(actor, { module: 'jobs', action: 'draft', targets: job.name, params: { job: job.id, template: rendered.template } }, () => undefined);
        return job;
      }
      return send(actor, job, signal);
    },

    async send(actor, id, signal) {
      const job = store.requireJob(id);
      if (job.phase === 'submitted') throw new AppError('JOB_ALREADY_SUBMITTED', `job ${id} was already submitted (backend job ${job.backendJobId}); use \`jobs rerun ${id}\` for a new run`, { id });
      if (!job.backend) {
        const b = backendOf(null);
        store.patchJob(id, { backend: b.name });
      }
      return send(actor, store.requireJob(id), signal);
    },

    async list(actor, input, signal) {
      if (input.refresh) {
        // The outbox is retried whenever jobs are looked at: a backend that answers again gets them.
        if (store.jobs({ phase: 'outbox' }).length > 0) await flush(actor, signal).catch(() => undefined);
        await refresh(store.jobs(input), signal);
      }
      return store.jobs(input).map(strip);
    },

    async show(id, signal) {
      const job = store.requireJob(id);
      if (job.phase === 'submitted') await refresh([job], signal);
      return store.requireJob(id);
    },

    async logs(input) {
      const job = store.requireJob(input.id);
      if (job.phase !== 'submitted') throw new AppError('JOB_NOT_SUBMITTED', `job ${input.id} has not run yet (${job.phase})`, { id: input.id });
      const b = backendOf(job.backend);
      if (!sharesFilesystem(b)) throw new AppError('JOB_LOGS_UNAVAILABLE', `job ${input.id}'s output is on backend ${b.name}'s file system (${job.output}); reading it needs the SSH transport`, { id: input.id });
      await refresh([job]).catch(() => undefined);
      const j = store.requireJob(input.id);
      const path = j.output ?? '';
      const finished = j.state !== null && isFinished(j.state as never);
      if (!path || !existsSync(path)) return { path, text: '', finished };
      const size = statSync(path).size;
      const start = Math.max(0, size - input.tailBytes);
      const buf = Buffer.alloc(size - start);
      const fd = openSync(path, 'r');
      try {
        readSync(fd, buf, 0, buf.length, start);
      } finally {
        closeSync(fd);
      }
      return { path, text: buf.toString('utf8'), finished };
    },

    async cancel(actor, id, signal) {
      const job = store.requireJob(id);
      if (job.phase !== 'submitted') {
        // A draft or outbox job is withdrawn locally: it never reaches the backend.
        audit.record(actor, { module: 'jobs', action: 'cancel', targets: `job ${id}`, params: { phase: job.phase } }, () => store.patchJob(id, { phase: 'draft', last_error: 'withdrawn before submission' }));
        return strip(store.requireJob(id));
      }
      const { backend } = requireSubmitted(id);
      const c = client(backend);
      const auditId = audit.begin(actor, { module: 'jobs', action: 'cancel', targets: `${backend.name}:${job.backendJobId}`, params: { job: id } });
      try {
        await vanishedCheck(job, c, signal);
        await c.cancel(job.backendJobId!, abortOf(signal));
        audit.complete(auditId, 'ok');
      } catch (err) {
        audit.complete(auditId, 'failed', (err as Error).message);
        throw err;
      }
      await refresh([store.requireJob(id)], signal);
      return strip(store.requireJob(id));
    },

    async control(actor, input, signal) {
      const { job, backend } = requireSubmitted(input.id);
      const c = client(backend);
      const auditId = audit.begin(actor, { module: 'jobs', action: input.action, targets: `${backend.name}:${job.backendJobId}`, params: { job: input.id } });
      try {
        await vanishedCheck(job, c, signal);
        await c.control(job.backendJobId!, input.action, abortOf(signal));
        audit.complete(auditId, 'ok');
      } catch (err) {
        audit.complete(auditId, 'failed', (err as Error).message);
        throw err;
      }
      await refresh([store.requireJob(input.id)], signal);
      return strip(store.requireJob(input.id));
    },

    async rerun(actor, id, signal) {
      const old = store.requireJob(id);
      const b = backendOf(old.backend);
      const rendered = render(old.template, old.templateVersion, old.params, b);
      const job = store.insertJob({ name: rendered.spec.name, phase: 'draft', backend: b.name, template: old.template, version: old.templateVersion, params: rendered.params, rendered });
      return send(actor, job, signal);
    },

    flushOutbox: (actor, signal) => flush(actor, signal),

    async deleteJob(actor, id) {
      const job = store.requireJob(id);
      if (job.phase === 'submitted' && job.state && !isFinished(job.state as never) && !job.vanished) {
        throw new AppError('JOB_STILL_ACTIVE', `job ${id} is ${job.state} on ${job.backend}; cancel it first`, { id });
      }
      audit.record(actor, { module: 'jobs', action: 'delete', targets: `job ${id}` }, () => store.deleteJob(id));
    },

    async partitions(backend, signal) {
      return client(backendOf(backend)).partitions(abortOf(signal));
    },
    async nodes(backend, signal) {
      return client(backendOf(backend)).nodes(abortOf(signal));
    },
  };
}
