// Pascal VOC XML, one file per image. VOC writes 1-based inclusive pixel indices: the box
// xmin..xmax covers pixels xmin..xmax, i.e. continuous [xmin - 1, xmax) in our COCO-style model
// (the VOC devkit's own area is (xmax - xmin + 1)(ymax - ymin + 1)). So x = xmin - 1,
// w = xmax - xmin + 1, and back xmin = x + 1, xmax = x + w. That arithmetic is exact for integers
// and halves; for any other number the text as written is kept (`raw`) and written back while
// the box is unchanged, so VOC → VOC never moves a box.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { emptyAnnotation, polygonsBbox, type Bbox, type DsData, type DsImage, type ItemError, type ReadResult, type WriteResult } from './model';
import { outsideImage } from './coco';

const parser = new XMLParser({ parseTagValue: false, trimValues: true, ignoreAttributes: true, isArray: (name) => name === 'object' });

const CORNERS = ['xmin', 'ymin', 'xmax', 'ymax'] as const;

export function vocToBbox(v: number[]): Bbox {
  return [v[0] - 1, v[1] - 1, v[2] - v[0] + 1, v[3] - v[1] + 1];
}

function sameBox(a: Bbox, b: Bbox): boolean {
  return a.every((n, i) => n === b[i]);
}

/** Reads one VOC file; `file` is its path for messages. The image is `<folder>/<filename>` as written, or `<filename>`. */
export function readVocFile(text: string, file: string): ReadResult {
  const out: ReadResult = { labels: [], images: [], annotations: [], errors: [] };
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    out.errors.push({ file, line: valid.err.line, reason: `not well-formed XML (column ${valid.err.col}): ${valid.err.msg}` });
    return out;
  }
  const doc = parser.parse(text) as Record<string, any>;
  const ann = doc.annotation;
  if (!ann || typeof ann !== 'object') {
    out.errors.push({ file, path: 'annotation', reason: 'no <annotation> root element' });
    return out;
  }
  const filename = typeof ann.filename === 'string' ? ann.filename : '';
  if (!filename) {
    out.errors.push({ file, path: 'annotation.filename', reason: 'no <filename>: the image this file describes is unknown' });
    return out;
  }
  const intOf = (v: unknown) => (typeof v === 'string' && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : null);
  const width = intOf(ann.size?.width), height = intOf(ann.size?.height);
  if (width === null || height === null) {
    out.errors.push({ file, path: 'annotation.size', reason: 'missing or invalid <size><width>/<height>: boxes cannot be checked against the image' });
    return out;
  }
  const image: DsImage = { file: filename, width, height };
  out.images.push(image);
  const objects: any[] = Array.isArray(ann.object) ? ann.object : [];
  objects.forEach((o, i) => {
    const path = `annotation.object[${i}]`;
    const name = typeof o?.name === 'string' ? o.name : '';
    if (!name) return out.errors.push({ file, path: `${path}.name`, reason: 'an object without <name>' });
    const raw: string[] = [];
    for (const k of CORNERS) {
      const v = o?.bndbox?.[k];
      if (typeof v !== 'string' || v === '' || !Number.isFinite(Number(v))) return out.errors.push({ file, path: `${path}.bndbox.${k}`, reason: `<${k}> is missing or not a number` });
      raw.push(v);
    }
    const v = raw.map(Number);
    // Inclusive corners: a box narrower than a pixel has xmax between xmin - 1 and xmin.
    if (v[2] < v[0] - 1 || v[3] < v[1] - 1) return out.errors.push({ file, path: `${path}.bndbox`, reason: `xmax/ymax (${raw[2]}, ${raw[3]}) lie more than a pixel before xmin/ymin (${raw[0]}, ${raw[1]})` });
    const a = emptyAnnotation(filename, name);
    a.bbox = vocToBbox(v);
    const outside = outsideImage(a.bbox, image);
    if (outside) return out.errors.push({ file, path: `${path}.bndbox`, reason: `${outside} (VOC ${raw.join(' ')}, 1-based)` });
    a.raw = { format: 'voc', values: raw };
    if (!out.labels.some((l) => l.name === name)) out.labels.push({ name, id: null });
    out.annotations.push(a);
  });
  return out;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Where an image's XML goes: Annotations/<path without extension>.xml. */
export function vocXmlPath(imageFile: string): string {
  return `Annotations/${imageFile.replace(/\.[^./]*$/, '')}.xml`;
}

export function writeVoc(data: DsData): WriteResult {
  const files = new Map<string, string>();
  const warnings: ItemError[] = [];
  const byImage = new Map<string, typeof data.annotations>();
  for (const a of data.annotations) {
    const list = byImage.get(a.image);
    if (list) list.push(a);
    else byImage.set(a.image, [a]);
  }
  for (const im of data.images) {
    const path = vocXmlPath(im.file);
    if (files.has(path)) warnings.push({ file: im.file, reason: `${path} is also the XML of another image; this one is skipped` });
    if (files.has(path)) continue;
    if (im.width === null || im.height === null) {
      warnings.push({ file: im.file, reason: 'image size unknown, VOC needs <size>; skipped' });
      continue;
    }
    const objects: string[] = [];
    for (const a of byImage.get(im.file) ?? []) {
      const box = a.bbox ?? (a.polygons ? polygonsBbox(a.polygons) : null);
      if (!box) {
        warnings.push({ file: im.file, reason: `${JSON.stringify(a.label)} has no box; VOC has no place for it` });
        continue;
      }
      if (!a.bbox || a.rle) warnings.push({ file: im.file, reason: `${JSON.stringify(a.label)}: VOC keeps only the bounding box of a polygon or mask` });
      const raw = a.raw?.format === 'voc' && a.raw.values.length === 4 && sameBox(vocToBbox(a.raw.values.map(Number)), box) ? a.raw.values : null;
      const [x, y, w, h] = box;
      const c = raw ?? [x + 1, y + 1, x + w, y + h].map(String);
      objects.push(
        `  <object>\n    <name>${esc(a.label)}</name>\n    <pose>Unspecified</pose>\n    <truncated>0</truncated>\n    <difficult>0</difficult>\n` +
          `    <bndbox>\n${CORNERS.map((k, i) => `      <${k}>${c[i]}</${k}>\n`).join('')}    </bndbox>\n  </object>\n`,
      );
    }
    const folder = im.file.includes('/') ? im.file.slice(0, im.file.lastIndexOf('/')) : '';
    files.set(
      path,
      `<annotation>\n  <folder>${esc(folder)}</folder>\n  <filename>${esc(im.file)}</filename>\n` +
        `  <size>\n    <width>${im.width}</width>\n    <height>${im.height}</height>\n    <depth>3</depth>\n  </size>\n  <segmented>0</segmented>\n${objects.join('')}</annotation>\n`,
    );
  }
  return { files, warnings };
}
