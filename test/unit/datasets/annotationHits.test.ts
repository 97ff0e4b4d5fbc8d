import { describe, expect, it } from 'vitest';
import type { CanvasAnnotation } from '../../../shared/contract/schemas/datasets';
import { boundsOf, drawnShapes, hits, insideRing, ShapeIndex } from '../../../renderer/src/pages/datasets/annotation/shapeIndex';

const shape = (id: number, geometry: { bbox?: [number, number, number, number]; polygons?: number[][] }, extra: Partial<CanvasAnnotation> = {}): CanvasAnnotation => ({
  id, label: 'car', bbox: geometry.bbox ?? null, polygons: geometry.polygons ?? null, iscrowd: false, hidden: false, locked: false, ...extra,
});

/** The same answer by testing every shape, last drawn first: what the grid must agree with. */
const bruteForce = (shapes: CanvasAnnotation[], x: number, y: number, slack: number, first?: Set<number>) => {
  const visible = shapes.filter((a) => !a.hidden);
  for (const pass of first?.size ? [true, false] : [false]) {
    for (let i = visible.length - 1; i >= 0; i--) {
      if (pass && !first!.has(visible[i].id)) continue;
      if (hits(visible[i], x, y, slack)) return visible[i].id;
    }
  }
  return null;
};

describe('annotation canvas hit-testing', () => {
  it('finds the topmost of overlapping boxes, in drawing order, and nothing outside them', () => {
    const shapes = [shape(1, { bbox: [0, 0, 100, 100] }), shape(2, { bbox: [50, 50, 100, 100] }), shape(3, { bbox: [60, 60, 10, 10] })];
    const index = new ShapeIndex(shapes);
    expect(index.at(10, 10)?.id).toBe(1);
    expect(index.at(55, 55)?.id).toBe(2); // 1 and 2 overlap here: 2 is drawn later, on top
    expect(index.at(65, 65)?.id).toBe(3);
    expect(index.at(140, 140)?.id).toBe(2);
    expect(index.at(160, 20)).toBeNull();
    expect(index.at(-1, 50)).toBeNull();
    expect(index.at(-1, 50, 2)?.id).toBe(1); // within the slack of its outline
  });

  it('tries the selection first: it is drawn above the other shapes', () => {
    const shapes = [shape(1, { bbox: [0, 0, 100, 100] }), shape(2, { bbox: [50, 50, 100, 100] })];
    const index = new ShapeIndex(shapes);
    expect(index.at(60, 60)?.id).toBe(2);
    expect(index.at(60, 60, 0, new Set([1]))?.id).toBe(1);
    expect(index.at(120, 120, 0, new Set([1]))?.id).toBe(2); // the selected one is not there
  });

  it('hits polygons inside their ring or near an edge, not in the rest of their bounds', () => {
    const triangle = shape(1, { polygons: [[0, 0, 100, 0, 0, 100]], bbox: [0, 0, 100, 100] });
    const index = new ShapeIndex([triangle]);
    expect(index.at(20, 20)?.id).toBe(1);
    expect(index.at(80, 80)).toBeNull(); // inside the bounds, outside the triangle
    expect(index.at(51, 51, 2)?.id).toBe(1); // 1.4 px beyond the hypotenuse
    expect(index.at(52, 52, 2)).toBeNull(); // 2.8 px beyond it
    expect(insideRing([0, 0, 10, 0, 10, 10, 0, 10], 5, 5)).toBe(true);
    expect(insideRing([0, 0, 10, 0, 10, 10, 0, 10], 15, 5)).toBe(false);
    expect(boundsOf(triangle)).toEqual([0, 0, 100, 100]);
  });

  it('leaves out hidden shapes and shapes with no geometry', () => {
    const shapes = [shape(1, { bbox: [0, 0, 100, 100] }), shape(2, { bbox: [0, 0, 100, 100] }, { hidden: true }), shape(3, {})];
    expect(new ShapeIndex(shapes).at(50, 50)?.id).toBe(1);
    expect(drawnShapes(shapes).map((a) => a.id)).toEqual([1]);
    expect(new ShapeIndex([]).at(0, 0)).toBeNull();
  });

  it('agrees with testing every shape on 2,000 boxes and polygons, at every slack', () => {
    let seed = 11;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const shapes = Array.from({ length: 2000 }, (_, i) => {
      const x = rnd() * 1900, y = rnd() * 1060, w = 2 + rnd() * 120, h = 2 + rnd() * 120;
      return i % 7 === 0
        ? shape(i + 1, { polygons: [[x, y, x + w, y + h / 3, x + w / 2, y + h]] }, { hidden: i % 50 === 0 })
        : shape(i + 1, { bbox: [x, y, w, h] }, { hidden: i % 50 === 0 });
    });
    const index = new ShapeIndex(shapes);
    const first = new Set([5, 77, 1500]);
    let found = 0;
    for (let k = 0; k < 3000; k++) {
      const x = -50 + rnd() * 2100, y = -50 + rnd() * 1200, slack = [0, 1, 8, 200][k % 4];
      const want = bruteForce(shapes, x, y, slack, k % 3 === 0 ? first : undefined);
      expect(index.at(x, y, slack, k % 3 === 0 ? first : undefined)?.id ?? null).toBe(want);
      if (want !== null) found++;
    }
    expect(found).toBeGreaterThan(1000); // the points did land on shapes, not only beside them
  });
});
