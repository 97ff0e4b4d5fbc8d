// Per-label counts and box-size histograms (sqrt(w·h) in pixels on power-of-two bins, as COCO's
// small/medium/large split thinks of sizes).
import type { DsData } from './formats';
import type { Stats } from '../../../shared/contract/schemas/datasets';

function histogram(sides: number[]): Stats['boxSides'] {
  const bins = new Map<number, number>();
  for (const s of sides) {
    const k = s < 1 ? 0 : Math.floor(Math.log2(s)) + 1;
    bins.set(k, (bins.get(k) ?? 0) + 1);
  }
  return [...bins.entries()].sort((a, b) => a[0] - b[0]).map(([k, count]) => ({ from: k === 0 ? 0 : 2 ** (k - 1), to: 2 ** k, count }));
}

export function computeStats(data: DsData, statuses: Record<string, number>): Stats {
  const sides = new Map<string, number[]>();
  const images = new Map<string, Set<string>>();
  const count = new Map<string, number>();
  for (const l of data.labels) {
    sides.set(l.name, []);
    images.set(l.name, new Set());
    count.set(l.name, 0);
  }
  const all: number[] = [];
  for (const a of data.annotations) {
    count.set(a.label, (count.get(a.label) ?? 0) + 1);
    (images.get(a.label) ?? images.set(a.label, new Set()).get(a.label)!).add(a.image);
    if (a.bbox) {
      const s = Math.sqrt(a.bbox[2] * a.bbox[3]);
      all.push(s);
      (sides.get(a.label) ?? sides.set(a.label, []).get(a.label)!).push(s);
    }
  }
  return {
    images: data.images.length,
    annotations: data.annotations.length,
    statuses,
    labels: [...count.keys()].map((name) => ({ name, annotations: count.get(name)!, images: images.get(name)?.size ?? 0, boxSides: histogram(sides.get(name) ?? []) })),
    boxSides: histogram(all),
  };
}
