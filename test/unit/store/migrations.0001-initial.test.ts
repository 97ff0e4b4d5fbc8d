import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../../main/store/db';
import { migration0001 } from '../../../main/store/migrations/0001-initial';

describe('migration 0001-initial', () => {
  let db: Database.Database;
  afterEach(() => db?.close());

  it('creates the inventory, vault and audit tables as STRICT tables and sets user_version 1', () => {
    db = new Database(':memory:');
    expect(migrate(db, [migration0001])).toBe(1);
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string; sql: string }[];
    expect(tables.map((t) => t.name)).toEqual(['audit_log', 'credentials', 'groups', 'node_groups', 'nodes', 'racks', 'rooms', 'vault_keys']);
    for (const t of tables) expect(t.sql).toMatch(/STRICT/);
  });

  it('enforces types, names and references', () => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [migration0001]);
    const now = new Date().toISOString();
    db.prepare("INSERT INTO nodes (name, hostname, created_at, updated_at) VALUES ('n1', '10.0.0.1', ?, ?)").run(now, now);
    expect(() => db.prepare("INSERT INTO nodes (name, hostname, created_at, updated_at) VALUES ('n1', 'x', ?, ?)").run(now, now)).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO nodes (name, hostname, gpu_count, created_at, updated_at) VALUES ('n2', 'x', 'eight', ?, ?)").run(now, now)).toThrow(/cannot store TEXT/);
    expect(() => db.prepare("INSERT INTO nodes (name, hostname, rack_id, created_at, updated_at) VALUES ('n3', 'x', 99, ?, ?)").run(now, now)).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("INSERT INTO nodes (name, hostname, bmc_protocol, created_at, updated_at) VALUES ('n4', 'x', 'snmp', ?, ?)").run(now, now)).toThrow(/CHECK/);
  });

  it('is applied once: running migrate again changes nothing', () => {
    db = new Database(':memory:');
    migrate(db, [migration0001]);
    db.prepare("INSERT INTO groups (name, created_at) VALUES ('g', 'now')").run();
    expect(migrate(db, [migration0001])).toBe(1);
    expect(db.prepare('SELECT count(*) FROM groups').pluck().get()).toBe(1);
  });
});
