import type { Migration } from './types';

// Jobs: the backends ClusterDeck submits to, custom job templates (every saved version kept),
// and the jobs written here: drafts, the outbox (waiting for an unreachable backend) and jobs
// handed to a backend with their last known state. Built-in templates live in
// resources/templates, not here.
export const migration0005: Migration = {
  version: 5,
  name: 'jobs-templates',
  up: `
    CREATE TABLE job_backends (
      name TEXT PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('slurm-cli', 'slurm-rest')),
      url TEXT NOT NULL,
      username TEXT,
      credential TEXT,
      work_dir TEXT,
      env TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(env)),
      created_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE job_templates (
      name TEXT NOT NULL,
      version INTEGER NOT NULL CHECK (version >= 1),
      body TEXT NOT NULL CHECK (json_valid(body)),
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL DEFAULT '',
      PRIMARY KEY (name, version)
    ) STRICT;

    CREATE TABLE jobs (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      phase TEXT NOT NULL CHECK (phase IN ('draft', 'outbox', 'submitted')),
      backend TEXT,
      template TEXT NOT NULL,
      template_version INTEGER NOT NULL,
      params TEXT NOT NULL CHECK (json_valid(params)),
      rendered TEXT CHECK (rendered IS NULL OR json_valid(rendered)),
      backend_job_id TEXT,
      state TEXT,
      raw_state TEXT,
      reason TEXT,
      exit_code INTEGER,
      nodes TEXT,
      output TEXT,
      last_error TEXT,
      attempts INTEGER NOT NULL DEFAULT 0,
      vanished INTEGER NOT NULL DEFAULT 0 CHECK (vanished IN (0, 1)),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      submitted_at TEXT,
      CHECK (phase <> 'submitted' OR (backend IS NOT NULL AND backend_job_id IS NOT NULL)),
      CHECK (phase <> 'outbox' OR backend IS NOT NULL)
    ) STRICT;
    CREATE UNIQUE INDEX jobs_backend_job ON jobs (backend, backend_job_id) WHERE backend_job_id IS NOT NULL;
    CREATE INDEX jobs_phase ON jobs (phase);
  `,
};
