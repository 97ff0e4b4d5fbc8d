// Classification as folder-per-class: <class>/<image>. Images at the top level have no class.
import { emptyAnnotation, type DsData, type ItemError, type ReadResult, type WriteResult } from './model';

/** `files` are image paths relative to the root, '/'-separated. */
export function readFolders(files: { file: string; width: number | null; height: number | null }[]): ReadResult {
  const out: ReadResult = { labels: [], images: [], annotations: [], errors: [] };
  for (const im of files) {
    out.images.push(im);
    const slash = im.file.indexOf('/');
    if (slash < 0) continue;
    const label = im.file.slice(0, slash);
    if (!out.labels.some((l) => l.name === label)) out.labels.push({ name: label, id: null });
    out.annotations.push(emptyAnnotation(im.file, label));
  }
  return out;
}

/** Copies, not files: each labelled image goes to <label>/<name>. */
export function writeFolders(data: DsData): WriteResult & { copies: { from: string; to: string }[] } {
  const warnings: ItemError[] = [];
  const copies: { from: string; to: string }[] = [];
  const byImage = new Map<string, string[]>();
  for (const a of data.annotations) {
    const list = byImage.get(a.image) ?? [];
    if (!list.includes(a.label)) list.push(a.label);
    byImage.set(a.image, list);
  }
  const taken = new Set<string>();
  for (const im of data.images) {
    const labels = byImage.get(im.file) ?? [];
    if (labels.length === 0) warnings.push({ file: im.file, reason: 'no label; left out of folder-per-class' });
    if (labels.length > 1) warnings.push({ file: im.file, reason: `${labels.length} labels; copied into each class folder` });
    const base = im.file.slice(im.file.lastIndexOf('/') + 1);
    for (const l of labels) {
      const to = `${l}/${base}`;
      if (taken.has(to)) {
        warnings.push({ file: im.file, reason: `${to} is already taken by another image; skipped` });
        continue;
      }
      taken.add(to);
      copies.push({ from: im.file, to });
    }
  }
  return { files: new Map(), warnings, copies };
}
