// SQL for datasets: rows in and out of the one model (formats/model.ts). Everything that writes
// runs inside a transaction the caller opens, so a change is committed whole or not at all.
import type { Db } from '../../store/db';
import { nowIso } from '../../store/db';
import { AppError } from '../../../shared/errors';
import type { DatasetSummary, LabelDef } from '../../../shared/contract/schemas/datasets';
import type { DsAnnotation, DsData, DsImage } from './formats';
import { LABEL_PALETTE, type IMAGE_STATUSES } from '../../../shared/contract/schemas/datasets';

type ImageStatus = (typeof IMAGE_STATUSES)[number];

/** An image's status from its annotations: with any it is labeled (unless someone reviewed it), with none unlabeled. */
const STATUS_FROM_ANNOTATIONS = `CASE WHEN EXISTS (SELECT 1 FROM dataset_annotations a WHERE a.image_id = dataset_images.id)
  THEN CASE status WHEN 'reviewed' THEN 'reviewed' ELSE 'labeled' END ELSE 'unlabeled' END`;

export interface DatasetRow { id: number; name: string; kind: DatasetSummary['kind']; root: string; description: string; created_at: string; updated_at: string }


export class DatasetRepo {
  constructor(readonly db: Db) {}

  find(name: string): DatasetRow | undefined {
    return this.db.prepare('SELECT * FROM datasets WHERE name = ?').get(name) as DatasetRow | undefined;
  }

  byName(name: string): DatasetRow {
    const row = this.find(name);
    if (!row) throw new AppError('DATASET_NOT_FOUND', `No dataset named "${name}".`, { name });
    return row;
  }

  summaries(): DatasetSummary[] {
    const rows = this.db.prepare(`
      SELECT d.*,
        (SELECT count(*) FROM dataset_images i WHERE i.dataset_id = d.id) AS images,
        (SELECT coalesce(sum(bytes), 0) FROM dataset_images i WHERE i.dataset_id = d.id) AS bytes,
        (SELECT count(*) FROM dataset_annotations a JOIN dataset_images i ON i.id = a.image_id WHERE i.dataset_id = d.id) AS annotations,
        (SELECT count(*) FROM dataset_versions v WHERE v.dataset_id = d.id) AS versions,
        (SELECT max(v.number) FROM dataset_versions v JOIN dataset_publications p ON p.version_id = v.id WHERE v.dataset_id = d.id) AS published
      FROM datasets d ORDER BY d.name`).all() as (DatasetRow & { images: number; bytes: number; annotations: number; versions: number; published: number | null })[];
    const labels = this.db.prepare(`
      SELECT l.name, l.color, l.hotkey, (SELECT count(*) FROM dataset_annotations a WHERE a.label_id = l.id) AS annotations
      FROM dataset_labels l WHERE l.dataset_id = ? ORDER BY l.position`);
    return rows.map((r) => ({
      name: r.name, kind: r.kind, root: r.root, description: r.description, images: r.images, annotations: r.annotations,
      bytes: r.bytes, updatedAt: r.updated_at, published: r.published, versions: r.versions,
      labels: labels.all(r.id) as DatasetSummary['labels'],
    }));
  }

  summary(name: string): DatasetSummary {
    const s = this.summaries().find((d) => d.name === name);
    if (!s) throw new AppError('DATASET_NOT_FOUND', `No dataset named "${name}".`, { name });
    return s;
  }

  insertDataset(name: string, kind: string, root: string, description: string): number {
    const now = nowIso();
    return Number(this.db.prepare('INSERT INTO datasets (name, kind, root, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(name, kind, root, description, now, now).lastInsertRowid);
  }

  touch(id: number): void {
    this.db.prepare('UPDATE datasets SET updated_at = ? WHERE id = ?').run(nowIso(), id);
  }

  /** Label ids by name, adding missing labels (with a palette color) at the end. */
  ensureLabels(datasetId: number, labels: { name: string; id: number | null; color?: string; hotkey?: string | null }[]): Map<string, number> {
    const existing = new Map((this.db.prepare('SELECT id, name FROM dataset_labels WHERE dataset_id = ?').all(datasetId) as { id: number; name: string }[]).map((r) => [r.name, r.id]));
    let pos = Number(this.db.prepare('SELECT coalesce(max(position) + 1, 0) FROM dataset_labels WHERE dataset_id = ?').pluck().get(datasetId));
    const insert = this.db.prepare('INSERT INTO dataset_labels (dataset_id, name, color, hotkey, source_id, position) VALUES (?, ?, ?, ?, ?, ?)');
    const setSource = this.db.prepare('UPDATE dataset_labels SET source_id = coalesce(source_id, ?) WHERE id = ?');
    for (const l of labels) {
      const id = existing.get(l.name);
      if (id !== undefined) {
        if (l.id !== null) setSource.run(l.id, id);
        continue;
      }
      const color = l.color ?? LABEL_PALETTE[pos % LABEL_PALETTE.length];
      existing.set(l.name, Number(insert.run(datasetId, l.name, color, l.hotkey ?? null, l.id, pos++).lastInsertRowid));
    }
    return existing;
  }

  /**
   * Brings image statuses in line with their annotations after annotations were added or deleted:
   * one image (its change time set to `at`; returns its status) or every image of a dataset.
   */
  refreshStatus(scope: { imageId: number; at: string } | { datasetId: number }): ImageStatus | undefined {
    if ('datasetId' in scope) {
      this.db.prepare(`UPDATE dataset_images SET status = ${STATUS_FROM_ANNOTATIONS} WHERE dataset_id = ?`).run(scope.datasetId);
      return undefined;
    }
    return this.db.prepare(`UPDATE dataset_images SET updated_at = ?, status = ${STATUS_FROM_ANNOTATIONS} WHERE id = ? RETURNING status`).pluck().get(scope.at, scope.imageId) as ImageStatus;
  }

  setLabels(datasetId: number, labels: LabelDef[]): void {
    const keep = new Set(labels.map((l) => l.name));
    for (const r of this.db.prepare('SELECT id, name FROM dataset_labels WHERE dataset_id = ?').all(datasetId) as { id: number; name: string }[]) {
      if (!keep.has(r.name)) this.db.prepare('DELETE FROM dataset_labels WHERE id = ?').run(r.id);
    }
    this.db.prepare('UPDATE dataset_labels SET hotkey = NULL WHERE dataset_id = ?').run(datasetId);
    const ids = this.ensureLabels(datasetId, labels.map((l) => ({ name: l.name, id: null })));
    const upd = this.db.prepare('UPDATE dataset_labels SET color = ?, hotkey = ?, position = ? WHERE id = ?');
    labels.forEach((l, i) => upd.run(l.color, l.hotkey, i, ids.get(l.name)));
  }

  /** Image ids by file, adding the missing ones. */
  ensureImages(datasetId: number, images: (DsImage & { bytes?: number; error?: string | null })[]): Map<string, number> {
    const existing = new Map((this.db.prepare('SELECT id, file FROM dataset_images WHERE dataset_id = ?').all(datasetId) as { id: number; file: string }[]).map((r) => [r.file, r.id]));
    const insert = this.db.prepare('INSERT INTO dataset_images (dataset_id, file, width, height, bytes, error, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const now = nowIso();
    for (const im of images) {
      if (existing.has(im.file)) continue;
      existing.set(im.file, Number(insert.run(datasetId, im.file, im.width, im.height, im.bytes ?? 0, im.error ?? null, now).lastInsertRowid));
    }
    return existing;
  }

  clearAnnotations(datasetId: number): void {
    this.db.prepare('DELETE FROM dataset_annotations WHERE image_id IN (SELECT id FROM dataset_images WHERE dataset_id = ?)').run(datasetId);
  }

  insertAnnotations(datasetId: number, imageIds: Map<string, number>, labelIds: Map<string, number>, annotations: DsAnnotation[]): void {
    const insert = this.db.prepare(`INSERT INTO dataset_annotations (image_id, label_id, geometry, bbox_x, bbox_y, bbox_w, bbox_h, iscrowd, area, source_id, raw, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const now = nowIso();
    for (const a of annotations) {
      const geometry = JSON.stringify({ bbox: a.bbox ?? undefined, polygons: a.polygons ?? undefined, rle: a.rle ?? undefined });
      const b = a.bbox;
      insert.run(imageIds.get(a.image), labelIds.get(a.label), geometry, b?.[0] ?? null, b?.[1] ?? null, b?.[2] ?? null, b?.[3] ?? null,
        a.iscrowd ? 1 : 0, a.area, a.sourceId, a.raw ? JSON.stringify(a.raw) : null, now);
    }
    this.refreshStatus({ datasetId });
  }

  /** The whole dataset in the format model, images and annotations in a stable order. */
  load(datasetId: number): DsData {
    const labels = (this.db.prepare('SELECT name, source_id AS id FROM dataset_labels WHERE dataset_id = ? ORDER BY position').all(datasetId) as { name: string; id: number | null }[]);
    const images = this.db.prepare('SELECT file, width, height FROM dataset_images WHERE dataset_id = ? ORDER BY id').all(datasetId) as DsImage[];
    const rows = this.db.prepare(`SELECT i.file AS image, l.name AS label, a.geometry, a.iscrowd, a.area, a.source_id, a.raw
      FROM dataset_annotations a JOIN dataset_images i ON i.id = a.image_id JOIN dataset_labels l ON l.id = a.label_id
      WHERE i.dataset_id = ? ORDER BY a.id`).all(datasetId) as { image: string; label: string; geometry: string; iscrowd: number; area: number | null; source_id: number | null; raw: string | null }[];
    const annotations = rows.map((r): DsAnnotation => {
      const g = JSON.parse(r.geometry) as Partial<Pick<DsAnnotation, 'bbox' | 'polygons' | 'rle'>>;
      return { image: r.image, label: r.label, bbox: g.bbox ?? null, polygons: g.polygons ?? null, rle: g.rle ?? null, iscrowd: r.iscrowd === 1, area: r.area, sourceId: r.source_id, raw: r.raw ? JSON.parse(r.raw) : null };
    });
    return { labels, images, annotations };
  }
}
