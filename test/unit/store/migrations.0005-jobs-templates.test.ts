import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../../main/store/db';
import { migration0001 } from '../../../main/store/migrations/0001-initial';
import { migration0005 } from '../../../main/store/migrations/0005-jobs-templates';

describe('migration 0005-jobs-templates', () => {
  let db: Database.Database;
  afterEach(() => db?.close());
  const open = () => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [migration0001, migration0005]);
    return db;
  };

  it('adds backends, versioned templates and jobs as STRICT tables and sets user_version 5', () => {
    open();
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name IN ('job_backends', 'job_templates', 'jobs')").all() as { name: string; sql: string }[];
    expect(tables.map((t) => t.name).sort()).toEqual(['job_backends', 'job_templates', 'jobs']);
    for (const t of tables) expect(t.sql).toMatch(/STRICT/);
  });

  it('keeps every version of a template once and rejects bodies that are not JSON', () => {
    open();
    const put = db.prepare('INSERT INTO job_templates (name, version, body, created_at) VALUES (?, ?, ?, ?)');
    put.run('t', 1, '{}', 'now');
    put.run('t', 2, '{}', 'now');
    expect(() => put.run('t', 2, '{}', 'now')).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => put.run('u', 0, '{}', 'now')).toThrow(/CHECK/);
    expect(() => put.run('u', 1, 'not json', 'now')).toThrow(/CHECK/);
  });

  it('a draft needs no backend; outbox needs one; submitted needs a backend job id, unique per backend', () => {
    open();
    const ins = db.prepare("INSERT INTO jobs (name, phase, backend, template, template_version, params, backend_job_id, created_at, updated_at) VALUES ('j', ?, ?, 'shell', 1, '{}', ?, 'now', 'now')");
    ins.run('draft', null, null);
    expect(() => ins.run('outbox', null, null)).toThrow(/CHECK/);
    ins.run('outbox', 'b', null);
    expect(() => ins.run('submitted', 'b', null)).toThrow(/CHECK/);
    ins.run('submitted', 'b', '7');
    expect(() => ins.run('submitted', 'b', '7')).toThrow(/UNIQUE/);
    ins.run('submitted', 'c', '7');
    expect(() => ins.run('queued', 'b', null)).toThrow(/CHECK/);
  });

  it('backends: known kinds and JSON environment only', () => {
    open();
    const ins = db.prepare("INSERT INTO job_backends (name, kind, url, env, created_at) VALUES (?, ?, 'local', ?, 'now')");
    ins.run('a', 'slurm-cli', '{"SLURM_CONF":"/x"}');
    expect(() => ins.run('b', 'pbs', '{}')).toThrow(/CHECK/);
    expect(() => ins.run('c', 'slurm-rest', '{')).toThrow(/CHECK/);
  });
});
