import type { CanvasAnnotation } from '../../../../../shared/contract/schemas/datasets';

export const DEFAULT_COLOR = '#1677ff';
export const POLYGON_FILL = 'rgba(22,119,255,0.05)';
export const SELECTED_FILL = 'rgba(22,119,255,0.15)';
export const SELECTED_POLYGON_FILL = 'rgba(22,119,255,0.2)';
export const HOVER_FILL = 'rgba(255,255,255,0.12)';
/** Outline width in screen pixels, whatever the zoom. */
export const STROKE = 2;

/** Shapes painted as selected (a selection too large for a node each), and how far the ones being moved are shifted. */
export interface PaintedSelection { ids: ReadonlySet<number>; shift?: { ids: ReadonlySet<number>; dx: number; dy: number } }

const trace = (ctx: CanvasRenderingContext2D, a: CanvasAnnotation, dx = 0, dy = 0) => {
  const ring = a.polygons?.[0];
  if (!ring) { ctx.rect(a.bbox![0] + dx, a.bbox![1] + dy, a.bbox![2], a.bbox![3]); return; }
  ctx.moveTo(ring[0] + dx, ring[1] + dy);
  for (let i = 2; i + 1 < ring.length; i += 2) ctx.lineTo(ring[i] + dx, ring[i + 1] + dy);
  ctx.closePath();
};

/**
 * Draws `shapes` (drawing order, hidden ones already left out) except those in `skip`, at a zoom
 * where one image pixel is `scale` screen pixels. The canvas draws shapes this way at rest and while
 * the view moves, so overlapping shapes stack the same at all times and in the order the hit test
 * uses. Consecutive boxes with the same outline (colour, dash) are stroked as one path instead of
 * one Konva node each; a polygon is filled (one by one: overlaps in one path could cancel out) and
 * outlined on its own, so every shape lies exactly above the ones before it; so is a shape in
 * `selection` (with the selected fill, shifted while it is being moved).
 */
export function paintShapes(ctx: CanvasRenderingContext2D, shapes: CanvasAnnotation[], color: ReadonlyMap<string, string>, scale: number, skip: ReadonlySet<number>, selection?: PaintedSelection): void {
  const px = 1 / scale;
  ctx.save();
  ctx.lineWidth = STROKE * px;
  const dash = [4 * px, 4 * px];
  let runStroke = '', runDashed = false, open = false;
  const flush = () => {
    if (!open) return;
    ctx.setLineDash(runDashed ? dash : []);
    ctx.strokeStyle = runStroke;
    ctx.stroke();
    open = false;
  };
  for (const a of shapes) {
    if (skip.has(a.id)) continue;
    const stroke = color.get(a.label) ?? DEFAULT_COLOR;
    const chosen = selection?.ids.has(a.id) ?? false;
    if (a.polygons || chosen) { // filled under its own outline, then outlined at once: it ends the run
      const shift = chosen && selection?.shift?.ids.has(a.id) ? selection.shift : null;
      flush();
      ctx.beginPath();
      trace(ctx, a, shift?.dx, shift?.dy);
      ctx.fillStyle = chosen ? (a.polygons ? SELECTED_POLYGON_FILL : SELECTED_FILL) : POLYGON_FILL;
      ctx.fill();
      runStroke = stroke;
      runDashed = a.locked;
      open = true;
      flush();
      continue;
    }
    if (!open || stroke !== runStroke || a.locked !== runDashed) {
      flush();
      runStroke = stroke;
      runDashed = a.locked;
      ctx.beginPath();
      open = true;
    }
    trace(ctx, a);
  }
  flush();
  ctx.restore();
}
