import type { Migration } from './types';

// Batch power's own state. Redfish BMC certificates pinned on first use (by endpoint, since
// several nodes may share one BMC), and the last power state each node's BMC reported, so the
// inventory and rack views can show it without asking every BMC again.
export const migration0003: Migration = {
  version: 3,
  name: 'bmc-cert-pins',
  up: `
    CREATE TABLE bmc_cert_pins (
      host TEXT NOT NULL,
      port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
      fingerprint TEXT NOT NULL CHECK (length(fingerprint) = 95),
      subject TEXT NOT NULL DEFAULT '',
      pinned_at TEXT NOT NULL,
      pinned_by TEXT NOT NULL DEFAULT '',
      PRIMARY KEY (host, port)
    ) STRICT;

    CREATE TABLE node_power_states (
      node_id INTEGER PRIMARY KEY REFERENCES nodes(id) ON DELETE CASCADE,
      state TEXT NOT NULL CHECK (state IN ('on', 'off')),
      checked_at TEXT NOT NULL
    ) STRICT;
  `,
};
