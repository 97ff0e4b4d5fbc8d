import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../../main/store/db';
import { migration0001 } from '../../../main/store/migrations/0001-initial';
import { migration0005 } from '../../../main/store/migrations/0005-jobs-templates';
import { migration0006 } from '../../../main/store/migrations/0006-kube-backends';

describe('migration 0006-kube-backends', () => {
  let db: Database.Database;
  afterEach(() => db?.close());

  it('keeps existing backends, admits kind kubernetes with a context and namespace, still refuses unknown kinds', () => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [migration0001, migration0005]);
    db.prepare("INSERT INTO job_backends (name, kind, url, username, credential, work_dir, env, created_at) VALUES ('lab', 'slurm-cli', 'local', NULL, NULL, '/w', '{\"SLURM_CONF\":\"/etc/slurm.conf\"}', 'then')").run();
    expect(() => db.prepare("INSERT INTO job_backends (name, kind, url, created_at) VALUES ('k', 'kubernetes', '', 'now')").run()).toThrow(/CHECK/);
    migrate(db, [migration0001, migration0005, migration0006]);
    expect(db.pragma('user_version', { simple: true })).toBe(6);
    expect(db.prepare('SELECT name, kind, url, work_dir, env, context, namespace, created_at FROM job_backends').all()).toEqual([
      { name: 'lab', kind: 'slurm-cli', url: 'local', work_dir: '/w', env: '{"SLURM_CONF":"/etc/slurm.conf"}', context: null, namespace: null, created_at: 'then' },
    ]);
    db.prepare("INSERT INTO job_backends (name, kind, url, credential, context, namespace, created_at) VALUES ('k8s', 'kubernetes', 'https://api:6443', 'k8s-kubeconfig', 'lab', 'team-a', 'now')").run();
    expect(() => db.prepare("INSERT INTO job_backends (name, kind, url, created_at) VALUES ('x', 'nomad', '', 'now')").run()).toThrow(/CHECK/);
    expect((db.prepare("SELECT sql FROM sqlite_master WHERE name = 'job_backends'").pluck().get() as string)).toMatch(/STRICT/);
  });
});
