// Writes the model in a format: the writers' text files plus the images copied into the
// format's layout, either to a folder or as entries of a zip.
import fs from 'node:fs';
import path from 'node:path';
import { writeCoco, writeFolders, writeVoc, writeYolo, yoloImagePath, type DsData, type ItemError } from './formats';

export interface ExportEntry { name: string; text?: string; from?: string }

export function exportEntries(data: DsData, format: 'coco' | 'voc' | 'yolo' | 'folder', root: string, copyImages: boolean): { entries: ExportEntry[]; warnings: ItemError[] } {
  const entries: ExportEntry[] = [];
  const warnings: ItemError[] = [];
  const copy = (from: string, to: string) => {
    if (!copyImages) return;
    const full = path.join(root, from);
    if (fs.existsSync(full)) entries.push({ name: to, from: full });
    else warnings.push({ file: from, reason: `image not found at ${full} (moved or deleted?); not copied` });
  };
  if (format === 'folder') {
    const w = writeFolders(data);
    warnings.push(...w.warnings);
    for (const c of w.copies) copy(c.from, c.to);
    if (!copyImages) warnings.push({ file: '', reason: 'folder-per-class is nothing but the copied images' });
    return { entries, warnings };
  }
  const w = format === 'coco' ? writeCoco(data) : format === 'voc' ? writeVoc(data) : writeYolo(data);
  warnings.push(...w.warnings);
  for (const [name, text] of w.files) entries.push({ name, text });
  for (const im of data.images) copy(im.file, format === 'coco' ? `images/${im.file}` : format === 'voc' ? `JPEGImages/${im.file}` : yoloImagePath(im.file));
  return { entries, warnings };
}

export function writeEntries(out: string, entries: ExportEntry[]): void {
  for (const e of entries) {
    const target = path.join(out, e.name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (e.text !== undefined) fs.writeFileSync(target, e.text);
    else fs.copyFileSync(e.from!, target);
  }
}
