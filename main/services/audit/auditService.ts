import { stringify } from 'csv-stringify/sync';
import type { Db } from '../../store/db';
import type { AuditService } from '../../../shared/contract/services';
import type { AuditEntry, AuditList, AuditQuery } from '../../../shared/contract/schemas/audit';

interface Row {
  id: number; started_at: string; finished_at: string | null; actor: string; via: string; module: string;
  action: string; targets: string; params: string; result: AuditEntry['result']; detail: string;
}

type Query = Required<Pick<AuditQuery, 'offset' | 'limit'>> & Omit<AuditQuery, 'offset' | 'limit'>;

/** The read side of the audit log: filtered, newest first, and a CSV export of the same query. */
export function createAuditService(db: Db): AuditService {
  function where(q: Query): { sql: string; args: unknown[] } {
    const parts: string[] = [];
    const args: unknown[] = [];
    const eq = (col: string, v?: string) => { if (v) { parts.push(`${col} = ?`); args.push(v); } };
    eq('module', q.module);
    eq('action', q.action);
    eq('actor', q.actor);
    eq('result', q.result);
    if (q.since) { parts.push('started_at >= ?'); args.push(q.since); }
    if (q.until) { parts.push('started_at <= ?'); args.push(q.until); }
    if (q.text) {
      parts.push(`(targets LIKE ? ESCAPE '\\' OR detail LIKE ? ESCAPE '\\' OR params LIKE ? ESCAPE '\\')`);
      const like = `%${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      args.push(like, like, like);
    }
    return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', args };
  }

  function toEntry(r: Row): AuditEntry {
    return {
      id: r.id, startedAt: r.started_at, finishedAt: r.finished_at, actor: r.actor, via: r.via, module: r.module,
      action: r.action, targets: r.targets, params: JSON.parse(r.params), result: r.result, detail: r.detail,
    };
  }

  function list(q: Query): AuditList {
    const w = where(q);
    const total = (db.prepare(`SELECT count(*) AS n FROM audit_log ${w.sql}`).get(...w.args) as { n: number }).n;
    const rows = db.prepare(`SELECT * FROM audit_log ${w.sql} ORDER BY id DESC LIMIT ? OFFSET ?`).all(...w.args, q.limit, q.offset) as Row[];
    return { total, items: rows.map(toEntry) };
  }

  return {
    list: (q) => list(q as Query),
    exportCsv(q) {
      const { items } = list({ ...(q as Query), offset: 0, limit: 1_000_000 });
      return stringify(
        items.map((e) => [e.id, e.startedAt, e.finishedAt ?? '', e.actor, e.via, e.module, e.action, e.targets, JSON.stringify(e.params), e.result, e.detail]),
        { header: true, columns: ['id', 'started', 'finished', 'operator', 'via', 'module', 'action', 'targets', 'parameters', 'result', 'detail'] },
      );
    },
  };
}
