import type { Db } from '../../store/db';
import type { ChangeEvent } from '../../../shared/contract/schemas/events';
import type { CancelSignal } from '../../../shared/contract/signal';

interface Row { id: number; module: string; action: string; targets: string; result: string; via: string; finished_at: string | null }

type Listener = (e: ChangeEvent) => void;

/**
 * Every state change is completed in the audit log, so the audit log is the change feed. Other
 * processes (the CLI next to `serve`) write the same database: SQLite's `data_version` tells,
 * at the cost of one pragma, whether anyone committed since the last look.
 */
export class ChangeFeed {
  private listeners = new Set<Listener>();
  private lastVersion = -1;
  private lastSeenFinish = '';
  private seen = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private readonly rowsSince;

  constructor(private readonly db: Db, private readonly pollMs = 500) {
    this.rowsSince = db.prepare(`SELECT id, module, action, targets, result, via, finished_at FROM audit_log
      WHERE finished_at IS NOT NULL AND finished_at >= ? ORDER BY finished_at, id LIMIT 1000`);
    this.lastSeenFinish = (db.prepare('SELECT max(finished_at) FROM audit_log').pluck().get() as string | null) ?? '';
    for (const id of db.prepare('SELECT id FROM audit_log WHERE finished_at = ?').pluck().all(this.lastSeenFinish) as number[]) this.seen.add(id);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      this.timer = setInterval(() => this.poll(), this.pollMs);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) { clearInterval(this.timer); this.timer = null; }
    };
  }

  /** Looks for changes now (called after local writes, and by the timer for other processes' writes). */
  poll(): void {
    const version = this.db.pragma('data_version', { simple: true }) as number;
    // data_version only moves for *other* connections' commits; local ones come through notify().
    if (version === this.lastVersion && !this.pendingLocal) return;
    this.lastVersion = version;
    this.pendingLocal = false;
    const rows = this.rowsSince.all(this.lastSeenFinish) as Row[];
    for (const r of rows) {
      if (this.seen.has(r.id)) continue;
      if (r.finished_at! > this.lastSeenFinish) { this.lastSeenFinish = r.finished_at!; this.seen.clear(); }
      this.seen.add(r.id);
      const event: ChangeEvent = { auditId: r.id, module: r.module, action: r.action, targets: r.targets, result: r.result, via: r.via };
      for (const l of this.listeners) l(event);
    }
  }

  private pendingLocal = false;

  notify(): void {
    this.pendingLocal = true;
    if (this.listeners.size) queueMicrotask(() => this.poll());
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.listeners.clear();
  }
}

/** Adapts listener callbacks to the async iterator a tRPC subscription yields from. */
export async function* changesOf(feed: ChangeFeed, signal?: CancelSignal): AsyncGenerator<ChangeEvent> {
  const queue: ChangeEvent[] = [];
  let wake: (() => void) | null = null;
  const unsubscribe = feed.subscribe((e) => { queue.push(e); wake?.(); });
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    while (!signal?.aborted) {
      if (queue.length) { yield queue.shift()!; continue; }
      await new Promise<void>((resolve) => { wake = resolve; });
      wake = null;
    }
  } finally {
    unsubscribe();
    signal?.removeEventListener('abort', onAbort);
  }
}
