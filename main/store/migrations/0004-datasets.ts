import type { Migration } from './types';

// Image datasets. Images stay where the user keeps them: a dataset records its folder (`root`)
// and each image's path inside it. Annotation geometry is JSON (box, polygons or RLE) with the
// box also in columns for queries; `raw` keeps the source format's numbers as written, so an
// unedited annotation exports character for character. Versions are immutable snapshots
// (gzipped JSON of the whole dataset); triggers refuse to change or delete them.
export const migration0004: Migration = {
  version: 4,
  name: 'datasets',
  up: `
    CREATE TABLE datasets (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
      kind TEXT NOT NULL CHECK (kind IN ('classification', 'multilabel', 'detection', 'segmentation')),
      root TEXT NOT NULL,
      description TEXT NOT NULL DEFAULT '',
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE dataset_labels (
      id INTEGER PRIMARY KEY,
      dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
      name TEXT NOT NULL CHECK (length(name) >= 1),
      color TEXT NOT NULL DEFAULT '#1677ff',
      hotkey TEXT,
      source_id INTEGER,
      position INTEGER NOT NULL,
      UNIQUE (dataset_id, name)
    ) STRICT;
    CREATE UNIQUE INDEX dataset_labels_hotkey ON dataset_labels (dataset_id, hotkey) WHERE hotkey IS NOT NULL;

    CREATE TABLE dataset_images (
      id INTEGER PRIMARY KEY,
      dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
      file TEXT NOT NULL,
      width INTEGER,
      height INTEGER,
      bytes INTEGER NOT NULL DEFAULT 0,
      status TEXT NOT NULL DEFAULT 'unlabeled' CHECK (status IN ('unlabeled', 'labeled', 'reviewed')),
      error TEXT,
      updated_at TEXT NOT NULL,
      UNIQUE (dataset_id, file)
    ) STRICT;

    CREATE TABLE dataset_annotations (
      id INTEGER PRIMARY KEY,
      image_id INTEGER NOT NULL REFERENCES dataset_images(id) ON DELETE CASCADE,
      label_id INTEGER NOT NULL REFERENCES dataset_labels(id) ON DELETE CASCADE,
      geometry TEXT NOT NULL DEFAULT '{}',
      bbox_x REAL, bbox_y REAL, bbox_w REAL, bbox_h REAL,
      iscrowd INTEGER NOT NULL DEFAULT 0 CHECK (iscrowd IN (0, 1)),
      area REAL,
      source_id INTEGER,
      raw TEXT,
      hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
      locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
      updated_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX dataset_annotations_image ON dataset_annotations (image_id);
    CREATE INDEX dataset_annotations_label ON dataset_annotations (label_id);

    CREATE TABLE dataset_versions (
      id INTEGER PRIMARY KEY,
      dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
      number INTEGER NOT NULL CHECK (number >= 1),
      parent INTEGER,
      message TEXT NOT NULL DEFAULT '',
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL DEFAULT '',
      counts TEXT NOT NULL,
      diff TEXT NOT NULL,
      snapshot BLOB NOT NULL,
      UNIQUE (dataset_id, number)
    ) STRICT;
    CREATE TRIGGER dataset_versions_immutable BEFORE UPDATE ON dataset_versions
      BEGIN SELECT RAISE(ABORT, 'dataset versions are immutable'); END;

    CREATE TABLE dataset_publications (
      id INTEGER PRIMARY KEY,
      version_id INTEGER NOT NULL REFERENCES dataset_versions(id) ON DELETE CASCADE,
      format TEXT NOT NULL CHECK (format IN ('coco', 'voc', 'yolo', 'folder')),
      path TEXT NOT NULL,
      bytes INTEGER NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE dataset_queries (
      id INTEGER PRIMARY KEY,
      dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
      name TEXT NOT NULL CHECK (length(name) >= 1),
      query TEXT NOT NULL,
      created_at TEXT NOT NULL,
      UNIQUE (dataset_id, name)
    ) STRICT;
  `,
};
