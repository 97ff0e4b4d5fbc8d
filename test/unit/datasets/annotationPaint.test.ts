import { describe, expect, it } from 'vitest';
import type { CanvasAnnotation } from '../../../shared/contract/schemas/datasets';
import { paintShapes, POLYGON_FILL, SELECTED_FILL } from '../../../renderer/src/pages/datasets/annotation/paintShapes';

const box = (id: number, label: string, extra: Partial<CanvasAnnotation> = {}): CanvasAnnotation => ({
  id, label, bbox: [id, id, 10, 10], polygons: null, iscrowd: false, hidden: false, locked: false, ...extra,
});

/** A 2D context that writes down what is drawn: each stroke or fill with the shapes (by x) in its path. */
function recorder() {
  const ops: string[] = [];
  let path: number[] = [];
  const state = { strokeStyle: '', fillStyle: '', lineWidth: 0, dash: [] as number[] };
  const ctx = {
    save() {}, restore() {},
    beginPath() { path = []; },
    rect(x: number) { path.push(x); },
    moveTo(x: number) { path.push(x); }, lineTo() {}, closePath() {},
    setLineDash(d: number[]) { state.dash = d; },
    stroke() { ops.push(`stroke ${state.strokeStyle}${state.dash.length ? ' dashed' : ''} w${state.lineWidth} [${path.join(',')}]`); },
    fill() { ops.push(`fill ${state.fillStyle} [${path.join(',')}]`); },
    set strokeStyle(v: string) { state.strokeStyle = v; }, get strokeStyle() { return state.strokeStyle; },
    set fillStyle(v: string) { state.fillStyle = v; }, get fillStyle() { return state.fillStyle; },
    set lineWidth(v: number) { state.lineWidth = v; }, get lineWidth() { return state.lineWidth; },
  };
  return { ctx: ctx as unknown as CanvasRenderingContext2D, ops };
}

describe('annotation canvas painter', () => {
  const color = new Map([['car', 'red'], ['person', 'blue']]);

  it('strokes runs of boxes with the same outline as one path, in drawing order, 2 screen pixels wide', () => {
    const { ctx, ops } = recorder();
    paintShapes(ctx, [box(1, 'car'), box(2, 'car'), box(3, 'person'), box(4, 'car'), box(5, 'car', { locked: true }), box(6, 'other')], color, 0.5, new Set());
    // each later shape lies above the ones before it: runs are split where the look changes
    expect(ops).toEqual(['stroke red w4 [1,2]', 'stroke blue w4 [3]', 'stroke red w4 [4]', 'stroke red dashed w4 [5]', 'stroke #1677ff w4 [6]']);
  });

  it('leaves out the shapes drawn as nodes (the selection) and fills each polygon under its own outline', () => {
    const { ctx, ops } = recorder();
    const polygon = box(3, 'person', { bbox: [0, 0, 9, 9], polygons: [[30, 0, 40, 0, 35, 8]] });
    paintShapes(ctx, [box(1, 'car'), box(2, 'car'), polygon, box(4, 'car')], color, 1, new Set([2]));
    expect(ops).toEqual(['stroke red w2 [1]', `fill ${POLYGON_FILL} [30]`, 'stroke blue w2 [30]', 'stroke red w2 [4]']);
  });

  it('paints a large selection with the selected fill in its place, shifted while it is moved', () => {
    const { ctx, ops } = recorder();
    paintShapes(ctx, [box(1, 'car'), box(2, 'car'), box(3, 'car'), box(4, 'car')], color, 1, new Set(), { ids: new Set([2, 3]), shift: { ids: new Set([3]), dx: 100, dy: 0 } });
    expect(ops).toEqual(['stroke red w2 [1]', `fill ${SELECTED_FILL} [2]`, 'stroke red w2 [2]', `fill ${SELECTED_FILL} [103]`, 'stroke red w2 [103]', 'stroke red w2 [4]']);
  });
});
