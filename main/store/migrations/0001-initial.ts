import type { Migration } from './types';

// The house's first rooms: inventory (rooms, racks, nodes, groups), the vault and the audit log.
// STRICT tables so a wrong type is an error, not a silent coercion.
export const migration0001: Migration = {
  version: 1,
  name: 'initial',
  up: `
    CREATE TABLE rooms (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      description TEXT NOT NULL DEFAULT '',
      created_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE racks (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      room_id INTEGER REFERENCES rooms(id) ON DELETE RESTRICT,
      height_u INTEGER NOT NULL DEFAULT 42 CHECK (height_u BETWEEN 1 AND 60),
      row_index INTEGER,
      column_index INTEGER,
      created_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE credentials (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      kind TEXT NOT NULL CHECK (kind IN ('password', 'ssh_key', 'token', 'kubeconfig')),
      username TEXT,
      secret BLOB NOT NULL,
      passphrase BLOB,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE vault_keys (
      kind TEXT PRIMARY KEY CHECK (kind IN ('passphrase', 'os')),
      salt BLOB,
      params TEXT NOT NULL DEFAULT '{}',
      wrapped_key BLOB NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE nodes (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      hostname TEXT NOT NULL,
      type TEXT NOT NULL DEFAULT 'compute',
      rack_id INTEGER REFERENCES racks(id) ON DELETE RESTRICT,
      u_position INTEGER,
      u_height INTEGER NOT NULL DEFAULT 1,
      gpu_count INTEGER NOT NULL DEFAULT 0,
      gpu_model TEXT,
      labels TEXT NOT NULL DEFAULT '{}',
      ssh_host TEXT,
      ssh_port INTEGER,
      ssh_user TEXT,
      ssh_credential_id INTEGER REFERENCES credentials(id) ON DELETE RESTRICT,
      ssh_jump_host TEXT,
      bmc_host TEXT,
      bmc_port INTEGER,
      bmc_protocol TEXT CHECK (bmc_protocol IS NULL OR bmc_protocol IN ('ipmi', 'redfish')),
      bmc_credential_id INTEGER REFERENCES credentials(id) ON DELETE RESTRICT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX nodes_rack ON nodes(rack_id);

    CREATE TABLE groups (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      description TEXT NOT NULL DEFAULT '',
      created_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE node_groups (
      node_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
      group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
      PRIMARY KEY (node_id, group_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX node_groups_group ON node_groups(group_id);

    CREATE TABLE audit_log (
      id INTEGER PRIMARY KEY,
      started_at TEXT NOT NULL,
      finished_at TEXT,
      actor TEXT NOT NULL,
      via TEXT NOT NULL,
      module TEXT NOT NULL,
      action TEXT NOT NULL,
      targets TEXT NOT NULL DEFAULT '',
      params TEXT NOT NULL DEFAULT '{}',
      result TEXT NOT NULL DEFAULT 'running',
      detail TEXT NOT NULL DEFAULT ''
    ) STRICT;
    CREATE INDEX audit_started ON audit_log(started_at);
  `,
};
