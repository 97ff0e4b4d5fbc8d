import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../../main/store/db';
import { migration0001 } from '../../../main/store/migrations/0001-initial';
import { migration0005 } from '../../../main/store/migrations/0005-jobs-templates';
import { migration0006 } from '../../../main/store/migrations/0006-kube-backends';
import { migration0007 } from '../../../main/store/migrations/0007-job-hooks';

describe('migration 0007-job-hooks', () => {
  let db: Database.Database;
  afterEach(() => db?.close());

  it('keeps existing jobs (no hook), takes an http(s) hook URL and its result, refuses other schemes', () => {
    db = new Database(':memory:');
    migrate(db, [migration0001, migration0005, migration0006]);
    const insert = "INSERT INTO jobs (name, phase, template, template_version, params, created_at, updated_at) VALUES ('old', 'draft', 'shell', 1, '{}', 'then', 'then')";
    db.prepare(insert).run();
    migrate(db, [migration0001, migration0005, migration0006, migration0007]);
    expect(db.pragma('user_version', { simple: true })).toBe(7);
    expect(db.prepare('SELECT name, hook_url, hook_result FROM jobs').all()).toEqual([{ name: 'old', hook_url: null, hook_result: null }]);
    db.prepare("UPDATE jobs SET hook_url = 'https://ci.example/hook?x=1', hook_result = 'HTTP 200'").run();
    expect(() => db.prepare("UPDATE jobs SET hook_url = 'file:///etc/passwd'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE jobs SET hook_url = 'javascript:alert(1)'").run()).toThrow(/CHECK/);
  });
});
