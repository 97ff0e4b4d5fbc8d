// Versions: an immutable snapshot of the whole dataset (gzipped JSON of the format model), its
// counts, and what changed against the version before it.
import zlib from 'node:zlib';
import type { DsData } from './formats';
import type { Version } from '../../../shared/contract/schemas/datasets';

export function counts(data: DsData): Version['counts'] {
  const perLabel: Record<string, number> = {};
  for (const l of data.labels) perLabel[l.name] = 0;
  for (const a of data.annotations) perLabel[a.label] = (perLabel[a.label] ?? 0) + 1;
  return { images: data.images.length, annotations: data.annotations.length, labels: data.labels.length, perLabel };
}

const annotationKey = (a: DsData['annotations'][number]) => JSON.stringify([a.image, a.label, a.bbox, a.polygons, a.rle, a.iscrowd]);

/** Multiset difference of annotations (an edited box is one removed and one added). */
export function diff(parent: DsData | null, next: DsData): Version['diff'] {
  const before = new Map<string, number>();
  for (const a of parent?.annotations ?? []) before.set(annotationKey(a), (before.get(annotationKey(a)) ?? 0) + 1);
  let added = 0;
  for (const a of next.annotations) {
    const k = annotationKey(a);
    const n = before.get(k) ?? 0;
    if (n > 0) before.set(k, n - 1);
    else added++;
  }
  let removed = 0;
  for (const n of before.values()) removed += n;
  const setOf = (xs: string[]) => new Set(xs);
  const pi = setOf(parent?.images.map((i) => i.file) ?? []), ni = setOf(next.images.map((i) => i.file));
  const pl = setOf(parent?.labels.map((l) => l.name) ?? []), nl = setOf(next.labels.map((l) => l.name));
  return {
    imagesAdded: [...ni].filter((f) => !pi.has(f)).length,
    imagesRemoved: [...pi].filter((f) => !ni.has(f)).length,
    annotationsAdded: added,
    annotationsRemoved: removed,
    labelsAdded: [...nl].filter((l) => !pl.has(l)),
    labelsRemoved: [...pl].filter((l) => !nl.has(l)),
  };
}

export const packSnapshot = (data: DsData): Buffer => zlib.gzipSync(JSON.stringify(data));
export const unpackSnapshot = (blob: Buffer): DsData => JSON.parse(zlib.gunzipSync(blob).toString('utf8')) as DsData;
