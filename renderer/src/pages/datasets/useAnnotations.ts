import { useCallback, useEffect, useRef, useState } from 'react';
import { api, appErrorOf } from '../../api/client';
import type { AnnotatedImage, CanvasAnnotation } from '../../../../shared/contract/schemas/datasets';

type Box = [number, number, number, number];
/** One undoable step: what an annotation was before and after (null: did not exist). */
interface Step { before: CanvasAnnotation | null; after: CanvasAnnotation | null }

export type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: string } | { kind: 'error'; message: string };

/**
 * One image's annotations. Shapes change on screen only after the main process has committed
 * them (the call returns), so what is shown is what is stored; undo and redo replay steps.
 */
export function useAnnotations(dataset: string, file: string) {
  const [image, setImage] = useState<AnnotatedImage | null>(null);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const undo = useRef<Step[]>([]);
  const redo = useRef<Step[]>([]);

  const load = useCallback(() => api.datasets.annotations.query({ name: dataset, file }).then(setImage, (e) => setSave({ kind: 'error', message: appErrorOf(e).message })), [dataset, file]);
  useEffect(() => {
    undo.current = [];
    redo.current = [];
    setImage(null);
    void load();
  }, [load]);

  /** Writes `after` over `before` (add, edit or delete) and records the step. */
  const apply = useCallback(async (before: CanvasAnnotation | null, after: Omit<CanvasAnnotation, 'id'> & { id: number | null } | null, record: 'undo' | 'redo' | 'new' = 'new'): Promise<CanvasAnnotation | null> => {
    setSave({ kind: 'saving' });
    try {
      let stored: CanvasAnnotation | null = null;
      if (after) {
        const r = await api.datasets.saveAnnotation.mutate({ name: dataset, file, id: after.id, label: after.label, bbox: after.bbox as Box | null, polygons: after.polygons, hidden: after.hidden, locked: after.locked });
        stored = { ...after, id: r.id };
        setSave({ kind: 'saved', at: r.savedAt });
      } else if (before) {
        await api.datasets.deleteAnnotations.mutate({ name: dataset, ids: [before.id] });
        setSave({ kind: 'saved', at: new Date().toISOString() });
      }
      setImage((img) => {
        if (!img) return img;
        let list = img.annotations.filter((a) => a.id !== before?.id && a.id !== stored?.id);
        if (stored) list = [...list, stored].sort((a, b) => a.id - b.id);
        return { ...img, annotations: list };
      });
      const step = { before, after: stored };
      if (record === 'new') { undo.current.push(step); redo.current = []; }
      if (record === 'undo') redo.current.push({ before: stored, after: before });
      if (record === 'redo') undo.current.push(step);
      return stored;
    } catch (e) {
      setSave({ kind: 'error', message: appErrorOf(e).message });
      return null;
    }
  }, [dataset, file]);

  // Undoing a delete re-creates the annotation (with a new id), so later steps follow the new id.
  const replay = useCallback(async (from: 'undo' | 'redo') => {
    const step = (from === 'undo' ? undo : redo).current.pop();
    if (!step) return;
    const target = step.before ? { ...step.before, id: step.after ? step.after.id : null } : null;
    await apply(step.after, target, from);
  }, [apply]);

  return { image, save, apply, undo: () => replay('undo'), redo: () => replay('redo'), reload: load };
}
