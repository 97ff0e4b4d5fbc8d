import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../../main/store/db';
import { migration0001 } from '../../../main/store/migrations/0001-initial';
import { migration0003 } from '../../../main/store/migrations/0003-bmc-cert-pins';

const FP = Array.from({ length: 32 }, (_, i) => (i * 7 % 256).toString(16).padStart(2, '0').toUpperCase()).join(':');

describe('migration 0003-bmc-cert-pins', () => {
  let db: Database.Database;
  afterEach(() => db?.close());

  const open = () => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    return db;
  };

  it('adds the certificate pin and power state tables as STRICT tables and sets user_version 3', () => {
    open();
    expect(migrate(db, [migration0001, migration0003])).toBe(3);
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name IN ('bmc_cert_pins', 'node_power_states')").all() as { name: string; sql: string }[];
    expect(tables.map((t) => t.name).sort()).toEqual(['bmc_cert_pins', 'node_power_states']);
    for (const t of tables) expect(t.sql).toMatch(/STRICT/);
  });

  it('keeps one pin per BMC endpoint and rejects what is not a SHA-256 fingerprint', () => {
    open();
    migrate(db, [migration0001, migration0003]);
    const insert = db.prepare('INSERT INTO bmc_cert_pins (host, port, fingerprint, pinned_at) VALUES (?, ?, ?, ?)');
    insert.run('10.0.0.1', 443, FP, 'now');
    insert.run('10.0.0.1', 8443, FP, 'now');
    expect(() => insert.run('10.0.0.1', 443, FP, 'now')).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => insert.run('10.0.0.2', 443, 'abcd', 'now')).toThrow(/CHECK/);
    expect(() => insert.run('10.0.0.2', 70000, FP, 'now')).toThrow(/CHECK/);
    expect(() => insert.run('10.0.0.2', '443', FP, 'now')).not.toThrow(); // STRICT converts a lossless text integer
    expect(() => insert.run('10.0.0.3', 'https', FP, 'now')).toThrow(/cannot store TEXT/);
  });

  it('stores on/off per node and forgets it when the node is removed', () => {
    open();
    migrate(db, [migration0001, migration0003]);
    db.prepare("INSERT INTO nodes (id, name, hostname, created_at, updated_at) VALUES (1, 'n1', '10.0.0.1', 'now', 'now')").run();
    const put = db.prepare('INSERT OR REPLACE INTO node_power_states (node_id, state, checked_at) VALUES (?, ?, ?)');
    put.run(1, 'on', 'now');
    put.run(1, 'off', 'later');
    expect(db.prepare('SELECT state, checked_at FROM node_power_states').all()).toEqual([{ state: 'off', checked_at: 'later' }]);
    expect(() => put.run(1, 'maybe', 'now')).toThrow(/CHECK/);
    expect(() => put.run(99, 'on', 'now')).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM nodes WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) FROM node_power_states').pluck().get()).toBe(0);
  });

  it('is applied once on a database that already had 0001', () => {
    open();
    expect(migrate(db, [migration0001])).toBe(1);
    db.prepare("INSERT INTO groups (name, created_at) VALUES ('g', 'now')").run();
    expect(migrate(db, [migration0001, migration0003])).toBe(3);
    expect(migrate(db, [migration0001, migration0003])).toBe(3);
    expect(db.prepare('SELECT count(*) FROM groups').pluck().get()).toBe(1);
  });
});
