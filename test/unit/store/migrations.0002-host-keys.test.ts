import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../../main/store/db';
import { migration0001 } from '../../../main/store/migrations/0001-initial';
import { migration0002 } from '../../../main/store/migrations/0002-host-keys';

describe('migration 0002-host-keys', () => {
  let db: Database.Database;
  afterEach(() => db?.close());

  it('adds host_keys as a STRICT table on top of 0001 and sets user_version 2', () => {
    db = new Database(':memory:');
    expect(migrate(db, [migration0001, migration0002])).toBe(2);
    const sql = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'host_keys'").pluck().get() as string;
    expect(sql).toMatch(/STRICT/);
    const cols = (db.prepare('PRAGMA table_info(host_keys)').all() as { name: string; pk: number }[]);
    expect(cols.map((c) => c.name)).toEqual(['host', 'port', 'key_type', 'public_key', 'fingerprint', 'added_at']);
    expect(cols.filter((c) => c.pk > 0).map((c) => c.name)).toEqual(['host', 'port', 'key_type']);
  });

  it('upgrades a version-1 database that already holds data', () => {
    db = new Database(':memory:');
    migrate(db, [migration0001]);
    db.prepare("INSERT INTO groups (name, created_at) VALUES ('g', 'now')").run();
    expect(migrate(db, [migration0001, migration0002])).toBe(2);
    expect(db.prepare('SELECT count(*) FROM groups').pluck().get()).toBe(1);
  });

  it('keeps one key per host, port and type, and enforces types and the port range', () => {
    db = new Database(':memory:');
    migrate(db, [migration0001, migration0002]);
    const insert = db.prepare('INSERT INTO host_keys (host, port, key_type, public_key, fingerprint, added_at) VALUES (?, ?, ?, ?, ?, ?)');
    insert.run('10.0.0.1', 22, 'ssh-ed25519', Buffer.from([1, 2]), 'SHA256:x', 'now');
    insert.run('10.0.0.1', 22, 'ssh-rsa', Buffer.from([3]), 'SHA256:y', 'now');
    insert.run('10.0.0.1', 2222, 'ssh-ed25519', Buffer.from([4]), 'SHA256:z', 'now');
    expect(() => insert.run('10.0.0.1', 22, 'ssh-ed25519', Buffer.from([5]), 'SHA256:w', 'now')).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => insert.run('h', 'twenty-two', 'ssh-ed25519', Buffer.from([5]), 'f', 'now')).toThrow(/cannot store TEXT/);
    expect(() => insert.run('h', 0, 'ssh-ed25519', Buffer.from([5]), 'f', 'now')).toThrow(/CHECK/);
    expect(() => insert.run('h', 22, 'ssh-ed25519', 'not a blob', 'f', 'now')).toThrow(/cannot store TEXT/);
  });

  it('is applied once: running migrate again changes nothing', () => {
    db = new Database(':memory:');
    migrate(db, [migration0001, migration0002]);
    db.prepare("INSERT INTO host_keys VALUES ('h', 22, 't', x'00', 'f', 'now')").run();
    expect(migrate(db, [migration0001, migration0002])).toBe(2);
    expect(db.prepare('SELECT count(*) FROM host_keys').pluck().get()).toBe(1);
  });
});
