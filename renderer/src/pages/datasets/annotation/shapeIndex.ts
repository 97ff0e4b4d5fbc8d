import type { CanvasAnnotation } from '../../../../../shared/contract/schemas/datasets';

export type Box = [number, number, number, number];

/** The shapes the canvas shows, in drawing order (later ones lie on top); hidden and empty ones are left out. */
export const drawnShapes = (annotations: CanvasAnnotation[]): CanvasAnnotation[] =>
  annotations.filter((a) => !a.hidden && (a.polygons ? (a.polygons[0]?.length ?? 0) >= 2 : !!a.bbox));

/** Bounds `[x, y, w, h]`: the polygon's outer ring's when it has one, else the box; null for neither. */
export function boundsOf(a: Pick<CanvasAnnotation, 'bbox' | 'polygons'>): Box | null {
  const ring = a.polygons?.[0];
  if (!ring?.length) return a.bbox ? (a.bbox as Box) : null;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i + 1 < ring.length; i += 2) {
    x0 = Math.min(x0, ring[i]); x1 = Math.max(x1, ring[i]);
    y0 = Math.min(y0, ring[i + 1]); y1 = Math.max(y1, ring[i + 1]);
  }
  return [x0, y0, x1 - x0, y1 - y0];
}

/** Even-odd point-in-polygon test on a flat ring [x0, y0, x1, y1, …]. */
export function insideRing(ring: number[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 2; i + 1 < ring.length; j = i, i += 2) {
    const xi = ring[i], yi = ring[i + 1], xj = ring[j], yj = ring[j + 1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Distance from (x, y) to the segment (ax, ay)–(bx, by). */
function segmentDistance(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy;
  const t = len ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len)) : 0;
  return Math.hypot(x - ax - t * dx, y - ay - t * dy);
}

/** True when (x, y) is on `a` (its polygon when it has one, else its box): inside it or polygon, or within `slack` image pixels of its outline. */
export function hits(a: Pick<CanvasAnnotation, 'bbox' | 'polygons'>, x: number, y: number, slack: number): boolean {
  const ring = a.polygons?.[0];
  if (!ring) {
    if (!a.bbox) return false;
    const [bx, by, bw, bh] = a.bbox;
    return x >= bx - slack && x <= bx + bw + slack && y >= by - slack && y <= by + bh + slack;
  }
  if (insideRing(ring, x, y)) return true;
  for (let i = 0, j = ring.length - 2; i + 1 < ring.length; j = i, i += 2) {
    if (segmentDistance(x, y, ring[j], ring[j + 1], ring[i], ring[i + 1]) <= slack) return true;
  }
  return false;
}

/**
 * Which shape is under the pointer, without Konva's hit canvas: the shapes' bounds are filed in a
 * uniform grid over image space (about 64 cells on the longer side of all the shapes' extent), so a
 * lookup tests only the few shapes whose bounds share the pointer's cells. Order is drawing order:
 * the last shape drawn under the pointer wins, as it is the one seen on top.
 */
export class ShapeIndex {
  private readonly cells = new Map<number, number[]>();
  private readonly x0: number;
  private readonly y0: number;
  private readonly cell: number;
  private readonly columns: number;

  /** `shapes` in drawing order; hidden ones are skipped. */
  constructor(readonly shapes: CanvasAnnotation[]) {
    const bounds = shapes.map((a) => (a.hidden ? null : boundsOf(a)));
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const b of bounds) if (b) { x0 = Math.min(x0, b[0]); y0 = Math.min(y0, b[1]); x1 = Math.max(x1, b[0] + b[2]); y1 = Math.max(y1, b[1] + b[3]); }
    this.x0 = Number.isFinite(x0) ? x0 : 0;
    this.y0 = Number.isFinite(y0) ? y0 : 0;
    this.cell = Math.max(1, Math.max(x1 - x0, y1 - y0, 1) / 64);
    this.columns = Math.floor(Math.max(x1 - x0, 0) / this.cell) + 1;
    bounds.forEach((b, order) => {
      if (!b) return;
      const [c0, r0] = this.cellOf(b[0], b[1]), [c1, r1] = this.cellOf(b[0] + b[2], b[1] + b[3]);
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) {
        const key = r * this.columns + c;
        const list = this.cells.get(key);
        if (list) list.push(order); else this.cells.set(key, [order]);
      }
    });
  }

  /** Grid column and row of an image point, clamped to the grid. */
  private cellOf(x: number, y: number): [number, number] {
    const c = Math.floor((x - this.x0) / this.cell), r = Math.floor((y - this.y0) / this.cell);
    return [Math.max(0, Math.min(this.columns - 1, c)), Math.max(0, r)];
  }

  /**
   * The topmost shape at image point (x, y), allowing `slack` image pixels around outlines (a few
   * screen pixels divided by the zoom). Shapes in `first` (the selection, drawn above the rest) are
   * tried before the others.
   */
  at(x: number, y: number, slack = 0, first?: ReadonlySet<number>): CanvasAnnotation | null {
    const candidates = new Set<number>();
    const [c0, r0] = this.cellOf(x - slack, y - slack), [c1, r1] = this.cellOf(x + slack, y + slack);
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) for (const o of this.cells.get(r * this.columns + c) ?? []) candidates.add(o);
    const sorted = [...candidates].sort((a, b) => b - a); // topmost first
    if (first?.size) for (const o of sorted) if (first.has(this.shapes[o].id) && hits(this.shapes[o], x, y, slack)) return this.shapes[o];
    for (const o of sorted) if (hits(this.shapes[o], x, y, slack)) return this.shapes[o];
    return null;
  }
}
