import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../../main/store/db';
import { migration0001 } from '../../../main/store/migrations/0001-initial';
import { migration0004 } from '../../../main/store/migrations/0004-datasets';

describe('migration 0004-datasets', () => {
  let db: Database.Database;
  afterEach(() => db?.close());
  const open = () => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [migration0001, migration0004]);
    return db;
  };
  const seed = () => {
    db.prepare("INSERT INTO datasets (id, name, kind, root, created_at, updated_at) VALUES (1, 'd', 'detection', '/x', 'now', 'now')").run();
    db.prepare("INSERT INTO dataset_labels (id, dataset_id, name, hotkey, position) VALUES (1, 1, 'cat', '1', 0)").run();
    db.prepare("INSERT INTO dataset_images (id, dataset_id, file, width, height, updated_at) VALUES (1, 1, 'a.jpg', 10, 10, 'now')").run();
    db.prepare("INSERT INTO dataset_annotations (image_id, label_id, geometry, updated_at) VALUES (1, 1, '{}', 'now')").run();
  };

  it('adds the dataset tables as STRICT tables and sets user_version 4', () => {
    open();
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name LIKE 'dataset%'").all() as { name: string; sql: string }[];
    expect(tables.map((t) => t.name).sort()).toEqual(['dataset_annotations', 'dataset_images', 'dataset_labels', 'dataset_publications', 'dataset_queries', 'dataset_versions', 'datasets']);
    for (const t of tables) expect(t.sql).toMatch(/STRICT/);
  });

  it('checks kinds, statuses, unique names and hotkeys, and cascades deletes', () => {
    open();
    seed();
    expect(() => db.prepare("INSERT INTO datasets (name, kind, root, created_at, updated_at) VALUES ('e', 'video', '/x', 'now', 'now')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO dataset_labels (dataset_id, name, hotkey, position) VALUES (1, 'dog', '1', 1)").run()).toThrow(/UNIQUE/);
    expect(() => db.prepare("UPDATE dataset_images SET status = 'done'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO dataset_images (dataset_id, file, updated_at) VALUES (1, 'a.jpg', 'now')").run()).toThrow(/UNIQUE/);
    db.prepare('DELETE FROM datasets WHERE id = 1').run();
    for (const t of ['dataset_labels', 'dataset_images', 'dataset_annotations']) expect(db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()).toBe(0);
  });

  it('refuses to change a version once written', () => {
    open();
    seed();
    db.prepare("INSERT INTO dataset_versions (dataset_id, number, created_at, counts, diff, snapshot) VALUES (1, 1, 'now', '{}', '{}', x'00')").run();
    expect(() => db.prepare("UPDATE dataset_versions SET message = 'x'").run()).toThrow(/immutable/);
    expect(() => db.prepare("INSERT INTO dataset_versions (dataset_id, number, created_at, counts, diff, snapshot) VALUES (1, 1, 'now', '{}', '{}', x'00')").run()).toThrow(/UNIQUE/);
  });

  it('is applied once on a database that already had 0001', () => {
    db = new Database(':memory:');
    expect(migrate(db, [migration0001])).toBe(1);
    expect(migrate(db, [migration0001, migration0004])).toBe(4);
    expect(migrate(db, [migration0001, migration0004])).toBe(4);
  });
});
