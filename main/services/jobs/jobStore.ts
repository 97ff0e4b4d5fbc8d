// Rows of migration 0005: backends, custom template versions, jobs (drafts, outbox, submitted).
import type { Db } from '../../store/db';
import { nowIso } from '../../store/db';
import type { Backend, Job, JobDetail, Rendered, TemplateBody } from '../../../shared/contract/schemas/jobs';
import { AppError } from '../../../shared/errors';
import { FINISHED_STATES } from '../../../shared/contract/schemas/jobs';
import type { Statement } from 'better-sqlite3';

interface BackendRow { name: string; kind: Backend['kind']; url: string; username: string | null; credential: string | null; work_dir: string | null; env: string; context: string | null; namespace: string | null; created_at: string }
interface JobRow {
  id: number; name: string; phase: Job['phase']; backend: string | null; template: string; template_version: number; params: string; rendered: string | null;
  backend_job_id: string | null; state: Job['state']; raw_state: string | null; reason: string | null; exit_code: number | null; nodes: string | null; output: string | null;
  last_error: string | null; attempts: number; vanished: number; created_at: string; updated_at: string; submitted_at: string | null;
  hook_url: string | null; hook_result: string | null; submit_user: string | null; queue: string | null;
  run_started_at: string | null; run_ended_at: string | null; devices: string | null;
}

/** What a job booked (migration 0009): run times as the cluster reported them, devices by type. */
export interface RunUsage {
  start: string | null;
  end: string | null;
  devices: Record<string, number> | null;
}

/** A job that ran, as per-user usage reads it. */
export interface UsageJob extends RunUsage {
  id: number;
  user: string | null;
  state: Job['state'];
  start: string;
}

const toBackend = (r: BackendRow): Backend => ({ name: r.name, kind: r.kind, url: r.url, user: r.username, credential: r.credential, workDir: r.work_dir, env: JSON.parse(r.env), context: r.context ?? null, namespace: r.namespace ?? null, createdAt: r.created_at });

function toJob(r: JobRow): JobDetail {
  return {
    id: r.id, name: r.name, phase: r.phase, backend: r.backend, template: r.template, templateVersion: r.template_version, params: JSON.parse(r.params),
    backendJobId: r.backend_job_id, state: r.state, rawState: r.raw_state, reason: r.reason, exitCode: r.exit_code, nodes: r.nodes, output: r.output,
    lastError: r.last_error, attempts: r.attempts, createdAt: r.created_at, updatedAt: r.updated_at, submittedAt: r.submitted_at, vanished: r.vanished === 1,
    hookUrl: r.hook_url, hookResult: r.hook_result, user: r.submit_user ?? null, queue: r.queue ?? null,
    rendered: r.rendered ? (JSON.parse(r.rendered) as Rendered) : null,
  };
}

export type JobPatch = Partial<Pick<JobRow, 'phase' | 'backend' | 'backend_job_id' | 'state' | 'raw_state' | 'reason' | 'exit_code' | 'nodes' | 'output' | 'last_error' | 'attempts' | 'vanished' | 'submitted_at' | 'hook_result' | 'submit_user' | 'queue' | 'run_started_at' | 'run_ended_at' | 'devices'>>;

export class JobStore {
  private readonly statements = new Map<string, Statement>();
  constructor(private readonly db: Db) {}

  // Backends
  backends(): Backend[] {
    return (this.db.prepare('SELECT * FROM job_backends ORDER BY name').all() as BackendRow[]).map(toBackend);
  }
  backend(name: string): Backend | null {
    const r = this.db.prepare('SELECT * FROM job_backends WHERE name = ?').get(name) as BackendRow | undefined;
    return r ? toBackend(r) : null;
  }
  putBackend(b: Omit<Backend, 'createdAt' | 'context' | 'namespace'> & { context?: string | null; namespace?: string | null }, replace: boolean): Backend {
    if (!replace && this.backend(b.name)) throw new AppError('JOB_BACKEND_EXISTS', `a backend named ${b.name} already exists (use --replace to change it)`, { name: b.name });
    this.db.prepare('INSERT OR REPLACE INTO job_backends (name, kind, url, username, credential, work_dir, env, context, namespace, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(b.name, b.kind, b.url, b.user, b.credential, b.workDir, JSON.stringify(b.env), b.context ?? null, b.namespace ?? null, nowIso());
    return this.backend(b.name)!;
  }
  removeBackend(name: string): void {
    const waiting = this.db.prepare("SELECT count(*) FROM jobs WHERE backend = ? AND phase = 'outbox'").pluck().get(name) as number;
    if (waiting > 0) throw new AppError('JOB_BACKEND_IN_USE', `backend ${name} has ${waiting} job(s) in the outbox; submit or delete them first`, { name });
    const n = this.db.prepare('DELETE FROM job_backends WHERE name = ?').run(name).changes;
    if (n === 0) throw new AppError('JOB_BACKEND_NOT_FOUND', `no backend named ${name} (see \`clusterdeck backends list\`)`, { name });
  }

  // Custom templates (every version kept)
  templateVersions(name: string): { version: number; body: TemplateBody; created_at: string }[] {
    return (this.db.prepare('SELECT version, body, created_at FROM job_templates WHERE name = ? ORDER BY version').all(name) as { version: number; body: string; created_at: string }[])
      .map((r) => ({ version: r.version, body: JSON.parse(r.body) as TemplateBody, created_at: r.created_at }));
  }
  templateNames(): string[] {
    return this.db.prepare('SELECT DISTINCT name FROM job_templates ORDER BY name').pluck().all() as string[];
  }
  addTemplateVersion(body: TemplateBody, by: string): number {
    return this.db.transaction(() => {
      const last = (this.db.prepare('SELECT max(version) FROM job_templates WHERE name = ?').pluck().get(body.name) as number | null) ?? 0;
      this.db.prepare('INSERT INTO job_templates (name, version, body, created_at, created_by) VALUES (?, ?, ?, ?, ?)').run(body.name, last + 1, JSON.stringify(body), nowIso(), by);
      return last + 1;
    })();
  }
  removeTemplate(name: string): number {
    return this.db.prepare('DELETE FROM job_templates WHERE name = ?').run(name).changes;
  }

  // Jobs
  insertJob(j: { name: string; phase: Job['phase']; backend: string | null; template: string; version: number; params: unknown; rendered: Rendered | null; lastError?: string | null; hookUrl?: string | null }): JobDetail {
    const now = nowIso();
    const info = this.db.prepare('INSERT INTO jobs (name, phase, backend, template, template_version, params, rendered, last_error, hook_url, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(j.name, j.phase, j.backend, j.template, j.version, JSON.stringify(j.params), j.rendered ? JSON.stringify(j.rendered) : null, j.lastError ?? null, j.hookUrl ?? null, now, now);
    return this.job(Number(info.lastInsertRowid))!;
  }
  job(id: number): JobDetail | null {
    const r = this.statement('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return r ? toJob(r) : null;
  }
  requireJob(id: number): JobDetail {
    const j = this.job(id);
    if (!j) throw new AppError('JOB_NOT_FOUND', `no job ${id} in ClusterDeck (see \`clusterdeck jobs list\`)`, { id });
    return j;
  }
  /** The job a backend knows by this id (Kubernetes: Kind/namespace/name). */
  jobByBackendId(backend: string, backendJobId: string): JobDetail | null {
    const r = this.statement('SELECT * FROM jobs WHERE backend = ? AND backend_job_id = ?').get(backend, backendJobId) as JobRow | undefined;
    return r ? toJob(r) : null;
  }
  /**
   * Jobs in id order. `unfinished`: only those a backend may still change (not succeeded/failed/cancelled, or
   * vanished). `brief`: without the rendered script/manifest (a listing of 50,000 jobs does not need them).
   */
  jobs(filter: { backend?: string; phase?: Job['phase']; user?: string; queue?: string; unfinished?: boolean; brief?: boolean } = {}): JobDetail[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.backend) (where.push('backend = ?'), args.push(filter.backend));
    if (filter.user) (where.push('submit_user = ?'), args.push(filter.user));
    if (filter.queue) (where.push('queue = ?'), args.push(filter.queue));
    if (filter.phase) (where.push('phase = ?'), args.push(filter.phase));
    if (filter.unfinished) where.push(`(state IS NULL OR state NOT IN (${FINISHED_STATES.map((x) => `'${x}'`).join(', ')}) OR vanished = 1)`);
    const sql = `SELECT ${filter.brief ? 'id, name, phase, backend, template, template_version, params, NULL AS rendered, backend_job_id, state, raw_state, reason, exit_code, nodes, output, last_error, attempts, vanished, created_at, updated_at, submitted_at, hook_url, hook_result, submit_user, queue' : '*'}
      FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
    return (this.statement(sql).all(...args) as JobRow[]).map(toJob);
  }
  patchJob(id: number, patch: JobPatch): JobDetail {
    const keys = Object.keys(patch) as (keyof JobPatch)[];
    if (keys.length > 0) {
      this.statement(`UPDATE jobs SET ${keys.map((k) => `${k} = ?`).join(', ')}, updated_at = ? WHERE id = ?`).run(...keys.map((k) => patch[k] ?? null), nowIso(), id);
    }
    return this.requireJob(id);
  }
  runUsage(id: number): RunUsage | null {
    const r = this.statement('SELECT run_started_at, run_ended_at, devices FROM jobs WHERE id = ?').get(id) as Pick<JobRow, 'run_started_at' | 'run_ended_at' | 'devices'> | undefined;
    return r ? { start: r.run_started_at, end: r.run_ended_at, devices: r.devices ? (JSON.parse(r.devices) as Record<string, number>) : null } : null;
  }
  /** A backend's submitted jobs that started running and had not ended before `since` (ISO). */
  usageJobs(backend: string, since: string): UsageJob[] {
    const rows = this.statement(`SELECT id, submit_user, state, run_started_at, run_ended_at, devices FROM jobs
      WHERE backend = ? AND run_started_at IS NOT NULL AND phase = 'submitted' AND (run_ended_at IS NULL OR run_ended_at >= ?) ORDER BY id`)
      .all(backend, since) as Pick<JobRow, 'id' | 'submit_user' | 'state' | 'run_started_at' | 'run_ended_at' | 'devices'>[];
    return rows.map((r) => ({ id: r.id, user: r.submit_user, state: r.state, start: r.run_started_at!, end: r.run_ended_at, devices: r.devices ? (JSON.parse(r.devices) as Record<string, number>) : null }));
  }
  /** Marks a job's hook as being sent; false when it was already claimed (by this or another process). */
  claimHook(id: number): boolean {
    return this.statement("UPDATE jobs SET hook_result = 'sending' WHERE id = ? AND hook_url IS NOT NULL AND hook_result IS NULL").run(id).changes === 1;
  }
  /** Runs `work` in one transaction (one commit for a refresh of thousands of rows). */
  batch<T>(work: () => T): T {
    return this.db.transaction(work)();
  }
  private statement(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }
  deleteJob(id: number): void {
    this.db.prepare('DELETE FROM jobs WHERE id = ?').run(id);
  }
}
