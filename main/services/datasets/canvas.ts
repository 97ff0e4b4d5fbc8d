// What the annotation canvas reads and writes: one image's annotations, the image itself as a
// data: URL, and single-annotation saves. Each save is its own committed transaction, so the UI
// may say "saved" as soon as the call returns.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { DatasetsService } from '../../../shared/contract/services';
import type { AnnotatedImage, CanvasAnnotation } from '../../../shared/contract/schemas/datasets';
import { AppError } from '../../../shared/errors';
import { nowIso } from '../../store/db';
import type { AuditLog } from '../audit/auditLog';
import type { DatasetRepo } from './repo';
import { outsideImage } from './formats/coco';
import { polygonsBbox, type Bbox } from './formats';
import { openImage, TILE_ABOVE, TILE_SIZE, type Pyramid, type PyramidCache } from './images';

type CanvasMethods = Pick<DatasetsService, 'annotations' | 'imageView' | 'imageTile' | 'saveAnnotation' | 'deleteAnnotations' | 'setStatus'>;

interface ImageRowDb { id: number; file: string; width: number | null; height: number | null; status: AnnotatedImage['status'] }

export function canvasMethods(repo: DatasetRepo, audit: AuditLog, pyramids: PyramidCache): CanvasMethods {
  const { db } = repo;

  function imageOf(name: string, file: string): { root: string; datasetId: number; image: ImageRowDb } {
    const d = repo.byName(name);
    const image = db.prepare('SELECT id, file, width, height, status FROM dataset_images WHERE dataset_id = ? AND file = ?').get(d.id, file) as ImageRowDb | undefined;
    if (!image) throw new AppError('DATASET_IMAGE_NOT_FOUND', `Dataset "${name}" has no image ${file}.`, { name, file });
    return { root: d.root, datasetId: d.id, image };
  }

  /** The image's file, which must exist and have a size. */
  function readable(name: string, file: string): { full: string; image: ImageRowDb } {
    const { root, image } = imageOf(name, file);
    const full = path.join(root, file);
    if (!fs.existsSync(full)) throw new AppError('DATASET_IMAGE_MISSING', `The image ${full} is gone (moved or deleted?).`, { path: full });
    if (!image.width || !image.height) throw new AppError('DATASET_IMAGE_UNREADABLE', `Cannot read ${full}.`, { path: full });
    return { full, image };
  }

  // What a tile needs of its image (the file, its size, its pyramid), kept per image for a few seconds:
  // a view asks for dozens of tiles at once, and each would read the database and stat the file again.
  const tileSources = new Map<string, { at: number; full: string; pyramid: Promise<Pyramid> }>();
  const TILE_SOURCE_MS = 10_000;
  function tileSource(name: string, file: string) {
    const key = `${name}\0${file}`, now = Date.now();
    const have = tileSources.get(key);
    if (have && now - have.at < TILE_SOURCE_MS) return have;
    const { full, image } = readable(name, file);
    const source = { at: now, full, pyramid: pyramids.get(full, image.width!, image.height!) };
    source.pyramid.catch(() => tileSources.delete(key)); // a failed build is tried again next time
    if (tileSources.size >= 64) tileSources.clear();
    tileSources.set(key, source);
    return source;
  }

  return {
    annotations({ name, file }) {
      const { datasetId, image } = imageOf(name, file);
      const rows = db.prepare(`SELECT a.id, l.name AS label, a.geometry, a.iscrowd, a.hidden, a.locked FROM dataset_annotations a
        JOIN dataset_labels l ON l.id = a.label_id WHERE a.image_id = ? ORDER BY a.id`).all(image.id) as { id: number; label: string; geometry: string; iscrowd: number; hidden: number; locked: number }[];
      const annotations: CanvasAnnotation[] = rows.map((r) => {
        const g = JSON.parse(r.geometry) as { bbox?: Bbox; polygons?: number[][] };
        return { id: r.id, label: r.label, bbox: g.bbox ?? null, polygons: g.polygons ?? null, iscrowd: r.iscrowd === 1, hidden: r.hidden === 1, locked: r.locked === 1 };
      });
      const neighbour = (op: '<' | '>') => (db.prepare(`SELECT file FROM dataset_images WHERE dataset_id = ? AND file ${op} ? ORDER BY file ${op === '<' ? 'DESC' : 'ASC'} LIMIT 1`).pluck().get(datasetId, file) as string | undefined) ?? null;
      return { file, width: image.width, height: image.height, status: image.status, annotations, previous: neighbour('<'), next: neighbour('>') };
    },

    async imageView({ name, file }) {
      const { full, image } = readable(name, file);
      const { width, height } = image as { width: number; height: number };
      if (Math.max(width, height) <= TILE_ABOVE) {
        try {
          // JPEG, PNG and WebP go as they are (exact pixels, no re-encoding) unless an EXIF
          // orientation would make the browser turn them; the rest is converted to PNG.
          const meta = path.extname(full).toLowerCase() === '.bmp' ? null : await sharp(full).metadata();
          const native = meta && (meta.format === 'jpeg' || meta.format === 'png' || meta.format === 'webp') && !(meta.orientation && meta.orientation > 1);
          const buf = native ? fs.readFileSync(full) : await openImage(full).png().toBuffer();
          const mime = native ? `image/${meta!.format}` : 'image/png';
          return { width, height, tiled: false, tileSize: TILE_SIZE, maxLevel: 0, overview: { dataUrl: `data:${mime};base64,${buf.toString('base64')}`, scale: 1 } };
        } catch (e) {
          throw new AppError('DATASET_IMAGE_UNREADABLE', `Cannot read ${full}: ${(e as Error).message.split('\n')[0]}`, { path: full });
        }
      }
      try {
        const p = await pyramids.get(full, width, height);
        const overview = fs.readFileSync(path.join(p.dir, 'overview.jpg'));
        return { width, height, tiled: true, tileSize: TILE_SIZE, maxLevel: p.maxLevel, overview: { dataUrl: `data:image/jpeg;base64,${overview.toString('base64')}`, scale: p.overviewScale } };
      } catch (e) {
        throw new AppError('DATASET_IMAGE_UNREADABLE', `Cannot read ${full}: ${(e as Error).message.split('\n')[0]}`, { path: full });
      }
    },

    async imageTile({ name, file, level, col, row }) {
      const p = await tileSource(name, file).pyramid;
      if (level > p.maxLevel) throw new AppError('DATASET_TILE_NOT_FOUND', `${file} has no tile level ${level} (levels 0–${p.maxLevel}).`, { file, level, col, row });
      const buf = pyramids.tile(p, level, col, row);
      if (!buf) throw new AppError('DATASET_TILE_NOT_FOUND', `${file} has no tile ${col},${row} at level ${level}.`, { file, level, col, row });
      return { dataUrl: `data:image/jpeg;base64,${buf.toString('base64')}` };
    },

    saveAnnotation(actor, input) {
      const { datasetId, image } = imageOf(input.name, input.file);
      const labelId = db.prepare('SELECT id FROM dataset_labels WHERE dataset_id = ? AND name = ?').pluck().get(datasetId, input.label) as number | undefined;
      if (labelId === undefined) throw new AppError('DATASET_LABEL_NOT_FOUND', `Dataset "${input.name}" has no label "${input.label}".`, { label: input.label });
      const bbox = input.bbox ?? (input.polygons ? polygonsBbox(input.polygons) : null);
      const outside = bbox && outsideImage(bbox, { file: input.file, width: image.width, height: image.height });
      if (outside) throw new AppError('DATASET_BOX_OUTSIDE', `The ${outside}.`, { file: input.file });
      const geometry = JSON.stringify({ bbox: bbox ?? undefined, polygons: input.polygons ?? undefined });
      const now = nowIso();
      return audit.record(actor, { module: 'datasets', action: input.id === null ? 'annotate-add' : 'annotate-edit', targets: `${input.name}:${input.file}`, params: { label: input.label, bbox } }, () =>
        db.transaction(() => {
          let id = input.id;
          if (id === null) {
            id = Number(db.prepare(`INSERT INTO dataset_annotations (image_id, label_id, geometry, bbox_x, bbox_y, bbox_w, bbox_h, hidden, locked, updated_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(image.id, labelId, geometry, bbox?.[0] ?? null, bbox?.[1] ?? null, bbox?.[2] ?? null, bbox?.[3] ?? null, input.hidden ? 1 : 0, input.locked ? 1 : 0, now).lastInsertRowid);
          } else {
            const was = db.prepare('SELECT geometry, locked FROM dataset_annotations WHERE id = ? AND image_id = ?').get(id, image.id) as { geometry: string; locked: number } | undefined;
            const old = was ? (JSON.parse(was.geometry) as { bbox?: unknown; polygons?: unknown }) : {};
            const reshaped = !was || JSON.stringify({ bbox: old.bbox, polygons: old.polygons }) !== geometry;
            if (was?.locked === 1 && input.locked && reshaped) {
              throw new AppError('DATASET_ANNOTATION_LOCKED', `Annotation ${id} is locked; unlock it (L) before moving or reshaping it.`, { id });
            }
            // A relabel, hide or lock keeps the stored geometry whole (an imported RLE mask, its area); a new shape
            // replaces it, and the stored area (which COCO export prefers) no longer describes it.
            const r = db.prepare(`UPDATE dataset_annotations SET label_id = ?, geometry = ?, bbox_x = ?, bbox_y = ?, bbox_w = ?, bbox_h = ?, hidden = ?, locked = ?, updated_at = ?,
              area = CASE WHEN ? THEN NULL ELSE area END WHERE id = ? AND image_id = ?`)
              .run(labelId, reshaped ? geometry : was!.geometry, bbox?.[0] ?? null, bbox?.[1] ?? null, bbox?.[2] ?? null, bbox?.[3] ?? null, input.hidden ? 1 : 0, input.locked ? 1 : 0, now, reshaped ? 1 : 0, id, image.id);
            if (r.changes !== 1) throw new AppError('DATASET_ANNOTATION_NOT_FOUND', `Annotation ${id} is not on ${input.file}.`, { id });
          }
          repo.refreshStatus({ imageId: image.id, at: now });
          repo.touch(datasetId);
          return { id, savedAt: now };
        })(),
      );
    },

    deleteAnnotations(actor, input) {
      const d = repo.byName(input.name);
      return audit.record(actor, { module: 'datasets', action: 'annotate-delete', targets: input.name, params: { ids: input.ids } }, () =>
        db.transaction(() => {
          const images = new Set<number>();
          let deleted = 0;
          const find = db.prepare('SELECT a.image_id FROM dataset_annotations a JOIN dataset_images i ON i.id = a.image_id WHERE a.id = ? AND i.dataset_id = ?').pluck();
          for (const id of input.ids) {
            const imageId = find.get(id, d.id) as number | undefined;
            if (imageId === undefined) continue;
            deleted += db.prepare('DELETE FROM dataset_annotations WHERE id = ?').run(id).changes;
            images.add(imageId);
          }
          const at = nowIso();
          for (const i of images) repo.refreshStatus({ imageId: i, at });
          repo.touch(d.id);
          return { deleted };
        })(),
      );
    },

    setStatus(actor, input) {
      const { datasetId, image } = imageOf(input.name, input.file);
      audit.record(actor, { module: 'datasets', action: 'status', targets: `${input.name}:${input.file}`, params: { status: input.status } }, () => {
        db.prepare('UPDATE dataset_images SET status = ?, updated_at = ? WHERE id = ?').run(input.status, nowIso(), image.id);
        repo.touch(datasetId);
      });
      return { status: input.status };
    },
  };
}
