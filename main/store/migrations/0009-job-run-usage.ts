import type { Migration } from './types';

// What a job booked on its cluster, for per-user usage where the cluster keeps no accounting (Kubernetes): when it
// started and ended running as the cluster's status said (ISO times, as watches and listings saw them), and the
// devices its replicas hold (JSON, e.g. {"gpu": 4} or {"cpu": 2}). Jobs written before keep NULL and book nothing.
export const migration0009: Migration = {
  version: 9,
  name: 'job-run-usage',
  up: `
    ALTER TABLE jobs ADD COLUMN run_started_at TEXT;
    ALTER TABLE jobs ADD COLUMN run_ended_at TEXT;
    ALTER TABLE jobs ADD COLUMN devices TEXT CHECK (devices IS NULL OR json_valid(devices));
    CREATE INDEX jobs_backend_run ON jobs (backend, run_started_at) WHERE run_started_at IS NOT NULL;
  `,
};
