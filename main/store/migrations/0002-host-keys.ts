import type { Migration } from './types';

// SSH host keys ClusterDeck has accepted (hostkeys scan, exec --accept-new), beside the user's
// ~/.ssh/known_hosts which is only read. One row per host, port and key type, like OpenSSH.
export const migration0002: Migration = {
  version: 2,
  name: 'host-keys',
  up: `
    CREATE TABLE host_keys (
      host TEXT NOT NULL,
      port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
      key_type TEXT NOT NULL,
      public_key BLOB NOT NULL,
      fingerprint TEXT NOT NULL,
      added_at TEXT NOT NULL,
      PRIMARY KEY (host, port, key_type)
    ) STRICT;
  `,
};
