import type { Migration } from './types';

// Kubernetes job backends: the kind check admits 'kubernetes', and a backend keeps the kubeconfig
// context and namespace it uses (the kubeconfig itself is a vault credential, never a row here).
// SQLite cannot change a CHECK in place, so the table is rebuilt with its rows.
export const migration0006: Migration = {
  version: 6,
  name: 'kube-backends',
  up: `
    CREATE TABLE job_backends_new (
      name TEXT PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('slurm-cli', 'slurm-rest', 'kubernetes')),
      url TEXT NOT NULL,
      username TEXT,
      credential TEXT,
      work_dir TEXT,
      env TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(env)),
      context TEXT,
      namespace TEXT,
      created_at TEXT NOT NULL
    ) STRICT;
    INSERT INTO job_backends_new (name, kind, url, username, credential, work_dir, env, created_at)
      SELECT name, kind, url, username, credential, work_dir, env, created_at FROM job_backends;
    DROP TABLE job_backends;
    ALTER TABLE job_backends_new RENAME TO job_backends;
  `,
};
