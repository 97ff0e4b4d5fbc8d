// YOLO in the Ultralytics layout (https://docs.ultralytics.com/datasets/detect/ and /segment/):
// images/<split>/x.jpg with labels/<split>/x.txt, one object per line, all numbers normalized to
// the image size: detection "class cx cy w h", segmentation "class x1 y1 x2 y2 ... xn yn" (n >= 3).
// data.yaml names the classes (a list, or a map of index to name). An image with no objects has
// an empty (or no) label file. The numbers as written are kept and written back while the shape
// is unchanged, so YOLO → YOLO keeps every digit.
import YAML from 'yaml';
import { emptyAnnotation, orderedLabels, polygonsBbox, type Bbox, type DsAnnotation, type DsData, type DsImage, type DsLabel, type ItemError, type ReadResult, type WriteResult } from './model';

export type YoloTask = 'detect' | 'segment' | 'auto';

/** Class names from data.yaml text. */
export function readDataYaml(text: string, file: string): { labels: DsLabel[]; errors: ItemError[] } {
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (e) {
    const pos = (e as { linePos?: { line: number }[] }).linePos?.[0];
    return { labels: [], errors: [{ file, line: pos?.line, reason: `not valid YAML: ${(e as Error).message.split('\n')[0]}` }] };
  }
  const names = (doc as { names?: unknown } | null)?.names;
  if (Array.isArray(names) && names.every((n) => typeof n === 'string' || typeof n === 'number')) {
    return { labels: names.map((n, i) => ({ name: String(n), id: i })), errors: [] };
  }
  if (names && typeof names === 'object') {
    const entries = Object.entries(names as Record<string, unknown>);
    const bad = entries.find(([k, v]) => !/^\d+$/.test(k) || (typeof v !== 'string' && typeof v !== 'number'));
    if (!bad) return { labels: entries.map(([k, v]) => ({ name: String(v), id: Number(k) })).sort((a, b) => a.id - b.id), errors: [] };
    return { labels: [], errors: [{ file, path: `names.${bad[0]}`, reason: 'names must map class indices to names' }] };
  }
  return { labels: [], errors: [{ file, path: 'names', reason: 'data.yaml has no "names" list or map' }] };
}

/**
 * Normalizing and scaling back leaves float noise (10.5 comes back as 10.499999999999998), so a
 * pixel value within 1e-9 px of a micro-pixel value is taken as that value. Nothing a person or a
 * tool wrote on purpose is that close to another number, and COCO → YOLO → COCO stays exact.
 */
function denoise(v: number): number {
  const r = Math.round(v * 1e6) / 1e6;
  return Math.abs(r - v) <= 1e-9 ? r : v;
}

/** Shape from normalized numbers and the image size. */
function toShape(values: number[], w: number, h: number): { bbox: Bbox; polygon: number[] | null } {
  if (values.length === 4) {
    const [cx, cy, bw, bh] = values;
    return { bbox: [denoise((cx - bw / 2) * w), denoise((cy - bh / 2) * h), denoise(bw * w), denoise(bh * h)], polygon: null };
  }
  const polygon = values.map((v, i) => denoise(v * (i % 2 === 0 ? w : h)));
  return { bbox: polygonsBbox([polygon]), polygon };
}

export interface YoloLabelFile {
  image: DsImage;
  /** Path of the .txt for messages, or null when the image has no label file. */
  file: string | null;
  text: string | null;
}

/** Reads label files against known class names; `task` says which line shapes are allowed. */
export function readYoloLabels(labels: DsLabel[], entries: YoloLabelFile[], task: YoloTask = 'auto'): ReadResult {
  const out: ReadResult = { labels: [...labels], images: [], annotations: [], errors: [] };
  const nameOf = new Map(labels.map((l) => [l.id, l.name]));
  for (const { image, file, text } of entries) {
    out.images.push(image);
    if (file === null || text === null) continue;
    if (image.width === null || image.height === null) {
      out.errors.push({ file, reason: `the size of ${JSON.stringify(image.file)} is unknown, so normalized coordinates cannot be placed` });
      continue;
    }
    const lines = text.split(/\r?\n/);
    lines.forEach((line, i) => {
      const fields = line.trim().split(/\s+/).filter(Boolean);
      if (fields.length === 0) return;
      const err = (reason: string) => out.errors.push({ file, line: i + 1, reason });
      const n = fields.length;
      if (task === 'detect' && n !== 5) return err(`${n} numbers where 5 were expected (class cx cy w h)`);
      if (task === 'segment' && (n < 7 || n % 2 === 0)) return err(`${n} numbers where a class and at least 3 x y pairs (7, 9, 11 … numbers) were expected`);
      if (task === 'auto' && n !== 5 && (n < 7 || n % 2 === 0)) return err(`${n} numbers: neither a box (5) nor a polygon (class and 3 or more x y pairs)`);
      if (!/^\d+$/.test(fields[0])) return err(`class ${JSON.stringify(fields[0])} is not a non-negative integer`);
      const label = nameOf.get(Number(fields[0]));
      if (label === undefined) return err(`class ${fields[0]} is not in data.yaml names`);
      const raw = fields.slice(1);
      const values = raw.map(Number);
      const badAt = values.findIndex((v) => !Number.isFinite(v));
      if (badAt >= 0) return err(`${JSON.stringify(raw[badAt])} is not a number`);
      if (values.some((v) => v < 0 || v > 1)) return err('coordinates must be normalized to 0…1');
      if (n === 5 && (values[2] <= 0 || values[3] <= 0)) return err('box width and height must be above 0');
      if (n === 5) {
        const [cx, cy, w, h] = values;
        if (cx - w / 2 < -1e-9 || cy - h / 2 < -1e-9 || cx + w / 2 > 1 + 1e-9 || cy + h / 2 > 1 + 1e-9) return err('the box extends outside the image');
      }
      const a = emptyAnnotation(image.file, label);
      const shape = toShape(values, image.width!, image.height!);
      a.bbox = shape.bbox;
      a.polygons = shape.polygon ? [shape.polygon] : null;
      a.raw = { format: 'yolo', values: raw };
      out.annotations.push(a);
    });
  }
  return out;
}

/** images/… → labels/….txt, as Ultralytics finds them. */
export function yoloImagePath(file: string): string {
  return file.startsWith('images/') ? file : `images/${file}`;
}
export function yoloLabelPath(file: string): string {
  return `labels/${yoloImagePath(file).slice('images/'.length).replace(/\.[^./]*$/, '')}.txt`;
}

const fmt = (n: number) => String(n);

function lineValues(a: DsAnnotation, im: DsImage): string[] | null {
  const w = im.width!, h = im.height!;
  if (a.raw?.format === 'yolo') {
    const again = toShape(a.raw.values.map(Number), w, h);
    const same = (again.polygon === null) === (a.polygons === null) && again.bbox.every((v, i) => v === a.bbox?.[i]) &&
      (again.polygon === null || (a.polygons!.length === 1 && again.polygon.length === a.polygons![0].length && again.polygon.every((v, i) => v === a.polygons![0][i])));
    if (same) return a.raw.values;
  }
  if (a.polygons && a.polygons.length > 0) return a.polygons[0].map((v, i) => fmt(v / (i % 2 === 0 ? w : h)));
  if (!a.bbox) return null;
  const [x, y, bw, bh] = a.bbox;
  return [fmt((x + bw / 2) / w), fmt((y + bh / 2) / h), fmt(bw / w), fmt(bh / h)];
}

export function writeYolo(data: DsData): WriteResult {
  const files = new Map<string, string>();
  const warnings: ItemError[] = [];
  const labels = orderedLabels(data.labels);
  // Ultralytics wants classes 0..n-1; keep the source indices when they already are.
  const keep = labels.every((l, i) => l.id === i);
  const index = new Map(labels.map((l, i) => [l.name, keep ? l.id! : i]));
  const byImage = new Map<string, DsAnnotation[]>();
  for (const a of data.annotations) (byImage.get(a.image) ?? byImage.set(a.image, []).get(a.image)!).push(a);
  for (const im of data.images) {
    if (im.width === null || im.height === null) {
      warnings.push({ file: im.file, reason: 'image size unknown; YOLO coordinates are normalized to it; skipped' });
      continue;
    }
    const lines: string[] = [];
    for (const a of byImage.get(im.file) ?? []) {
      if (a.polygons && a.polygons.length > 1) warnings.push({ file: im.file, reason: `${JSON.stringify(a.label)}: YOLO keeps one polygon per object; the first of ${a.polygons.length} is written` });
      if (a.rle) warnings.push({ file: im.file, reason: `${JSON.stringify(a.label)}: YOLO has no masks; the box is written` });
      const values = lineValues(a, im);
      if (!values) {
        warnings.push({ file: im.file, reason: `${JSON.stringify(a.label)} has no shape; YOLO has no place for it` });
        continue;
      }
      lines.push([String(index.get(a.label)), ...values].join(' '));
    }
    files.set(yoloLabelPath(im.file), lines.length ? `${lines.join('\n')}\n` : '');
  }
  const splits = [...new Set(data.images.map((im) => yoloImagePath(im.file).split('/')).filter((p) => p.length > 2).map((p) => p[1]))];
  const pick = (s: string) => (splits.includes(s) ? `images/${s}` : null);
  const train = pick('train') ?? 'images';
  const val = pick('val') ?? pick('valid') ?? train;
  const names = Object.fromEntries(labels.map((l) => [index.get(l.name)!, l.name]));
  files.set('data.yaml', YAML.stringify({ path: '.', train, val, names }));
  return { files, warnings };
}
