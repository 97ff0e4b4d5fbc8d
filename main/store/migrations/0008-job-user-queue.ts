import type { Migration } from './types';

// Who a job runs as on its cluster and where it queues, so the Jobs page and `jobs list` filter by them:
// submit_user is the cluster-side user (Slurm's job user, the kubeconfig context's user), queue the Slurm partition
// or the Volcano queue (else the Kubernetes namespace). Jobs written before keep NULL, except that a partition their
// stored script named is taken as their queue.
export const migration0008: Migration = {
  version: 8,
  name: 'job-user-queue',
  up: `
    ALTER TABLE jobs ADD COLUMN submit_user TEXT;
    ALTER TABLE jobs ADD COLUMN queue TEXT;
    UPDATE jobs SET queue = json_extract(rendered, '$.spec.partition')
      WHERE rendered IS NOT NULL AND json_valid(rendered) AND coalesce(json_extract(rendered, '$.spec.partition'), '') <> '';
    CREATE INDEX jobs_submit_user ON jobs (submit_user);
    CREATE INDEX jobs_queue ON jobs (queue);
  `,
};
