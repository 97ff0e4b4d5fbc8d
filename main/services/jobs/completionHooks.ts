// Completion hooks: a job that names an http(s) URL has its final state POSTed there once (JSON), as LiCO's open
// API calls back. The row's hook_result is set to 'sending' first (so two processes never both send), then to what
// happened: 'HTTP 204', or the error. Each delivery is an audit entry. Nothing secret is in the body.
import type { Actor } from '../../../shared/contract/trpc';
import { isFinishedState, type JobDetail } from '../../../shared/contract/schemas/jobs';
import type { AuditLog } from '../audit/auditLog';
import type { JobStore } from './jobStore';

export interface CompletionHookBody {
  event: 'job.finished';
  id: number;
  name: string;
  backend: string | null;
  backendJobId: string | null;
  template: string;
  state: string | null;
  rawState: string | null;
  exitCode: number | null;
  reason: string | null;
  submittedAt: string | null;
  finishedAt: string;
}

export class CompletionHooks {
  private readonly inFlight = new Set<AbortController>();

  constructor(private readonly deps: { store: JobStore; audit: AuditLog; timeoutMs?: number }) {}

  /** Sends the hook of a job that has just finished (no-op otherwise); resolves when it is delivered or failed. */
  async notify(actor: Actor, job: JobDetail): Promise<void> {
    if (!job.hookUrl || job.hookResult || !isFinishedState(job.state)) return;
    // Claim it in the database: a second process (CLI next to serve) that sees the same change sends nothing.
    if (!this.deps.store.claimHook(job.id)) return;
    const body: CompletionHookBody = {
      event: 'job.finished', id: job.id, name: job.name, backend: job.backend, backendJobId: job.backendJobId, template: job.template,
      state: job.state, rawState: job.rawState, exitCode: job.exitCode, reason: job.reason, submittedAt: job.submittedAt, finishedAt: new Date().toISOString(),
    };
    const ctrl = new AbortController();
    this.inFlight.add(ctrl);
    const timer = setTimeout(() => ctrl.abort(new Error(`no answer in ${(this.deps.timeoutMs ?? 10_000) / 1000} s`)), this.deps.timeoutMs ?? 10_000);
    const url = job.hookUrl;
    const auditId = this.deps.audit.begin(actor, { module: 'jobs', action: 'hook', targets: `job ${job.id}`, params: { url: redactUrl(url), state: job.state } });
    let result: string;
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'ClusterDeck' }, body: JSON.stringify(body), signal: ctrl.signal, redirect: 'manual' });
      await res.arrayBuffer().catch(() => undefined);
      result = `HTTP ${res.status}`;
      this.deps.audit.complete(auditId, res.ok ? 'ok' : 'failed', `${redactUrl(url)}: ${result}`);
    } catch (err) {
      const reason = ctrl.signal.aborted ? String((ctrl.signal.reason as Error | undefined)?.message ?? 'cancelled') : describe(err);
      result = `error: ${reason}`;
      this.deps.audit.complete(auditId, 'failed', `${redactUrl(url)}: ${reason}`);
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(ctrl);
    }
    this.deps.store.patchJob(job.id, { hook_result: result });
  }

  /** Aborts deliveries in flight (the app is closing); their rows say so. */
  close(): void {
    for (const c of this.inFlight) c.abort(new Error('ClusterDeck closed before the hook was answered'));
  }
}

/** Userinfo and query strings may carry tokens: the audit log keeps scheme, host and path only. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}

function describe(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ? `${e.cause.code} ${e.cause.message ?? ''}`.trim() : e.message ?? String(err);
}
