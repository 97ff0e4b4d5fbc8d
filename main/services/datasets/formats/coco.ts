// COCO detection/segmentation JSON (https://cocodataset.org/#format-data). Numbers are kept as
// JSON gives them (a double prints back as the same shortest text), category ids as written
// (1, 3, 90 stay 1, 3, 90), crowd RLE kept in the form it came in.
import { emptyAnnotation, isFiniteNumber, orderedLabels, polygonsBbox, type Bbox, type DsAnnotation, type DsData, type DsImage, type DsLabel, type ItemError, type ReadResult, type Rle, type WriteResult } from './model';
import { rleArea, rleBbox, rleCounts } from './rle';

/** Boxes may touch the border; this much slack absorbs x + w rounding in doubles. */
const EDGE_SLACK = 1e-6;

export function lineOfOffset(text: string, offset: number): { line: number; column: number } {
  let line = 1, last = -1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) { line++; last = i; }
  return { line, column: offset - last };
}

/** JSON.parse with the syntax error's line and column. */
export function parseJson(text: string, file: string): { value: unknown } | { error: ItemError } {
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    const where = m ? lineOfOffset(text, Number(m[1])) : null;
    return { error: { file, line: where?.line, reason: `not valid JSON${where ? ` (column ${where.column})` : ''}: ${msg}` } };
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function readCoco(text: string, file: string): ReadResult {
  const out: ReadResult = { labels: [], images: [], annotations: [], errors: [] };
  const parsed = parseJson(text, file);
  if ('error' in parsed) {
    out.errors.push(parsed.error);
    return out;
  }
  const root = parsed.value;
  if (!isObj(root)) {
    out.errors.push({ file, path: '$', reason: 'the top level is not an object with images, annotations and categories' });
    return out;
  }
  const err = (path: string, reason: string) => out.errors.push({ file, path, reason });
  for (const key of ['images', 'annotations', 'categories'] as const) {
    if (root[key] !== undefined && !Array.isArray(root[key])) err(key, `"${key}" is not an array`);
  }
  const arr = (k: string) => (Array.isArray(root[k]) ? (root[k] as unknown[]) : []);

  const categories = new Map<number, string>();
  const names = new Set<string>();
  arr('categories').forEach((c, i) => {
    const p = `categories[${i}]`;
    if (!isObj(c) || !Number.isInteger(c.id) || typeof c.name !== 'string' || !c.name) return err(p, 'a category needs an integer "id" and a non-empty "name"');
    if (categories.has(c.id as number)) return err(`${p}.id`, `category id ${c.id} is used twice`);
    if (names.has(c.name)) return err(`${p}.name`, `category name ${JSON.stringify(c.name)} is used twice`);
    categories.set(c.id as number, c.name);
    names.add(c.name);
    out.labels.push({ name: c.name, id: c.id as number });
  });

  const images = new Map<number, DsImage>();
  const fileNames = new Set<string>();
  arr('images').forEach((im, i) => {
    const p = `images[${i}]`;
    if (!isObj(im) || !Number.isInteger(im.id) || typeof im.file_name !== 'string' || !im.file_name) return err(p, 'an image needs an integer "id" and a "file_name"');
    if (images.has(im.id as number)) return err(`${p}.id`, `image id ${im.id} is used twice`);
    if (fileNames.has(im.file_name)) return err(`${p}.file_name`, `file ${JSON.stringify(im.file_name)} is listed twice`);
    const dim = (k: 'width' | 'height') => (im[k] === undefined || im[k] === null ? null : Number.isInteger(im[k]) && (im[k] as number) > 0 ? (im[k] as number) : NaN);
    const width = dim('width'), height = dim('height');
    if (Number.isNaN(width) || Number.isNaN(height)) return err(p, 'width and height must be positive integers');
    const image: DsImage = { file: im.file_name, width, height };
    images.set(im.id as number, image);
    fileNames.add(im.file_name);
    out.images.push(image);
  });

  const annIds = new Set<number>();
  arr('annotations').forEach((a, i) => {
    const p = `annotations[${i}]`;
    if (!isObj(a)) return err(p, 'an annotation must be an object');
    const image = images.get(a.image_id as number);
    if (!image) return err(`${p}.image_id`, `image id ${JSON.stringify(a.image_id)} is not in "images"`);
    const label = categories.get(a.category_id as number);
    if (label === undefined) return err(`${p}.category_id`, `category id ${JSON.stringify(a.category_id)} is not in "categories"`);
    const ann = emptyAnnotation(image.file, label);
    if (a.id !== undefined) {
      if (!Number.isInteger(a.id)) return err(`${p}.id`, 'the annotation id is not an integer');
      if (annIds.has(a.id as number)) return err(`${p}.id`, `annotation id ${a.id} is used twice`);
      annIds.add(a.id as number);
      ann.sourceId = a.id as number;
    }
    if (a.iscrowd !== undefined && a.iscrowd !== 0 && a.iscrowd !== 1) return err(`${p}.iscrowd`, 'iscrowd must be 0 or 1');
    ann.iscrowd = a.iscrowd === 1;
    if (a.area !== undefined) {
      if (!isFiniteNumber(a.area) || a.area < 0) return err(`${p}.area`, 'area must be a non-negative number');
      ann.area = a.area;
    }

    const seg = a.segmentation;
    if (Array.isArray(seg) && seg.length > 0) {
      const bad = seg.findIndex((ring) => !Array.isArray(ring) || ring.length < 6 || ring.length % 2 !== 0 || !ring.every(isFiniteNumber));
      if (bad >= 0) return err(`${p}.segmentation[${bad}]`, 'a polygon needs at least 3 points as an even list of numbers');
      ann.polygons = seg as number[][];
    } else if (isObj(seg)) {
      const size = seg.size;
      if (!Array.isArray(size) || size.length !== 2 || !size.every((n) => Number.isInteger(n) && n >= 0)) return err(`${p}.segmentation.size`, 'RLE size must be [height, width]');
      if (!(typeof seg.counts === 'string' || (Array.isArray(seg.counts) && seg.counts.every((n) => typeof n === 'number')))) return err(`${p}.segmentation.counts`, 'RLE counts must be a string or a list of numbers');
      const rle: Rle = { counts: seg.counts as string | number[], size: size as [number, number] };
      try {
        rleCounts(rle);
      } catch (e) {
        return err(`${p}.segmentation.counts`, (e as Error).message);
      }
      if (image.height !== null && image.width !== null && (size[0] !== image.height || size[1] !== image.width)) {
        return err(`${p}.segmentation.size`, `RLE size ${size[0]}×${size[1]} is not the image's ${image.height}×${image.width}`);
      }
      ann.rle = rle;
    } else if (seg !== undefined && !(Array.isArray(seg) && seg.length === 0)) {
      return err(`${p}.segmentation`, 'segmentation must be a list of polygons or an RLE object');
    }

    if (a.bbox !== undefined) {
      const b = a.bbox;
      if (!Array.isArray(b) || b.length !== 4 || !b.every(isFiniteNumber)) return err(`${p}.bbox`, 'bbox must be [x, y, width, height] numbers');
      if (b[2] < 0 || b[3] < 0) return err(`${p}.bbox`, `bbox ${JSON.stringify(b)} has a negative width or height`);
      ann.bbox = b as Bbox;
    } else if (ann.polygons) ann.bbox = polygonsBbox(ann.polygons);
    else if (ann.rle) ann.bbox = rleBbox(rleCounts(ann.rle), ann.rle.size[0]);
    else return err(p, 'the annotation has neither bbox nor segmentation');

    const outside = outsideImage(ann.bbox, image);
    if (outside) return err(`${p}.bbox`, outside);
    out.annotations.push(ann);
  });
  return out;
}

export function outsideImage(b: Bbox, image: DsImage): string | null {
  if (image.width === null || image.height === null) return null;
  const [x, y, w, h] = b;
  if (x < -EDGE_SLACK || y < -EDGE_SLACK || x + w > image.width + EDGE_SLACK || y + h > image.height + EDGE_SLACK) {
    return `box [${x}, ${y}, ${w}, ${h}] extends outside the ${image.width}×${image.height} image ${JSON.stringify(image.file)}`;
  }
  return null;
}

/** Shoelace area of the rings (outer minus holes is not knowable from COCO rings, so they add up as COCO tools do). */
function polygonArea(polygons: number[][]): number {
  let total = 0;
  for (const p of polygons) {
    let s = 0;
    for (let i = 0; i < p.length; i += 2) {
      const j = (i + 2) % p.length;
      s += p[i] * p[j + 1] - p[j] * p[i + 1];
    }
    total += Math.abs(s) / 2;
  }
  return total;
}

/** Ids kept when they are unique; others get the next free number. */
function assignIds<T>(items: T[], idOf: (t: T) => number | null): number[] {
  const used = new Set<number>();
  const ids = items.map((t) => {
    const id = idOf(t);
    if (id === null || used.has(id)) return null;
    used.add(id);
    return id;
  });
  let next = Math.max(0, ...used) + 1;
  return ids.map((id) => id ?? next++);
}

export function writeCoco(data: DsData): WriteResult & { json: unknown } {
  const warnings: ItemError[] = [];
  const labels: DsLabel[] = orderedLabels(data.labels);
  const labelIds = assignIds(labels, (l) => l.id);
  const catId = new Map(labels.map((l, i) => [l.name, labelIds[i]]));
  const imageId = new Map(data.images.map((im, i) => [im.file, i + 1]));
  const annIds = assignIds(data.annotations, (a) => a.sourceId);
  const annotations: Record<string, unknown>[] = [];
  data.annotations.forEach((a: DsAnnotation, i) => {
    const bbox = a.bbox ?? (a.polygons ? polygonsBbox(a.polygons) : a.rle ? rleBbox(rleCounts(a.rle), a.rle.size[0]) : null);
    if (!bbox) {
      warnings.push({ file: a.image, reason: `a ${JSON.stringify(a.label)} label without geometry (classification) has no place in COCO detection` });
      return;
    }
    const area = a.area ?? (a.rle ? rleArea(rleCounts(a.rle)) : a.polygons ? polygonArea(a.polygons) : bbox[2] * bbox[3]);
    annotations.push({
      id: annIds[i],
      image_id: imageId.get(a.image),
      category_id: catId.get(a.label),
      bbox,
      area,
      iscrowd: a.iscrowd ? 1 : 0,
      segmentation: a.rle ? { size: a.rle.size, counts: a.rle.counts } : a.polygons ?? [],
    });
  });
  const json = {
    images: data.images.map((im) => ({ id: imageId.get(im.file), file_name: im.file, width: im.width, height: im.height })),
    annotations,
    categories: labels.map((l, i) => ({ id: labelIds[i], name: l.name, supercategory: '' })),
  };
  return { json, files: new Map([['annotations.json', JSON.stringify(json)]]), warnings };
}

export { emptyAnnotation };
