import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { Modal, Space, Table, Tag, Typography } from 'antd';
import { Circle, Image as KImage, Layer, Line, Rect, Shape, Stage, Transformer } from 'react-konva';
import type Konva from 'konva';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';
import type { CanvasAnnotation, Label } from '../../../../shared/contract/schemas/datasets';
import { useAnnotations, type Change } from './useAnnotations';
import { useTiles } from './useTiles';
import { SaveStatus } from './SaveStatus';
import { boundsOf, drawnShapes, ShapeIndex } from './annotation/shapeIndex';
import { PaintCache } from './annotation/paintCache';
import { DEFAULT_COLOR, HOVER_FILL, paintShapes, SELECTED_FILL, SELECTED_POLYGON_FILL, STROKE, type PaintedSelection } from './annotation/paintShapes';

type Box = [number, number, number, number];
type View = { scale: number; x: number; y: number };
type Painted = { shapes: CanvasAnnotation[]; color: Map<string, string>; skip: Set<number>; selection?: PaintedSelection; size: { width: number; height: number } | null };
const WIDTH = 1100, HEIGHT = 640;

/** The shortcut sheet (?), in the order shown; each row's text is annotate.sheet.<id>. */
export const SHORTCUTS: [keys: string, id: string][] = [
  ['Drag', 'draw'], ['Click', 'select'], ['Shift+Click', 'addSelect'], ['Shift+Drag', 'band'], ['Ctrl+A', 'selectAll'],
  ['1–9 …', 'label'], ['Delete', 'delete'], ['H', 'hide'], ['Shift+H', 'showAll'], ['L', 'lock'],
  ['C', 'copy'], ['Ctrl+Z', 'undo'], ['Ctrl+Shift+Z / Ctrl+Y', 'redo'], ['N / P', 'next'],
  ['G', 'polygon'], ['Enter', 'close'], ['Escape', 'escape'], ['Wheel', 'zoom'], ['Space+Drag', 'pan'], ['?', 'sheet'],
];

/** How far from an outline, in screen pixels, a press or hover still finds the shape. */
const SLACK = 4;
/** A selection larger than this is painted with the rest (no node each, no transformer): Ctrl+A on 2,000 boxes stays smooth. */
const NODE_LIMIT = 100;

/**
 * Boxes and polygons on one image (shapes are in full-resolution pixels): drag on empty space to
 * draw, click to select, Shift+click and Shift+drag (rubber band) to select several, drag or pull
 * the handles to move and resize, label hotkeys, Delete, H hide, L lock, N / P next and previous
 * image, C copy the previous image's shapes, Ctrl+Z / Ctrl+Shift+Z undo and redo (whole steps),
 * wheel to zoom, Space+drag to pan, ? the shortcut sheet. Large images come as an overview and
 * tiles of the level the zoom needs.
 *
 * Thousands of shapes: every shape that is not selected is drawn by one painter shape in the
 * picture's layer (paintShapes), the same at rest and while the view moves; only the selection (with
 * the transformer or the polygon's vertex handles) and the hover highlight are Konva nodes. Presses and
 * hovers find their shape through ShapeIndex, in drawing order, and moving boxes is done here, not
 * by Konva's dragging (a just-pressed shape has no node yet).
 */
export function AnnotateView({ dataset, file, labels, onFile }: { dataset: string; file: string; labels: Label[]; onFile: (file: string) => void }) {
  const { t } = useTranslation('datasets');
  const { image, current: latestImage, save, apply, applyMany, undo, redo } = useAnnotations(dataset, file);
  const picture = useCall(() => api.datasets.imageView.query({ name: dataset, file }), [dataset, file]);
  const [bitmap, setBitmap] = useState<HTMLImageElement | null>(null);
  // The label and the selection also live in refs, updated at once, like the image's shapes in
  // useAnnotations: a queued key acts on what the keys before it left, not on the last render.
  const [label, setLabelState] = useState(labels[0]?.name ?? '');
  const labelRef = useRef(label);
  const setLabel = (l: string) => { labelRef.current = l; setLabelState(l); };
  const [selected, setSelectedState] = useState<number[]>([]);
  const selectedRef = useRef<number[]>([]);
  const setSelected = (next: number[] | ((sel: number[]) => number[])) => {
    selectedRef.current = typeof next === 'function' ? next(selectedRef.current) : next;
    setSelectedState(selectedRef.current);
  };
  const keyQueue = useRef<Promise<void>>(Promise.resolve());
  const [queuedKeys, setQueuedKeys] = useState(0); // shown as data-keys: tests wait for the queue to drain
  const [draft, setDraft] = useState<Box | null>(null);
  const [band, setBand] = useState<Box | null>(null);
  // `view` is the committed view (tiles, data-view); `live` is what the stage shows this moment: a
  // wheel zoom moves the stage directly and commits the view once the wheel rests, so React does not
  // re-render the page for every wheel step.
  const [view, setViewState] = useState<View>({ scale: 1, x: 0, y: 0 });
  const live = useRef<View>(view);
  const setView = (v: View) => { live.current = v; setViewState(v); };
  const [panning, setPanning] = useState(false);
  const [mode, setModeState] = useState<'box' | 'polygon'>('box');
  const modeRef = useRef<'box' | 'polygon'>('box');
  const setMode = (m: 'box' | 'polygon') => { modeRef.current = m; setModeState(m); };
  // The polygon being drawn and the mode also live in refs, so a key or click handled before React
  // re-rendered still sees the latest vertices (a fast Enter after the last click closes the ring).
  const [points, setPointsState] = useState<number[]>([]);
  const pointsRef = useRef<number[]>([]);
  const setPoints = (p: number[]) => { pointsRef.current = p; setPointsState(p); };
  const [sheet, setSheet] = useState(false);
  const stage = useRef<Konva.Stage>(null);
  const transformer = useRef<Konva.Transformer>(null);
  const paintLayer = useRef<Konva.Layer>(null);
  const moveTimer = useRef<number | null>(null);
  const paintedRef = useRef<Painted>({ shapes: [], color: new Map(), skip: new Set(), size: null });
  // a bitmap of the painted shapes up to four canvases' worth of pixels (11 MB at 1100 × 640)
  const paintCache = useRef(new PaintCache(4 * WIDTH * HEIGHT * Math.max(1, window.devicePixelRatio || 1) ** 2));
  const commitTimer = useRef<number | null>(null);
  const [hover, setHover] = useState<number | null>(null);
  /** True from a press on a shape until its button is released: the selected boxes follow the pointer meanwhile. */
  const moving = useRef(false);
  const color = useMemo(() => new Map(labels.map((l) => [l.name, l.color])), [labels]);
  const size = picture.data ? { width: picture.data.width, height: picture.data.height } : null;
  const tiles = useTiles(dataset, file, picture.data ?? null, view, WIDTH, HEIGHT);
  const box = useRef<HTMLDivElement>(null);
  const settled = useSettled(box);

  // A layout effect: the view fits the image before anything is drawn with the new size.
  useLayoutEffect(() => {
    setBitmap(null);
    if (!picture.data) return;
    const img = new window.Image();
    img.onload = () => setBitmap(img);
    img.src = picture.data.overview.dataUrl;
    const fit = Math.min(WIDTH / picture.data.width, HEIGHT / picture.data.height);
    const fitted = { scale: fit, x: (WIDTH - picture.data.width * fit) / 2, y: (HEIGHT - picture.data.height * fit) / 2 };
    if (commitTimer.current !== null) window.clearTimeout(commitTimer.current);
    commitTimer.current = null;
    stage.current?.scale({ x: fit, y: fit }).position(fitted); // even if a wheel left the stage where the committed view is not
    setView(fitted);
    setSelected([]);
    setHover(null);
  }, [picture.data]);
  useEffect(() => () => { if (commitTimer.current !== null) window.clearTimeout(commitTimer.current); }, []);

  const annotations = image?.annotations ?? [];
  const chosen = annotations.filter((a) => selected.includes(a.id));
  const current = chosen.length === 1 ? chosen[0] : null;
  const asNodes = chosen.length <= NODE_LIMIT;
  const drawn = useMemo(() => drawnShapes(annotations), [annotations]);
  const index = useMemo(() => new ShapeIndex(drawn), [drawn]);
  const hovered = hover === null || selected.includes(hover) ? null : drawn.find((a) => a.id === hover) ?? null;
  // A layout effect (react-konva has committed its nodes by then): the resize handles hold the
  // selection from the commit that shows it.
  useLayoutEffect(() => {
    const nodes = chosen.filter((a) => !a.locked && !a.hidden && a.bbox && !a.polygons).map((a) => stage.current?.findOne(`#ann-${a.id}`)).filter((n): n is Konva.Node => !!n);
    transformer.current?.nodes(asNodes ? nodes : []);
  }, [selected, image]); // eslint-disable-line react-hooks/exhaustive-deps

  /** One step changing each of `list` with `patch` (for locked shapes only what `allowLocked` allows). */
  const patchAll = (list: CanvasAnnotation[], patch: (a: CanvasAnnotation) => Partial<CanvasAnnotation>) =>
    applyMany(list.map((a): Change => ({ before: a, after: { ...a, ...patch(a) } })));

  // A layout effect: the listener is current before the screen shows the state it acts on. Keys
  // that read or change the shapes, the selection or the image are queued: each runs once the one
  // before has been saved and sees its result (relabel, delete, hide, lock, undo pressed faster than
  // saves return act one after the other, as ClassifyView's keys do).
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement)?.tagName === 'INPUT') return;
      const ctrl = e.ctrlKey || e.metaKey;
      const key = e.key, lower = e.key.toLowerCase();
      const byHotkey = !ctrl && labels.find((l) => l.hotkey !== null && l.hotkey.toLowerCase() === lower && key !== 'H');
      if (!ctrl && key === 'g') { setMode(modeRef.current === 'box' ? 'polygon' : 'box'); setPoints([]); }
      else if (!ctrl && key === '?') { e.stopImmediatePropagation(); setSheet((s) => !s); } // this sheet, not the app's
      else if (!ctrl && key === ' ') setPanning(true);
      else {
        if (!keyAction(key, lower, ctrl, e.shiftKey, byHotkey || null)) return;
        setQueuedKeys((n) => n + 1);
        const done = () => setQueuedKeys((n) => n - 1); // a failed save shows in the save state
        // Resolved when its turn comes, from the latest render: after N or P that is the next image's.
        keyQueue.current = keyQueue.current.then(() => keyActionRef.current(key, lower, ctrl, e.shiftKey, byHotkey || null)?.()).then(done, done);
      }
      e.preventDefault();
    };
    const onUp = (e: KeyboardEvent) => { if (e.key === ' ') setPanning(false); };
    // Capture: the canvas's keys come before the app-wide ones (its '?' sheet replaces the app's).
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('keyup', onUp);
    return () => { window.removeEventListener('keydown', onKey, true); window.removeEventListener('keyup', onUp); };
  });

  /** What a queued key does, reading the shapes and the selection when its turn comes; null: not a canvas key. */
  const keyAction = (key: string, lower: string, ctrl: boolean, shift: boolean, byHotkey: Label | null): (() => Promise<unknown>) | null => {
    const now = () => {
      const img = latestImage(), all = img?.annotations ?? [];
      const chosen = all.filter((a) => selectedRef.current.includes(a.id));
      return { img, all, chosen, movable: chosen.filter((a) => !a.locked) };
    };
    if (byHotkey) return async () => {
      setLabel(byHotkey.name);
      await patchAll(now().movable.filter((a) => a.label !== byHotkey.name), () => ({ label: byHotkey.name }));
    };
    if (key === 'Delete' || key === 'Backspace') return async () => {
      const { movable } = now();
      if (!movable.length) return;
      await applyMany(movable.map((a) => ({ before: a, after: null })));
      setSelected([]);
    };
    if (ctrl && lower === 'a') return async () => setSelected(now().all.filter((a) => !a.hidden).map((a) => a.id));
    if (ctrl && (lower === 'z' || lower === 'y')) return () => (shift || lower === 'y' ? redo() : undo());
    if (ctrl) return null;
    if (key === 'H') return () => patchAll(now().all.filter((a) => a.hidden), () => ({ hidden: false }));
    if (key === 'h') return async () => {
      const { chosen } = now();
      if (!chosen.length) return;
      const hide = chosen.some((a) => !a.hidden);
      await patchAll(chosen, () => ({ hidden: hide }));
      if (hide) setSelected([]);
    };
    if (key === 'l') return async () => {
      const { chosen } = now();
      if (chosen.length) await patchAll(chosen, () => ({ locked: chosen.some((a) => !a.locked) }));
    };
    if (key === 'n' || key === 'p') return async () => {
      const { img } = now(), to = key === 'n' ? img?.next : img?.previous;
      if (!to) return;
      onFile(to);
      // The keys queued behind this one are for the next image: they wait until it is loaded.
      for (const started = Date.now(); latestImage()?.file !== to && Date.now() - started < 10_000;) await new Promise((r) => requestAnimationFrame(r));
    };
    if (key === 'c') return async () => {
      const { img } = now();
      if (!img?.previous) return;
      const prev = await api.datasets.annotations.query({ name: dataset, file: img.previous });
      const fits = prev.annotations.filter((a) => { const b = boundsOf(a); return !b || !size || (b[0] + b[2] <= size.width && b[1] + b[3] <= size.height); });
      const made = await applyMany(fits.map((a) => ({ before: null, after: { ...a, id: null, hidden: false, locked: false } })));
      setSelected(made.filter((a): a is CanvasAnnotation => !!a).map((a) => a.id));
    };
    // Enter is the canvas's only while a polygon can be closed (elsewhere it presses buttons).
    if (key === 'Enter' && modeRef.current === 'polygon' && pointsRef.current.length >= 6) return async () => {
      const ring = pointsRef.current.map((v, i) => clampCoord(v, i % 2 === 0 ? 'x' : 'y'));
      setPoints([]);
      const stored = await apply(null, { id: null, label: labelRef.current, bbox: null, polygons: [ring], iscrowd: false, hidden: false, locked: false });
      if (stored) setSelected([stored.id]);
    };
    if (key === 'Escape') return async () => { setSelected([]); setPoints([]); };
    return null;
  };
  const keyActionRef = useRef(keyAction);
  keyActionRef.current = keyAction;

  /** Pointer position in full-resolution image pixels. */
  const pointer = (): [number, number] | null => {
    const p = stage.current?.getPointerPosition();
    const v = live.current;
    return p ? [(p.x - v.x) / v.scale, (p.y - v.y) / v.scale] : null;
  };
  const clamp = (b: Box): Box => {
    const w = size?.width ?? Infinity, h = size?.height ?? Infinity;
    const x = Math.max(0, Math.min(b[0], w)), y = Math.max(0, Math.min(b[1], h));
    return [x, y, Math.max(0, Math.min(b[0] + b[2], w) - x), Math.max(0, Math.min(b[1] + b[3], h) - y)];
  };
  const clampCoord = (v: number, axis: 'x' | 'y') => Math.max(0, Math.min(v, (axis === 'x' ? size?.width : size?.height) ?? Infinity));
  const normal = (b: Box): Box => [Math.min(b[0], b[0] + b[2]), Math.min(b[1], b[1] + b[3]), Math.abs(b[2]), Math.abs(b[3])];

  /** The topmost shape under the pointer (the selection first: it is drawn above the rest). */
  const shapeAt = (p: [number, number]) => index.at(p[0], p[1], SLACK / live.current.scale, new Set(selectedRef.current));

  const onDown = (e: Konva.KonvaEventObject<MouseEvent>) => {
    // transformer handles and polygon vertices handle their own presses; shapes are found here
    if (panning || !size || e.target !== stage.current) return;
    const p = pointer();
    if (!p) return;
    const drawingRing = modeRef.current === 'polygon' && pointsRef.current.length > 0;
    const hit = drawingRing || draft ? null : shapeAt(p);
    if (hit) { pick(hit.id, e.evt.shiftKey, p); return; }
    if (p[0] < 0 || p[1] < 0 || p[0] > size.width || p[1] > size.height) return; // beside the image
    if (e.evt.shiftKey) { setBand([p[0], p[1], 0, 0]); return; }
    setSelected([]);
    if (modeRef.current === 'polygon') { setPoints([...pointsRef.current, p[0], p[1]]); return; }
    if (label) setDraft([p[0], p[1], 0, 0]);
  };
  const onMove = () => {
    if (moving.current) return; // followed on the window
    const p = pointer();
    if (!p) return;
    const from = draft ?? band;
    if (!from) {
      const over = panning ? null : shapeAt(p);
      if ((over?.id ?? null) !== hover) setHover(over?.id ?? null);
      const container = stage.current?.container();
      if (container) container.style.cursor = over ? (over.locked || over.polygons ? 'pointer' : 'move') : '';
      return;
    }
    const next: Box = [from[0], from[1], p[0] - from[0], p[1] - from[1]];
    if (draft) setDraft(next); else setBand(next);
  };
  const onUpMouse = async () => {
    if (band) {
      const b = normal(band);
      setBand(null);
      const inside = annotations.filter((a) => {
        const s = boundsOf(a);
        return !a.hidden && s && s[0] >= b[0] && s[1] >= b[1] && s[0] + s[2] <= b[0] + b[2] && s[1] + s[3] <= b[1] + b[3];
      }).map((a) => a.id);
      setSelected((sel) => [...new Set([...sel, ...inside])]);
      return;
    }
    if (!draft) return;
    const b = clamp(normal(draft));
    setDraft(null);
    if (b[2] * live.current.scale < 3 || b[3] * live.current.scale < 3) return; // a click, not a box
    const stored = await apply(null, { id: null, label, bbox: b, polygons: null, iscrowd: false, hidden: false, locked: false });
    if (stored) setSelected([stored.id]);
  };
  const onWheel = (e: Konva.KonvaEventObject<WheelEvent>) => {
    e.evt.preventDefault();
    const s = stage.current, p = s?.getPointerPosition();
    if (!s || !p) return;
    if (hover !== null) setHover(null); // the shape under the pointer changes as the view zooms; the next move finds it
    const v = live.current;
    const scale = Math.min(64, Math.max(0.005, v.scale * (e.evt.deltaY < 0 ? 1.2 : 1 / 1.2)));
    const ix = (p.x - v.x) / v.scale, iy = (p.y - v.y) / v.scale;
    live.current = { scale, x: p.x - ix * scale, y: p.y - iy * scale };
    // the view (tiles, data-view) is committed once the wheel rests: no React render per wheel step
    if (commitTimer.current !== null) window.clearTimeout(commitTimer.current);
    commitTimer.current = window.setTimeout(() => { commitTimer.current = null; setView(live.current); }, IDLE_MS);
    s.scale({ x: scale, y: scale }).position(live.current);
    s.batchDraw();
  };

  // Resizes of one or several boxes end in one step. Konva may end each attached node separately,
  // so the step is made once, after the last of them, from every selected box whose node changed.
  const commitResizes = () => {
    moveTimer.current = null;
    const changes: Change[] = [];
    for (const a of latestImage()?.annotations ?? []) {
      if (!a.bbox || a.polygons || !selectedRef.current.includes(a.id)) continue;
      const node = stage.current?.findOne(`#ann-${a.id}`);
      if (!node) continue;
      const b = clamp([node.x(), node.y(), node.width() * node.scaleX(), node.height() * node.scaleY()]);
      node.scaleX(1);
      node.scaleY(1);
      node.position({ x: a.bbox[0], y: a.bbox[1] }); // shown where it is stored until the save returns
      if (!a.locked && b.some((v, i) => v !== a.bbox![i])) changes.push({ before: a, after: { ...a, bbox: b } });
    }
    void applyMany(changes);
  };
  const resizeEnded = () => { if (moveTimer.current === null) moveTimer.current = window.setTimeout(commitResizes, 0); };

  /** A press on shape `id`: Shift toggles it in the selection; else it becomes the selection (unless already in it) and the selected boxes follow the pointer. */
  const pick = (id: number, shift: boolean, p: [number, number]) => {
    if (shift) { setSelected((sel) => (sel.includes(id) ? sel.filter((s) => s !== id) : [...sel, id])); return; }
    if (!selectedRef.current.includes(id)) setSelected([id]);
    const all = latestImage()?.annotations ?? [];
    const chosenNow = new Set(selectedRef.current);
    const boxes = new Map(all.filter((a) => chosenNow.has(a.id) && !a.locked && !a.hidden && a.bbox && !a.polygons).map((a) => [a.id, a.bbox as Box]));
    if (boxes.size === 0) return;
    moving.current = true;
    const painted = chosenNow.size > NODE_LIMIT, ids = new Set(boxes.keys());
    const place = (dx: number, dy: number) => {
      if (painted && paintedRef.current.selection) {
        paintedRef.current.selection = { ids: paintedRef.current.selection.ids, shift: { ids, dx, dy } };
        paintCache.current.invalidate();
      }
      else for (const [bid, b] of boxes) stage.current?.findOne(`#ann-${bid}`)?.position({ x: b[0] + dx, y: b[1] + dy });
      stage.current?.batchDraw();
    };
    const delta = (ev: MouseEvent): [number, number] => {
      stage.current?.setPointersPositions(ev);
      const q = pointer() ?? p;
      return [q[0] - p[0], q[1] - p[1]];
    };
    const onWindowMove = (ev: MouseEvent) => {
      place(...delta(ev));
    };
    const onWindowUp = (ev: MouseEvent) => {
      window.removeEventListener('mousemove', onWindowMove, true);
      window.removeEventListener('mouseup', onWindowUp, true);
      const [dx, dy] = delta(ev);
      moving.current = false;
      place(0, 0); // shown where it is stored until the save returns
      if (!dx && !dy) return;
      const changes: Change[] = [];
      for (const a of latestImage()?.annotations ?? []) {
        const b = boxes.get(a.id);
        if (!b || a.locked) continue;
        const to = clamp([b[0] + dx, b[1] + dy, b[2], b[3]]);
        if (to.some((v, i) => v !== a.bbox![i])) changes.push({ before: a, after: { ...a, bbox: to } });
      }
      void applyMany(changes);
    };
    window.addEventListener('mousemove', onWindowMove, true);
    window.addEventListener('mouseup', onWindowUp, true);
  };

  const shapes = useMemo(() => JSON.stringify(annotations.map((a) => ({ id: a.id, label: a.label, bbox: a.bbox, polygons: a.polygons, hidden: a.hidden, locked: a.locked }))), [annotations]);
  // The painter draws from a ref and its layer is redrawn only when what it draws changes (or the view
  // moves): a hover, a draft or the selection's handles redraw the layer above it, not 2,000 shapes.
  useLayoutEffect(() => {
    paintedRef.current = asNodes ? { shapes: drawn, color, skip: new Set(selected), size } : { shapes: drawn, color, skip: new Set(), selection: { ids: new Set(selected) }, size };
    paintCache.current.invalidate();
    paintLayer.current?.batchDraw();
  }, [drawn, color, selected, size?.width, size?.height]); // eslint-disable-line react-hooks/exhaustive-deps
  const paint = useCallback((context: Konva.Context, shape: Konva.Shape) => {
    const { shapes: list, color: colors, skip, selection, size: image } = paintedRef.current;
    const scale = shape.getAbsoluteScale().x;
    const direct = (target: CanvasRenderingContext2D) => paintShapes(target, list, colors, scale, skip, selection);
    if (image) paintCache.current.draw(context._context, scale, context.canvas.getPixelRatio(), image.width, image.height, direct);
    else direct(context._context);
  }, []);
  /** A Konva node for a selected shape (moved and resized through it) or the hovered one. */
  const node = (a: CanvasAnnotation, look: 'selected' | 'hover') => {
    const stroke = color.get(a.label) ?? DEFAULT_COLOR, dash = a.locked ? [4, 4] : undefined;
    const common = { stroke, strokeWidth: look === 'hover' ? STROKE + 1 : STROKE, strokeScaleEnabled: false, dash, listening: false, perfectDrawEnabled: false } as const;
    if (a.polygons) return <Line key={`${look}-p${a.id}`} points={a.polygons[0]} closed fill={look === 'hover' ? HOVER_FILL : SELECTED_POLYGON_FILL} {...common} />;
    return <Rect key={`${look}-${a.id}`} id={look === 'selected' ? `ann-${a.id}` : undefined} x={a.bbox![0]} y={a.bbox![1]} width={a.bbox![2]} height={a.bbox![3]}
      fill={look === 'hover' ? HOVER_FILL : SELECTED_FILL} shadowForStrokeEnabled={false} {...common} />;
  };
  const overlay = (asNodes && chosen.length > 0) || !!hovered || !!draft || !!band || points.length > 0;
  const hiddenCount = annotations.filter((a) => a.hidden).length;
  // Ready once the canvas also stands still at its full size: the dialog it opens in zooms in from
  // a smaller scale, and a drag begun during that lands (correctly) on the shrunken picture, not where
  // the finished layout puts the pixels.
  const ready = !!bitmap && !!image && !!picture.data && settled;

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Typography.Text strong data-testid="annotate-file">{file}</Typography.Text>
        {labels.map((l) => <Tag key={l.name} color={l.name === label ? l.color : undefined} onClick={() => setLabel(l.name)} style={{ cursor: 'pointer' }}>{l.hotkey ? `${l.hotkey} ` : ''}{l.name}</Tag>)}
        <SaveStatus save={save} testId="annotate-save-state" />
        <Tag color={mode === 'polygon' ? 'purple' : 'blue'} data-testid="annotate-mode">{t(`annotate.mode.${mode}`)}</Tag>
        {/* Counted once the image's size and view are known too: from then on drawing lands where it is aimed. */}
        <Typography.Text type="secondary" data-testid="annotate-count">{image && size ? t('annotate.count', { count: annotations.length }) : ''}</Typography.Text>
        <Typography.Text type="secondary" data-testid="annotate-selection">
          {t('annotate.selection', { count: chosen.length })}{hiddenCount ? ` · ${t('annotate.hidden', { count: hiddenCount })}` : ''}{chosen.some((a) => a.locked) ? ` · ${t('annotate.locked')}` : ''}
        </Typography.Text>
        {picture.error && <Typography.Text type="danger">{picture.error.message}</Typography.Text>}
      </Space>
      <div ref={box} data-testid="annotate-canvas" data-ready={ready ? '1' : '0'} data-view={JSON.stringify(view)} data-shapes={shapes} data-selected={JSON.stringify(selected)} data-hover={hover ?? ''}
        data-tiles={tiles.shown.length} data-vertices={points.length / 2} data-keys={queuedKeys} style={{ border: '1px solid rgba(0,0,0,0.15)', width: WIDTH, height: HEIGHT, background: '#1f1f1f' }}>
        <Stage ref={stage} width={WIDTH} height={HEIGHT} x={view.x} y={view.y} scaleX={view.scale} scaleY={view.scale} draggable={panning}
          onDragEnd={(e) => { if (e.target === stage.current) setView({ ...live.current, x: e.target.x(), y: e.target.y() }); }}
          onMouseDown={onDown} onMouseMove={onMove} onMouseUp={onUpMouse} onWheel={onWheel} onMouseLeave={() => setHover(null)}>
          {/* The picture and the painted shapes share one layer: every layer is one more canvas to
              rasterize and hand to the compositor each frame the view moves. */}
          <Layer ref={paintLayer} imageSmoothingEnabled={view.scale < 4} listening={false}>
            {size && <Rect x={0} y={0} width={size.width} height={size.height} fill="#333" />}
            {bitmap && size && <KImage image={bitmap} x={0} y={0} width={size.width} height={size.height} />}
            {tiles.shown.map((tl) => <KImage key={tl.key} image={tl.image} x={tl.x} y={tl.y} width={tl.width} height={tl.height} />)}
            <Shape listening={false} perfectDrawEnabled={false} sceneFunc={paint} />
          </Layer>
          {/* Not listening while Space is held: a pan begun over a handle moves the view. Hidden while it
              has nothing to show, so a moving view redraws one canvas, not two. */}
          <Layer listening={!panning} visible={overlay}>
            {asNodes && chosen.filter((a) => !a.hidden && (a.bbox || a.polygons)).map((a) => node(a, 'selected'))}
            {hovered && node(hovered, 'hover')}
            {current?.polygons && !current.locked && !current.hidden && current.polygons[0].map((_, i) => (i % 2 === 0 ? (
              <Circle key={`v${i}`} x={current.polygons![0][i]} y={current.polygons![0][i + 1]} radius={5 / view.scale} fill="#fff" stroke="#1677ff" strokeWidth={1} strokeScaleEnabled={false} draggable
                onMouseDown={(e) => { e.cancelBubble = true; }}
                onDragEnd={(e) => {
                  const ring = [...current.polygons![0]];
                  ring[i] = clampCoord(e.target.x(), 'x');
                  ring[i + 1] = clampCoord(e.target.y(), 'y');
                  void apply(current, { ...current, polygons: [ring, ...current.polygons!.slice(1)], bbox: null });
                }} />
            ) : null))}
            {points.length > 0 && <Line points={points} stroke={color.get(label) ?? '#1677ff'} strokeWidth={1} strokeScaleEnabled={false} dash={[6, 3]} listening={false} />}
            {points.length > 0 && points.map((_, i) => (i % 2 === 0 ? <Circle key={`d${i}`} x={points[i]} y={points[i + 1]} radius={3 / view.scale} fill="#fff" listening={false} /> : null))}
            {draft && <Rect x={Math.min(draft[0], draft[0] + draft[2])} y={Math.min(draft[1], draft[1] + draft[3])} width={Math.abs(draft[2])} height={Math.abs(draft[3])}
              stroke={color.get(label) ?? '#1677ff'} strokeWidth={1} strokeScaleEnabled={false} dash={[6, 3]} listening={false} />}
            {band && <Rect x={Math.min(band[0], band[0] + band[2])} y={Math.min(band[1], band[1] + band[3])} width={Math.abs(band[2])} height={Math.abs(band[3])}
              stroke="#fff" strokeWidth={1} strokeScaleEnabled={false} dash={[3, 3]} fill="rgba(255,255,255,0.08)" listening={false} />}
            <Transformer ref={transformer} rotateEnabled={false} keepRatio={false} ignoreStroke onTransformEnd={resizeEnded} />
          </Layer>
        </Stage>
      </div>
      <Typography.Text type="secondary">{t('annotate.keys')}</Typography.Text>
      <Modal open={sheet} onCancel={() => setSheet(false)} footer={null} title={t('annotate.sheetTitle')} width={560} data-testid="annotate-sheet">
        <Table size="small" pagination={false} rowKey="id" data-testid="annotate-sheet-table"
          dataSource={SHORTCUTS.map(([keys, id]) => ({ keys, id }))}
          columns={[{ title: t('annotate.sheetKeys'), dataIndex: 'keys', width: 180, render: (k: string) => <Typography.Text keyboard>{k}</Typography.Text> }, { title: t('annotate.sheetAction'), dataIndex: 'id', render: (id: string) => t(`annotate.sheet.${id}`) }]} />
      </Modal>
    </Space>
  );
}

/**
 * True once `ref`'s element has finished arriving: neither it nor an ancestor is in an enter/appear/
 * leave motion (antd's Modal zooms in through rc-motion: a prepare and a start frame with no animation
 * yet, then a CSS animation from scale 0.2; its `<name>-appear` class stays on for all of them) or
 * runs a finite CSS animation or transition, and its box did not change between two frames. Until
 * then its pixels are not where its layout puts them.
 */
function useSettled(ref: RefObject<HTMLElement | null>): boolean {
  const [settled, setSettled] = useState(false);
  useEffect(() => {
    let frame = 0, last = '';
    const moving = (el: Element) => {
      for (let n: Element | null = el; n; n = n.parentElement) {
        if ([...n.classList].some((c) => /-(appear|enter|leave)$/.test(c))) return true;
        if (n.getAnimations().some((a) => a.playState === 'running' && a.effect?.getComputedTiming().endTime !== Infinity)) return true;
      }
      return false;
    };
    const check = () => {
      const el = ref.current;
      if (el) {
        const r = el.getBoundingClientRect();
        const here = `${r.left},${r.top},${r.width},${r.height}`;
        if (here === last && !moving(el)) { setSettled(true); return; }
        last = here;
      }
      frame = window.requestAnimationFrame(check);
    };
    frame = window.requestAnimationFrame(check);
    return () => window.cancelAnimationFrame(frame);
  }, [ref]);
  return settled;
}

/** The wheel's zoom is committed as the view (tiles, data-view) once the wheel has rested this long. */
const IDLE_MS = 120;
