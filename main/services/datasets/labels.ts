// Editing a dataset's label set and classifying images. A rename keeps the label's row (and so its
// annotations); hotkeys may not repeat or take a key the annotation screens use; deleting a label
// that has annotations needs the caller's explicit yes, because its annotations go with it.
import type { DatasetsService } from '../../../shared/contract/services';
import { RESERVED_HOTKEYS } from '../../../shared/contract/schemas/datasets';
import { AppError } from '../../../shared/errors';
import { nowIso } from '../../store/db';
import type { AuditLog } from '../audit/auditLog';
import type { DatasetRepo } from './repo';

type LabelMethods = Pick<DatasetsService, 'editLabels' | 'classify'>;

const keyName = (k: string) => (k === ' ' ? 'Space' : k);

export function labelMethods(repo: DatasetRepo, audit: AuditLog): LabelMethods {
  const { db } = repo;

  return {
    editLabels(actor, input) {
      const d = repo.byName(input.name);
      const current = db.prepare(`SELECT l.id, l.name, (SELECT count(*) FROM dataset_annotations a WHERE a.label_id = l.id) AS annotations
        FROM dataset_labels l WHERE l.dataset_id = ?`).all(d.id) as { id: number; name: string; annotations: number }[];
      const byName = new Map(current.map((l) => [l.name, l]));
      const names = new Map<string, number>();
      const keys = new Map<string, string>();
      const froms = new Set<string>();
      input.labels.forEach((l, i) => {
        if (names.has(l.name)) throw new AppError('DATASET_LABEL_TWICE', `Two labels are named "${l.name}" (rows ${names.get(l.name)! + 1} and ${i + 1}); give each label its own name.`, { label: l.name });
        names.set(l.name, i);
        if (l.from !== null) {
          if (!byName.has(l.from)) throw new AppError('DATASET_LABEL_NOT_FOUND', `Dataset "${input.name}" has no label "${l.from}" to rename; reload the label set.`, { label: l.from });
          if (froms.has(l.from)) throw new AppError('DATASET_LABEL_TWICE', `Label "${l.from}" appears twice in the edit; give each label its own row.`, { label: l.from });
          froms.add(l.from);
        }
        if (l.hotkey === null || l.hotkey === '') return;
        const key = l.hotkey.toLowerCase();
        const reserved = RESERVED_HOTKEYS[key];
        if (reserved) throw new AppError('DATASET_HOTKEY_RESERVED', `Hotkey "${keyName(l.hotkey)}" of label "${l.name}" is the shortcut for ${reserved}; pick another key.`, { key: keyName(l.hotkey), label: l.name, action: reserved });
        const other = keys.get(key);
        if (other !== undefined) throw new AppError('DATASET_HOTKEY_CONFLICT', `Hotkey "${keyName(l.hotkey)}" is given to both "${other}" and "${l.name}"; pick another key for one of them.`, { key: keyName(l.hotkey), a: other, b: l.name });
        keys.set(key, l.name);
      });
      const removed = current.filter((l) => !froms.has(l.name));
      const lost = removed.reduce((n, l) => n + l.annotations, 0);
      if (lost > 0 && !input.deleteAnnotations) {
        const which = removed.filter((l) => l.annotations > 0).map((l) => `"${l.name}" (${l.annotations})`).join(', ');
        throw new AppError('DATASET_LABEL_IN_USE', `Deleting ${which} would delete ${lost} annotations; confirm to delete them too.`, { labels: which, count: lost });
      }
      audit.record(actor, { module: 'datasets', action: 'labels', targets: input.name, params: { labels: input.labels.map((l) => (l.from && l.from !== l.name ? `${l.from}→${l.name}` : l.name)), removed: removed.map((l) => l.name), annotationsDeleted: lost } }, () =>
        db.transaction(() => {
          const del = db.prepare('DELETE FROM dataset_labels WHERE id = ?');
          for (const l of removed) del.run(l.id);
          // Free every name and hotkey first, so swaps (a↔b) do not trip the unique indexes.
          db.prepare("UPDATE dataset_labels SET hotkey = NULL, name = char(1) || id WHERE dataset_id = ?").run(d.id);
          const upd = db.prepare('UPDATE dataset_labels SET name = ?, color = ?, hotkey = ?, position = ? WHERE id = ?');
          const ins = db.prepare('INSERT INTO dataset_labels (dataset_id, name, color, hotkey, position) VALUES (?, ?, ?, ?, ?)');
          input.labels.forEach((l, i) => {
            const hotkey = l.hotkey === '' ? null : l.hotkey;
            if (l.from !== null) upd.run(l.name, l.color, hotkey, i, byName.get(l.from)!.id);
            else ins.run(d.id, l.name, l.color, hotkey, i);
          });
          if (lost > 0) repo.refreshStatus({ datasetId: d.id });
          repo.touch(d.id);
        })(),
      () => ({ detail: `${input.labels.length} labels, ${removed.length} deleted with ${lost} annotations` }));
      return repo.summary(input.name);
    },

    classify(actor, input) {
      const d = repo.byName(input.name);
      if (d.kind !== 'classification' && d.kind !== 'multilabel') {
        throw new AppError('DATASET_NOT_CLASSIFICATION', `Dataset "${input.name}" is a ${d.kind} dataset; whole-image labels are for classification datasets.`, { name: input.name, kind: d.kind });
      }
      const wanted = [...new Set(input.labels)];
      if (d.kind === 'classification' && wanted.length > 1) {
        throw new AppError('DATASET_SINGLE_LABEL', `Dataset "${input.name}" is single-label: give one label, not ${wanted.length}.`, { name: input.name, count: wanted.length });
      }
      const image = db.prepare('SELECT id, status FROM dataset_images WHERE dataset_id = ? AND file = ?').get(d.id, input.file) as { id: number; status: string } | undefined;
      if (!image) throw new AppError('DATASET_IMAGE_NOT_FOUND', `Dataset "${input.name}" has no image ${input.file}.`, { name: input.name, file: input.file });
      const labelIds = new Map<string, number>();
      for (const name of wanted) {
        const id = db.prepare('SELECT id FROM dataset_labels WHERE dataset_id = ? AND name = ?').pluck().get(d.id, name) as number | undefined;
        if (id === undefined) throw new AppError('DATASET_LABEL_NOT_FOUND', `Dataset "${input.name}" has no label "${name}".`, { label: name });
        labelIds.set(name, id);
      }
      const now = nowIso();
      return audit.record(actor, { module: 'datasets', action: 'classify', targets: `${input.name}:${input.file}`, params: { labels: wanted } }, () =>
        db.transaction(() => {
          const have = db.prepare(`SELECT a.id, l.name FROM dataset_annotations a JOIN dataset_labels l ON l.id = a.label_id
            WHERE a.image_id = ? AND a.bbox_x IS NULL AND a.geometry = '{}'`).all(image.id) as { id: number; name: string }[];
          const del = db.prepare('DELETE FROM dataset_annotations WHERE id = ?');
          for (const h of have) if (!labelIds.has(h.name)) del.run(h.id);
          const ins = db.prepare("INSERT INTO dataset_annotations (image_id, label_id, geometry, updated_at) VALUES (?, ?, '{}', ?)");
          const had = new Set(have.map((h) => h.name));
          for (const [name, id] of labelIds) if (!had.has(name)) ins.run(image.id, id, now);
          const status = repo.refreshStatus({ imageId: image.id, at: now })!;
          repo.touch(d.id);
          return { labels: wanted, savedAt: now, status };
        })(),
      );
    },
  };
}
