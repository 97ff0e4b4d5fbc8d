import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../../main/store/db';
import { migration0001 } from '../../../main/store/migrations/0001-initial';
import { migration0005 } from '../../../main/store/migrations/0005-jobs-templates';
import { migration0006 } from '../../../main/store/migrations/0006-kube-backends';
import { migration0007 } from '../../../main/store/migrations/0007-job-hooks';
import { migration0008 } from '../../../main/store/migrations/0008-job-user-queue';

describe('migration 0008-job-user-queue', () => {
  let db: Database.Database;
  afterEach(() => db?.close());

  it('adds user and queue, taking the queue of existing jobs from the partition their script named', () => {
    db = new Database(':memory:');
    const before = [migration0001, migration0005, migration0006, migration0007];
    migrate(db, before);
    const insert = db.prepare("INSERT INTO jobs (name, phase, template, template_version, params, rendered, created_at, updated_at) VALUES (?, 'draft', 'shell', 1, '{}', ?, 'then', 'then')");
    insert.run('gpu', JSON.stringify({ spec: { partition: 'gpu' } }));
    insert.run('default', JSON.stringify({ spec: { partition: null } }));
    insert.run('empty', JSON.stringify({ spec: { partition: '' } }));
    insert.run('draft', null);
    migrate(db, [...before, migration0008]);
    expect(db.pragma('user_version', { simple: true })).toBe(8);
    expect(db.prepare('SELECT name, submit_user, queue FROM jobs ORDER BY id').all()).toEqual([
      { name: 'gpu', submit_user: null, queue: 'gpu' },
      { name: 'default', submit_user: null, queue: null },
      { name: 'empty', submit_user: null, queue: null },
      { name: 'draft', submit_user: null, queue: null },
    ]);
    db.prepare("UPDATE jobs SET submit_user = 'alice', queue = 'research' WHERE name = 'draft'").run();
    // The filters use the indexes.
    const plan = JSON.stringify(db.prepare("EXPLAIN QUERY PLAN SELECT id FROM jobs WHERE submit_user = 'alice'").all());
    expect(plan).toContain('jobs_submit_user');
  });
});
