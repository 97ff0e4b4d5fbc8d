import type { Migration } from './types';

// Completion hooks (as LiCO's open API offers): a job may name an http(s) URL that is called once with the job's
// final state. hook_result records what happened ('sending', 'HTTP 200', or the error), so a hook is never sent twice.
export const migration0007: Migration = {
  version: 7,
  name: 'job-hooks',
  up: `
    ALTER TABLE jobs ADD COLUMN hook_url TEXT CHECK (hook_url IS NULL OR hook_url GLOB 'http://*' OR hook_url GLOB 'https://*');
    ALTER TABLE jobs ADD COLUMN hook_result TEXT;
  `,
};
