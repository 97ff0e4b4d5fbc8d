// Reads a dataset format from disk into the model: finds the files each format keeps, hands
// their text to the pure readers, and checks that every image is really there.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { AppError } from '../../../shared/errors';
import { readCoco, readDataYaml, readFolders, readVocFile, readYoloLabels, yoloLabelPath, type DsImage, type ReadResult, type YoloTask } from './formats';
import { findImages } from './images';

/** V8 cannot hold a string much above 512 MB; COCO JSON is parsed whole, so larger files are refused up front. */
export const MAX_JSON_BYTES = 512 * 1024 * 1024;

export interface ReadRequest { format: 'coco' | 'voc' | 'yolo' | 'folder'; annotations?: string; images?: string; yoloTask: YoloTask }

const toPosix = (p: string) => p.split(path.sep).join('/');

function needPath(p: string | undefined, what: string): string {
  if (!p) throw new AppError('INVALID_INPUT', `Give ${what}.`, { detail: what });
  if (!fs.existsSync(p)) throw new AppError('DATASET_PATH_MISSING', `${p} does not exist.`, { path: p });
  return path.resolve(p);
}

function readText(file: string): string {
  const size = fs.statSync(file).size;
  if (size > MAX_JSON_BYTES) {
    throw new AppError('DATASET_FILE_TOO_LARGE', `${file} is ${(size / 2 ** 30).toFixed(1)} GB; annotation files are read whole and may be at most 512 MB. Split it (one file per split or per image range) and import the parts.`, { path: file, bytes: size });
  }
  return fs.readFileSync(file, 'utf8');
}

function walkFiles(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.toLowerCase().endsWith(ext)) out.push(path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
  }
  return out.sort();
}

async function sizeOf(file: string): Promise<{ width: number | null; height: number | null }> {
  try {
    const m = await sharp(file).metadata();
    return { width: m.width ?? null, height: m.height ?? null };
  } catch {
    return { width: null, height: null };
  }
}

/** The format's annotations, image paths relative to the returned images folder. */
export async function readFromDisk(req: ReadRequest): Promise<{ result: ReadResult; imagesDir: string }> {
  if (req.format === 'coco') {
    const file = needPath(req.annotations, 'the COCO JSON file (--annotations FILE)');
    const imagesDir = needPath(req.images ?? path.dirname(file), 'the images folder (--images DIR)');
    return { result: readCoco(readText(file), file), imagesDir };
  }
  if (req.format === 'voc') {
    const dir = needPath(req.annotations, 'the folder of VOC XML files (--annotations DIR)');
    const imagesDir = needPath(req.images ?? path.join(path.dirname(dir), 'JPEGImages'), 'the images folder (--images DIR)');
    const result: ReadResult = { labels: [], images: [], annotations: [], errors: [] };
    const seen = new Set<string>();
    for (const xml of fs.statSync(dir).isDirectory() ? walkFiles(dir, '.xml') : [dir]) {
      const r = readVocFile(readText(xml), xml);
      result.errors.push(...r.errors);
      for (const im of r.images) {
        if (seen.has(im.file)) {
          result.errors.push({ file: xml, path: 'annotation.filename', reason: `${JSON.stringify(im.file)} is described by another XML file too` });
          continue;
        }
        seen.add(im.file);
        result.images.push(im);
        result.annotations.push(...r.annotations);
      }
      for (const l of r.labels) if (!result.labels.some((x) => x.name === l.name)) result.labels.push(l);
    }
    return { result, imagesDir };
  }
  if (req.format === 'yolo') {
    let yaml = needPath(req.annotations ?? req.images, 'data.yaml (--annotations FILE) or the dataset folder');
    if (fs.statSync(yaml).isDirectory()) yaml = path.join(yaml, 'data.yaml');
    const root = path.dirname(yaml);
    const names = fs.existsSync(yaml) ? readDataYaml(readText(yaml), yaml) : { labels: [], errors: [{ file: yaml, reason: 'data.yaml not found' }] };
    const imagesRoot = path.join(root, 'images');
    if (!fs.existsSync(imagesRoot)) throw new AppError('DATASET_PATH_MISSING', `${imagesRoot} does not exist; the Ultralytics layout keeps images in images/ and labels in labels/.`, { path: imagesRoot });
    const files = findImages(imagesRoot).map((f) => `images/${f}`);
    const entries = [];
    for (const f of files) {
      const image: DsImage = { file: f, ...(await sizeOf(path.join(root, f))) };
      const labelFile = path.join(root, yoloLabelPath(f));
      const text = fs.existsSync(labelFile) ? readText(labelFile) : null;
      entries.push({ image, file: text === null ? null : labelFile, text });
    }
    const result = readYoloLabels(names.labels, entries, req.yoloTask);
    result.errors.unshift(...names.errors);
    return { result, imagesDir: root };
  }
  const imagesDir = needPath(req.images ?? req.annotations, 'the folder with one subfolder per class (--images DIR)');
  return { result: readFolders(findImages(imagesDir).map((file) => ({ file, width: null, height: null }))), imagesDir };
}

/**
 * Re-roots image paths to the dataset's folder and checks each image exists; a missing image
 * becomes an error and its annotations are left out. Sizes missing from the format are read.
 */
export async function placeImages(result: ReadResult, imagesDir: string, root: string): Promise<(DsImage & { bytes: number })[]> {
  const placed: (DsImage & { bytes: number })[] = [];
  const rename = new Map<string, string | null>();
  for (const im of result.images) {
    const full = path.resolve(imagesDir, im.file);
    const rel = toPosix(path.relative(root, full));
    if (rel.startsWith('../') || path.isAbsolute(rel)) {
      result.errors.push({ file: im.file, reason: `the image ${full} is outside the dataset folder ${root}` });
      rename.set(im.file, null);
      continue;
    }
    let bytes: number;
    try {
      bytes = fs.statSync(full).size;
    } catch {
      result.errors.push({ file: im.file, reason: `image not found at ${full} (moved or deleted?)` });
      rename.set(im.file, null);
      continue;
    }
    const size = im.width === null || im.height === null ? await sizeOf(full) : im;
    placed.push({ file: rel, width: size.width, height: size.height, bytes });
    rename.set(im.file, rel);
  }
  result.annotations = result.annotations.filter((a) => {
    const to = rename.get(a.image);
    if (!to) return false;
    a.image = to;
    return true;
  });
  return placed;
}
