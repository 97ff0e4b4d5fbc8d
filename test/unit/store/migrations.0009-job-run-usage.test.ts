import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../../main/store/db';
import { migration0001 } from '../../../main/store/migrations/0001-initial';
import { migration0005 } from '../../../main/store/migrations/0005-jobs-templates';
import { migration0006 } from '../../../main/store/migrations/0006-kube-backends';
import { migration0007 } from '../../../main/store/migrations/0007-job-hooks';
import { migration0008 } from '../../../main/store/migrations/0008-job-user-queue';
import { migration0009 } from '../../../main/store/migrations/0009-job-run-usage';

describe('migration 0009-job-run-usage', () => {
  let db: Database.Database;
  afterEach(() => db?.close());

  it('adds run start, run end and devices; existing jobs keep NULL; devices must be JSON', () => {
    db = new Database(':memory:');
    const before = [migration0001, migration0005, migration0006, migration0007, migration0008];
    migrate(db, before);
    db.prepare("INSERT INTO jobs (name, phase, template, template_version, params, created_at, updated_at) VALUES ('old', 'draft', 'shell', 1, '{}', 'then', 'then')").run();
    migrate(db, [...before, migration0009]);
    expect(db.pragma('user_version', { simple: true })).toBe(9);
    expect(db.prepare('SELECT name, run_started_at, run_ended_at, devices FROM jobs').all()).toEqual([{ name: 'old', run_started_at: null, run_ended_at: null, devices: null }]);
    db.prepare("UPDATE jobs SET backend = 'k8s', run_started_at = '2026-11-23T10:00:00Z', devices = '{\"gpu\":4}'").run();
    expect(() => db.prepare("UPDATE jobs SET devices = 'four GPUs'").run()).toThrow(/CHECK constraint/);
    // Usage reads a backend's jobs that ran, through the partial index.
    const plan = JSON.stringify(db.prepare("EXPLAIN QUERY PLAN SELECT id FROM jobs WHERE backend = 'k8s' AND run_started_at IS NOT NULL").all());
    expect(plan).toContain('jobs_backend_run');
  });
});
