// Datasets: folders of images recorded where they are, annotations in SQLite, formats in and
// out, immutable versions. Every change goes through the audit log and one transaction.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DatasetsService, FilesService } from '../../../shared/contract/services';
import type { Actor } from '../../../shared/contract/trpc';
import type { DatasetSummary, ImageRow, Version } from '../../../shared/contract/schemas/datasets';
import { AppError } from '../../../shared/errors';
import type { Db } from '../../store/db';
import { nowIso } from '../../store/db';
import type { AuditLog } from '../audit/auditLog';
import { DatasetRepo } from './repo';
import { findImages, mapLimit, probeImage, PyramidCache, ThumbnailCache, TILE_ABOVE } from './images';
import { labelMethods } from './labels';
import { placeImages, readFromDisk } from './importer';
import { exportEntries, writeEntries } from './exporter';
import { compileQuery } from './query';
import { computeStats } from './stats';
import { counts, diff, packSnapshot, unpackSnapshot } from './versions';
import { writeZip } from './zip';
import { canvasMethods } from './canvas';
import type { DsData } from './formats';

export interface DatasetsDeps {
  db: Db; audit: AuditLog; dataDir: string;
  /** SFTP upload (the files service) for publishing to a node. */
  upload: FilesService['upload'];
}

interface VersionRow { id: number; number: number; parent: number | null; message: string; created_at: string; created_by: string; counts: string; diff: string; snapshot: Buffer }

function emptyOrMissing(dir: string): void {
  if (fs.existsSync(dir) && (!fs.statSync(dir).isDirectory() || fs.readdirSync(dir).length > 0)) {
    throw new AppError('DATASET_EXPORT_NOT_EMPTY', `${dir} is not an empty folder; export into a new or empty one.`, { path: dir });
  }
}

export function createDatasetsService(deps: DatasetsDeps): DatasetsService & { repo: DatasetRepo } {
  const { db, audit } = deps;
  const repo = new DatasetRepo(db);
  const thumbs = new ThumbnailCache(path.join(deps.dataDir, 'cache', 'thumbnails'));
  const pyramids = new PyramidCache(path.join(deps.dataDir, 'cache', 'pyramids'));

  /** Large images get their tile pyramid in the background, so they open for drawing at once later. */
  function prepareLarge(root: string, images: { file: string; width: number | null; height: number | null }[]): void {
    pyramids.prepare(images.filter((im) => im.width && im.height && Math.max(im.width, im.height) > TILE_ABOVE)
      .map((im) => ({ file: path.join(root, im.file), width: im.width!, height: im.height! })));
  }

  function versionRows(datasetId: number): VersionRow[] {
    return db.prepare('SELECT * FROM dataset_versions WHERE dataset_id = ? ORDER BY number').all(datasetId) as VersionRow[];
  }

  /** A version as a zip in `format` at `out`: checked now, written by `write()`. */
  function zipVersion(name: string, version: number, format: Parameters<typeof exportEntries>[1], out: string) {
    const { data, root, datasetId } = dataOf(name, version);
    const { entries, warnings } = exportEntries(data, format, root, true);
    const v = db.prepare('SELECT id FROM dataset_versions WHERE dataset_id = ? AND number = ?').get(datasetId, version) as { id: number };
    const zip = { versionId: v.id, bytes: 0, files: entries.length, warnings, write: () => {
      fs.mkdirSync(path.dirname(out), { recursive: true });
      zip.bytes = writeZip(out, entries.map((e) => ({ name: e.name, data: e.text !== undefined ? Buffer.from(e.text) : fs.readFileSync(e.from!) })));
    } };
    return zip;
  }

  function recordPublication(versionId: number, format: string, where: string, bytes: number): void {
    db.prepare('INSERT INTO dataset_publications (version_id, format, path, bytes, created_at) VALUES (?, ?, ?, ?, ?)').run(versionId, format, where, bytes, nowIso());
  }

  function toVersion(r: VersionRow): Version {
    const published = db.prepare('SELECT format, path, bytes, created_at AS createdAt FROM dataset_publications WHERE version_id = ? ORDER BY id').all(r.id) as Version['published'];
    return { number: r.number, parent: r.parent, message: r.message, createdAt: r.created_at, createdBy: r.created_by, counts: JSON.parse(r.counts), diff: JSON.parse(r.diff), published };
  }

  /** The current data, or a version's snapshot. */
  function dataOf(name: string, version?: number): { data: DsData; root: string; datasetId: number } {
    const d = repo.byName(name);
    if (version === undefined) return { data: repo.load(d.id), root: d.root, datasetId: d.id };
    const row = db.prepare('SELECT snapshot FROM dataset_versions WHERE dataset_id = ? AND number = ?').get(d.id, version) as { snapshot: Buffer } | undefined;
    if (!row) throw new AppError('DATASET_VERSION_NOT_FOUND', `Dataset "${name}" has no version ${version}.`, { name, version });
    return { data: unpackSnapshot(row.snapshot), root: d.root, datasetId: d.id };
  }

  return {
    repo,
    ...canvasMethods(repo, audit, pyramids),
    ...labelMethods(repo, audit),
    list: () => repo.summaries(),
    pyramids: () => pyramids.progress(),
    get: (name) => repo.summary(name),

    async create(actor, input) {
      if (repo.find(input.name)) throw new AppError('DATASET_EXISTS', `A dataset named "${input.name}" already exists.`, { name: input.name });
      const keys = input.labels.map((l) => l.hotkey).filter((k) => k !== null);
      if (new Set(keys).size !== keys.length) throw new AppError('DATASET_HOTKEY_TWICE', 'Each hotkey may belong to one label only.');
      const root = path.resolve(input.folder);
      if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new AppError('DATASET_PATH_MISSING', `${root} is not a folder.`, { path: root });
      const files = findImages(root);
      const probed = await mapLimit(files, 4, (f) => probeImage(root, f, thumbs));
      const errors = probed.filter((p) => p.error).map((p) => ({ file: p.file, reason: p.error! }));
      audit.record(actor, { module: 'datasets', action: 'create', targets: input.name, params: { kind: input.kind, folder: root, images: files.length } }, () => {
        db.transaction(() => {
          const id = repo.insertDataset(input.name, input.kind, root, input.description);
          repo.setLabels(id, input.labels);
          repo.ensureImages(id, probed);
        })();
      }, () => ({ detail: `${files.length} images, ${errors.length} unreadable` }));
      prepareLarge(root, probed);
      return { dataset: repo.summary(input.name), errors };
    },

    remove(actor, name) {
      const d = repo.byName(name);
      audit.record(actor, { module: 'datasets', action: 'remove', targets: name }, () => db.prepare('DELETE FROM datasets WHERE id = ?').run(d.id));
      return { removed: true };
    },

    async importAnnotations(actor, input) {
      const existing = repo.find(input.name);
      const { result, imagesDir } = await readFromDisk({ format: input.format, annotations: input.annotations, images: input.images ?? (existing && input.format !== 'yolo' ? existing.root : undefined), yoloTask: input.yoloTask });
      const root = existing?.root ?? imagesDir;
      const images = await placeImages(result, imagesDir, root);
      const summary = { images: images.length, annotations: result.annotations.length, labels: result.labels.length, errors: result.errors };
      if (input.allOrNothing && result.errors.length > 0) {
        const id = audit.begin(actor, { module: 'datasets', action: 'import', targets: input.name, params: { format: input.format, allOrNothing: true } });
        audit.complete(id, 'failed', `${result.errors.length} errors; nothing imported`);
        return { imported: false, ...summary };
      }
      const kind = existing?.kind ?? input.kind ?? (input.format === 'folder' ? 'classification' : result.annotations.some((a) => a.polygons || a.rle) ? 'segmentation' : 'detection');
      audit.record(actor, { module: 'datasets', action: 'import', targets: input.name, params: { format: input.format, annotations: input.annotations, images: imagesDir, replace: input.replace } }, () =>
        db.transaction(() => {
          const id = existing?.id ?? repo.insertDataset(input.name, kind, root, '');
          const labelIds = repo.ensureLabels(id, result.labels);
          const imageIds = repo.ensureImages(id, images);
          if (input.replace) repo.clearAnnotations(id);
          repo.insertAnnotations(id, imageIds, labelIds, result.annotations);
          repo.touch(id);
        })(),
      () => ({ result: result.errors.length ? 'partial' : 'ok', detail: `${result.annotations.length} annotations on ${images.length} images, ${result.errors.length} errors` }));
      prepareLarge(root, images);
      return { imported: true, ...summary };
    },

    async exportAnnotations(actor, input) {
      const { data, root } = dataOf(input.name, input.version);
      const out = path.resolve(input.out);
      emptyOrMissing(out);
      const { entries, warnings } = exportEntries(data, input.format, root, input.copyImages);
      audit.record(actor, { module: 'datasets', action: 'export', targets: input.name, params: { format: input.format, out, version: input.version ?? null } }, () => writeEntries(out, entries));
      return { out, files: entries.length, images: data.images.length, annotations: data.annotations.length, warnings };
    },

    images(input) {
      const d = repo.byName(input.name);
      const q = compileQuery(input.query);
      const status = input.status ? ' AND i.status = ?' : '';
      const params = [d.id, ...q.params, ...(input.status ? [input.status] : [])];
      const total = Number(db.prepare(`SELECT count(*) FROM dataset_images i WHERE i.dataset_id = ? AND (${q.where})${status}`).pluck().get(...params));
      const items = db.prepare(`SELECT i.file, i.width, i.height, i.bytes, i.status, i.error,
          (SELECT count(*) FROM dataset_annotations a WHERE a.image_id = i.id) AS annotations
        FROM dataset_images i WHERE i.dataset_id = ? AND (${q.where})${status} ORDER BY i.file LIMIT ? OFFSET ?`).all(...params, input.limit, input.offset) as ImageRow[];
      return { total, items };
    },

    async thumbnail(input) {
      const d = repo.byName(input.name);
      const row = db.prepare('SELECT width, height FROM dataset_images WHERE dataset_id = ? AND file = ?').get(d.id, input.file) as { width: number | null; height: number | null } | undefined;
      if (!row) throw new AppError('DATASET_IMAGE_NOT_FOUND', `Dataset "${input.name}" has no image ${input.file}.`, { name: input.name, file: input.file });
      const full = path.join(d.root, input.file);
      if (!fs.existsSync(full)) throw new AppError('DATASET_IMAGE_MISSING', `The image ${full} is gone (moved or deleted?).`, { path: full });
      try {
        const buf = await thumbs.get(full, input.size);
        return { dataUrl: `data:image/webp;base64,${buf.toString('base64')}`, width: row.width, height: row.height };
      } catch (e) {
        throw new AppError('DATASET_IMAGE_UNREADABLE', `Cannot read ${full}: ${(e as Error).message}`, { path: full });
      }
    },

    stats(input) {
      const { data, datasetId } = dataOf(input.name, input.version);
      const statuses = Object.fromEntries((db.prepare('SELECT status, count(*) AS n FROM dataset_images WHERE dataset_id = ? GROUP BY status').all(datasetId) as { status: string; n: number }[]).map((r) => [r.status, r.n]));
      return computeStats(data, input.version === undefined ? statuses : {});
    },

    versions(name) {
      return versionRows(repo.byName(name).id).map(toVersion);
    },

    createVersion(actor, input) {
      const d = repo.byName(input.name);
      return audit.record(actor, { module: 'datasets', action: 'version', targets: input.name, params: { message: input.message } }, () =>
        db.transaction(() => {
          const rows = versionRows(d.id);
          const parent = rows.at(-1) ?? null;
          const data = repo.load(d.id);
          const number = (parent?.number ?? 0) + 1;
          db.prepare('INSERT INTO dataset_versions (dataset_id, number, parent, message, created_at, created_by, counts, diff, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
            d.id, number, parent?.number ?? null, input.message, nowIso(), actor.user,
            JSON.stringify(counts(data)), JSON.stringify(diff(parent ? unpackSnapshot(parent.snapshot) : null, data)), packSnapshot(data),
          );
          return toVersion(versionRows(d.id).at(-1)!);
        })(),
      (v) => ({ detail: `version ${v.number}` }));
    },

    async publish(actor, input) {
      const out = path.resolve(input.out.endsWith('.zip') ? input.out : `${input.out}.zip`);
      if (fs.existsSync(out)) throw new AppError('DATASET_EXPORT_NOT_EMPTY', `${out} exists already.`, { path: out });
      const zip = zipVersion(input.name, input.version, input.format, out);
      audit.record(actor, { module: 'datasets', action: 'publish', targets: input.name, params: { version: input.version, format: input.format, out } }, () => {
        zip.write();
        recordPublication(zip.versionId, input.format, out, zip.bytes);
      });
      return { path: out, bytes: zip.bytes, files: zip.files, warnings: zip.warnings };
    },

    // The zip is built in the data folder's cache, uploaded with the file manager's SFTP transfer
    // (progress, cancel, the node's host key and credential as everywhere), recorded as
    // "node:path", and the local copy removed whatever happens.
    async *publishUpload(actor, input, signal) {
      const dir = path.join(deps.dataDir, 'cache', 'publish', randomUUID());
      const file = path.join(dir, `${input.name}-v${input.version}-${input.format}.zip`);
      const zip = zipVersion(input.name, input.version, input.format, file);
      const id = audit.begin(actor, { module: 'datasets', action: 'publish', targets: input.name, params: { version: input.version, format: input.format, node: input.node, remoteDir: input.remoteDir } });
      let outcome: { result: 'ok' | 'failed' | 'cancelled'; detail: string } = { result: 'cancelled', detail: 'stopped before the upload ended' };
      try {
        fs.mkdirSync(dir, { recursive: true });
        zip.write();
        for await (const ev of deps.upload(actor, { node: input.node, localPath: file, remoteDir: input.remoteDir, overwrite: input.overwrite }, signal)) {
          if (ev.type === 'done') {
            recordPublication(zip.versionId, input.format, `${input.node}:${ev.target}`, zip.bytes);
            outcome = { result: 'ok', detail: `${input.node}:${ev.target} (${zip.bytes} bytes)` };
          }
          yield ev;
        }
      } catch (error) {
        outcome = { result: signal?.aborted ? 'cancelled' : 'failed', detail: AppError.is(error) ? `${error.code}: ${error.message}` : String((error as Error).message) };
        throw error;
      } finally {
        audit.complete(id, outcome.result, outcome.detail);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },

    queries(name) {
      const d = repo.byName(name);
      return db.prepare('SELECT name AS title, query FROM dataset_queries WHERE dataset_id = ? ORDER BY name').all(d.id) as { title: string; query: string }[];
    },

    saveQuery(actor, input) {
      const d = repo.byName(input.name);
      compileQuery(input.query); // refuse what would not run
      audit.record(actor, { module: 'datasets', action: 'save-query', targets: input.name, params: { title: input.title, query: input.query } }, () =>
        db.prepare('INSERT INTO dataset_queries (dataset_id, name, query, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (dataset_id, name) DO UPDATE SET query = excluded.query').run(d.id, input.title, input.query, nowIso()),
      );
      return { title: input.title, query: input.query };
    },
  };
}

export type { DatasetSummary };
