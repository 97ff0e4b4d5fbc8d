import type { Db } from '../../store/db';
import { nowIso } from '../../store/db';
import type { Actor } from '../../../shared/contract/trpc';
import { AppError } from '../../../shared/errors';
import { redact } from './redact';

export interface AuditStart {
  module: string;
  action: string;
  targets?: string;
  params?: Record<string, unknown>;
}

export type AuditOutcome = 'ok' | 'failed' | 'partial' | 'cancelled';

/**
 * The write side of the audit log. An entry is written *before* the operation runs and completed
 * after, so a crash mid-operation still leaves a `running` record of what was attempted.
 */
export class AuditLog {
  private readonly insert;
  private readonly finish;

  /** Called after every completed entry: the change feed listens here. */
  onComplete: (() => void) | null = null;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      `INSERT INTO audit_log (started_at, actor, via, module, action, targets, params) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.finish = db.prepare(`UPDATE audit_log SET finished_at = ?, result = ?, detail = ? WHERE id = ?`);
  }

  begin(actor: Actor, entry: AuditStart): number {
    const info = this.insert.run(
      nowIso(),
      actor.user,
      actor.via,
      entry.module,
      entry.action,
      entry.targets ?? '',
      JSON.stringify(redact(entry.params ?? {})),
    );
    return Number(info.lastInsertRowid);
  }

  complete(id: number, result: AuditOutcome, detail = ''): void {
    this.finish.run(nowIso(), result, detail.slice(0, 4000), id);
    this.onComplete?.();
  }

  /** Runs `fn` between begin and complete; a thrown error is recorded as `failed` and rethrown. */
  record<T>(actor: Actor, entry: AuditStart, fn: () => T, describe?: (value: T) => { result?: AuditOutcome; detail?: string }): T {
    const id = this.begin(actor, entry);
    try {
      const value = fn();
      const d = describe?.(value) ?? {};
      this.complete(id, d.result ?? 'ok', d.detail ?? '');
      return value;
    } catch (error) {
      this.complete(id, 'failed', AppError.is(error) ? `${error.code}: ${error.message}` : String((error as Error)?.message ?? error));
      throw error;
    }
  }
}
