// The one model every format reads into and writes from. Coordinates are COCO-style pixels:
// x, y is the top-left corner of the box in continuous image space (pixel i covers [i, i+1)).
// Each format's reader also keeps the numbers exactly as the source wrote them (`raw`), so an
// unedited annotation is written back to its own format character for character.

export type Bbox = [x: number, y: number, w: number, h: number];

/** COCO run-length encoding: `counts` as the compressed string or as plain numbers, `size` [h, w]. */
export interface Rle {
  counts: string | number[];
  size: [h: number, w: number];
}

export type SourceFormat = 'coco' | 'voc' | 'yolo' | 'folder';

export interface RawNumbers {
  format: SourceFormat;
  /** The numbers as written in the source file (VOC: xmin ymin xmax ymax; YOLO: the line after the class). */
  values: string[];
}

export interface DsImage {
  /** Path relative to the images folder, with '/' separators. */
  file: string;
  width: number | null;
  height: number | null;
}

export interface DsLabel {
  name: string;
  /** The id the source used (COCO category id, YOLO class index); kept so ids 1, 3, 90 survive. */
  id: number | null;
}

export interface DsAnnotation {
  image: string;
  label: string;
  /** Classification annotations have no geometry. */
  bbox: Bbox | null;
  /** Polygons as flat [x1, y1, x2, y2, ...]; several rings (holes, parts) allowed. */
  polygons: number[][] | null;
  rle: Rle | null;
  iscrowd: boolean;
  /** COCO `area` as written, when given. */
  area: number | null;
  /** COCO annotation id, when given. */
  sourceId: number | null;
  raw: RawNumbers | null;
}

export interface DsData {
  labels: DsLabel[];
  images: DsImage[];
  annotations: DsAnnotation[];
}

/** One item the reader could not take, with where it is and why. */
export interface ItemError {
  file: string;
  /** 1-based line (text formats) … */
  line?: number;
  /** … or a JSON path such as `annotations[17].bbox`. */
  path?: string;
  reason: string;
}

export interface ReadResult extends DsData {
  errors: ItemError[];
}

/** Files a writer produces, by relative path; images are not copied by writers. */
export type WrittenFiles = Map<string, string>;

export interface WriteResult {
  files: WrittenFiles;
  /** What the format could not carry (a polygon in VOC, a multi-label image in folders, …). */
  warnings: ItemError[];
}

export function emptyAnnotation(image: string, label: string): DsAnnotation {
  return { image, label, bbox: null, polygons: null, rle: null, iscrowd: false, area: null, sourceId: null, raw: null };
}

/** The bounding box of a set of flat polygons. */
export function polygonsBbox(polygons: number[][]): Bbox {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const p of polygons) {
    for (let i = 0; i + 1 < p.length; i += 2) {
      if (p[i] < x0) x0 = p[i];
      if (p[i] > x1) x1 = p[i];
      if (p[i + 1] < y0) y0 = p[i + 1];
      if (p[i + 1] > y1) y1 = p[i + 1];
    }
  }
  return [x0, y0, x1 - x0, y1 - y0];
}

/** Labels in a stable order for writers: by source id when every label has one, else as listed. */
export function orderedLabels(labels: DsLabel[]): DsLabel[] {
  return labels.every((l) => l.id !== null) ? [...labels].sort((a, b) => a.id! - b.id!) : [...labels];
}

export function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
