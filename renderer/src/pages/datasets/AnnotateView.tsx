import { useEffect, useMemo, useRef, useState } from 'react';
import { Space, Tag, Typography } from 'antd';
import { Circle, Image as KImage, Layer, Line, Rect, Stage, Transformer } from 'react-konva';
import type Konva from 'konva';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useCall } from '../../state/useCall';
import type { CanvasAnnotation, Label } from '../../../../shared/contract/schemas/datasets';
import { useAnnotations } from './useAnnotations';

type Box = [number, number, number, number];
const WIDTH = 1100, HEIGHT = 640;

/**
 * Boxes on one image: drag on empty space to draw, click to select, drag or pull the handles to
 * move and resize, label hotkeys, Delete, H hide, L lock, N / P next and previous image, C copy
 * the previous image's shapes, Ctrl+Z / Ctrl+Shift+Z undo and redo, wheel to zoom, Space+drag to pan.
 * G switches to polygons: click to add vertices, Enter to close and save, Escape to drop; the
 * vertices of a selected polygon can be dragged.
 */
export function AnnotateView({ dataset, file, labels, onFile }: { dataset: string; file: string; labels: Label[]; onFile: (file: string) => void }) {
  const { t } = useTranslation('datasets');
  const { image, save, apply, undo, redo } = useAnnotations(dataset, file);
  const picture = useCall(() => api.datasets.imageData.query({ name: dataset, file, maxSide: 4096 }), [dataset, file]);
  const [bitmap, setBitmap] = useState<HTMLImageElement | null>(null);
  const [label, setLabel] = useState(labels[0]?.name ?? '');
  const [selected, setSelected] = useState<number | null>(null);
  const [draft, setDraft] = useState<Box | null>(null);
  const [view, setView] = useState({ scale: 1, x: 0, y: 0 });
  const [panning, setPanning] = useState(false);
  const [mode, setMode] = useState<'box' | 'polygon'>('box');
  const [points, setPoints] = useState<number[]>([]);
  const stage = useRef<Konva.Stage>(null);
  const transformer = useRef<Konva.Transformer>(null);
  const color = useMemo(() => new Map(labels.map((l) => [l.name, l.color])), [labels]);

  useEffect(() => {
    if (!picture.data) return;
    const img = new window.Image();
    img.onload = () => setBitmap(img);
    img.src = picture.data.dataUrl;
    const fit = Math.min(WIDTH / picture.data.width, HEIGHT / picture.data.height);
    setView({ scale: fit, x: (WIDTH - picture.data.width * fit) / 2, y: (HEIGHT - picture.data.height * fit) / 2 });
    setSelected(null);
  }, [picture.data]);

  const current = image?.annotations.find((a) => a.id === selected) ?? null;
  useEffect(() => {
    const node = selected === null ? null : stage.current?.findOne(`#ann-${selected}`);
    transformer.current?.nodes(node && !current?.locked ? [node] : []);
  }, [selected, image, current?.locked]);

  const edit = (a: CanvasAnnotation, patch: Partial<CanvasAnnotation>) => void apply(a, { ...a, ...patch });

  useEffect(() => {
    const onKey = async (e: KeyboardEvent) => {
      if ((e.target as HTMLElement)?.tagName === 'INPUT') return;
      const byHotkey = labels.find((l) => l.hotkey === e.key);
      if (byHotkey) {
        setLabel(byHotkey.name);
        if (current && !current.locked) edit(current, { label: byHotkey.name });
      } else if ((e.key === 'Delete' || e.key === 'Backspace') && current && !current.locked) {
        await apply(current, null);
        setSelected(null);
      } else if (e.key === 'h' && current) edit(current, { hidden: !current.hidden });
      else if (e.key === 'l' && current) edit(current, { locked: !current.locked });
      else if (e.key === 'n' && image?.next) onFile(image.next);
      else if (e.key === 'p' && image?.previous) onFile(image.previous);
      else if (e.key === 'c' && image?.previous) {
        const prev = await api.datasets.annotations.query({ name: dataset, file: image.previous });
        for (const a of prev.annotations) await apply(null, { ...a, id: null, hidden: false, locked: false });
      } else if (e.key.toLowerCase() === 'z' && (e.ctrlKey || e.metaKey)) void (e.shiftKey ? redo() : undo());
      else if (e.key === 'g') { setMode((m) => (m === 'box' ? 'polygon' : 'box')); setPoints([]); }
      else if (e.key === 'Enter' && mode === 'polygon' && points.length >= 6) {
        const ring = points.map((v, i) => clampCoord(v, i % 2 === 0 ? 'x' : 'y'));
        setPoints([]);
        const stored = await apply(null, { id: null, label, bbox: null, polygons: [ring], iscrowd: false, hidden: false, locked: false });
        if (stored) setSelected(stored.id);
      }
      else if (e.key === 'Escape') { setSelected(null); setPoints([]); }
      else if (e.key === ' ') setPanning(true);
      else return;
      e.preventDefault();
    };
    const onUp = (e: KeyboardEvent) => { if (e.key === ' ') setPanning(false); };
    window.addEventListener('keydown', onKey);
    window.addEventListener('keyup', onUp);
    return () => { window.removeEventListener('keydown', onKey); window.removeEventListener('keyup', onUp); };
  });

  /** Pointer position in image pixels. */
  const pointer = (): [number, number] | null => {
    const p = stage.current?.getPointerPosition();
    return p ? [(p.x - view.x) / view.scale, (p.y - view.y) / view.scale] : null;
  };
  const clamp = (b: Box): Box => {
    const w = picture.data?.width ?? Infinity, h = picture.data?.height ?? Infinity;
    const x = Math.max(0, Math.min(b[0], w)), y = Math.max(0, Math.min(b[1], h));
    return [x, y, Math.max(0, Math.min(b[0] + b[2], w) - x), Math.max(0, Math.min(b[1] + b[3], h) - y)];
  };

  const clampCoord = (v: number, axis: 'x' | 'y') => Math.max(0, Math.min(v, (axis === 'x' ? picture.data?.width : picture.data?.height) ?? Infinity));
  const onDown = (e: Konva.KonvaEventObject<MouseEvent>) => {
    if (panning || e.target.name() !== 'background') return;
    setSelected(null);
    const p = pointer();
    if (mode === 'polygon') {
      if (p) setPoints((pts) => [...pts, p[0], p[1]]);
      return;
    }
    if (p && label) setDraft([p[0], p[1], 0, 0]);
  };
  const onMove = () => {
    if (!draft) return;
    const p = pointer();
    if (p) setDraft([draft[0], draft[1], p[0] - draft[0], p[1] - draft[1]]);
  };
  const onUpMouse = async () => {
    if (!draft) return;
    const b = clamp([Math.min(draft[0], draft[0] + draft[2]), Math.min(draft[1], draft[1] + draft[3]), Math.abs(draft[2]), Math.abs(draft[3])]);
    setDraft(null);
    if (b[2] * view.scale < 3 || b[3] * view.scale < 3) return; // a click, not a box
    const stored = await apply(null, { id: null, label, bbox: b, polygons: null, iscrowd: false, hidden: false, locked: false });
    if (stored) setSelected(stored.id);
  };
  const onWheel = (e: Konva.KonvaEventObject<WheelEvent>) => {
    e.evt.preventDefault();
    const p = stage.current?.getPointerPosition();
    if (!p) return;
    const scale = Math.min(64, Math.max(0.02, view.scale * (e.evt.deltaY < 0 ? 1.2 : 1 / 1.2)));
    const ix = (p.x - view.x) / view.scale, iy = (p.y - view.y) / view.scale;
    setView({ scale, x: p.x - ix * scale, y: p.y - iy * scale });
  };

  const rectEnd = (a: CanvasAnnotation, node: Konva.Node) => {
    const b = clamp([node.x(), node.y(), node.width() * node.scaleX(), node.height() * node.scaleY()]);
    node.scaleX(1);
    node.scaleY(1);
    edit(a, { bbox: b });
  };

  const saveText = save.kind === 'saving' ? t('annotate.saving') : save.kind === 'saved' ? t('annotate.saved', { at: save.at.slice(11, 19) }) : save.kind === 'error' ? save.message : '';

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Typography.Text strong>{file}</Typography.Text>
        {labels.map((l) => <Tag key={l.name} color={l.name === label ? l.color : undefined} onClick={() => setLabel(l.name)} style={{ cursor: 'pointer' }}>{l.hotkey ? `${l.hotkey} ` : ''}{l.name}</Tag>)}
        <Typography.Text type={save.kind === 'error' ? 'danger' : 'secondary'} data-testid="annotate-save-state">{saveText}</Typography.Text>
        <Tag color={mode === 'polygon' ? 'purple' : 'blue'} data-testid="annotate-mode">{t(`annotate.mode.${mode}`)}</Tag>
        <Typography.Text type="secondary" data-testid="annotate-count">{t('annotate.count', { count: image?.annotations.length ?? 0 })}</Typography.Text>
      </Space>
      <div data-testid="annotate-canvas" style={{ border: '1px solid rgba(0,0,0,0.15)', width: WIDTH, height: HEIGHT, background: '#1f1f1f' }}>
        <Stage ref={stage} width={WIDTH} height={HEIGHT} x={view.x} y={view.y} scaleX={view.scale} scaleY={view.scale} draggable={panning}
          onDragEnd={(e) => { if (e.target === stage.current) setView((v) => ({ ...v, x: e.target.x(), y: e.target.y() })); }}
          onMouseDown={onDown} onMouseMove={onMove} onMouseUp={onUpMouse} onWheel={onWheel}>
          <Layer imageSmoothingEnabled={view.scale < 4}>
            {picture.data && <Rect name="background" x={0} y={0} width={picture.data.width} height={picture.data.height} fill="#333" />}
            {bitmap && picture.data && <KImage name="background" image={bitmap} x={0} y={0} width={picture.data.width} height={picture.data.height} />}
            {image?.annotations.filter((a) => a.bbox && !a.polygons && !a.hidden).map((a) => (
              <Rect key={a.id} id={`ann-${a.id}`} x={a.bbox![0]} y={a.bbox![1]} width={a.bbox![2]} height={a.bbox![3]}
                stroke={color.get(a.label) ?? '#1677ff'} strokeWidth={2} strokeScaleEnabled={false} fill={a.id === selected ? 'rgba(22,119,255,0.15)' : undefined}
                dash={a.locked ? [4, 4] : undefined} draggable={!a.locked && !panning}
                onMouseDown={(e) => { e.cancelBubble = true; setSelected(a.id); }}
                onDragEnd={(e) => rectEnd(a, e.target)} onTransformEnd={(e) => rectEnd(a, e.target)} />
            ))}
            {image?.annotations.filter((a) => a.polygons && !a.hidden).map((a) => (
              <Line key={`p${a.id}`} points={a.polygons![0]} closed stroke={color.get(a.label) ?? '#1677ff'} strokeWidth={2} strokeScaleEnabled={false}
                fill={a.id === selected ? 'rgba(22,119,255,0.2)' : 'rgba(22,119,255,0.05)'} dash={a.locked ? [4, 4] : undefined}
                onMouseDown={(e) => { e.cancelBubble = true; setSelected(a.id); }} />
            ))}
            {current?.polygons && !current.locked && current.polygons[0].map((_, i) => (i % 2 === 0 ? (
              <Circle key={`v${i}`} x={current.polygons![0][i]} y={current.polygons![0][i + 1]} radius={5 / view.scale} fill="#fff" stroke="#1677ff" strokeWidth={1} strokeScaleEnabled={false} draggable
                onMouseDown={(e) => { e.cancelBubble = true; }}
                onDragEnd={(e) => {
                  const ring = [...current.polygons![0]];
                  ring[i] = clampCoord(e.target.x(), 'x');
                  ring[i + 1] = clampCoord(e.target.y(), 'y');
                  edit(current, { polygons: [ring, ...current.polygons!.slice(1)], bbox: null });
                }} />
            ) : null))}
            {points.length > 0 && <Line points={points} stroke={color.get(label) ?? '#1677ff'} strokeWidth={1} strokeScaleEnabled={false} dash={[6, 3]} listening={false} />}
            {points.length > 0 && points.map((_, i) => (i % 2 === 0 ? <Circle key={`d${i}`} x={points[i]} y={points[i + 1]} radius={3 / view.scale} fill="#fff" listening={false} /> : null))}
            {draft && <Rect x={Math.min(draft[0], draft[0] + draft[2])} y={Math.min(draft[1], draft[1] + draft[3])} width={Math.abs(draft[2])} height={Math.abs(draft[3])}
              stroke={color.get(label) ?? '#1677ff'} strokeWidth={1} strokeScaleEnabled={false} dash={[6, 3]} listening={false} />}
            <Transformer ref={transformer} rotateEnabled={false} keepRatio={false} ignoreStroke />
          </Layer>
        </Stage>
      </div>
      <Typography.Text type="secondary">{t('annotate.keys')}</Typography.Text>
    </Space>
  );
}
