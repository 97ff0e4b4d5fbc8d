import { useCallback, useEffect, useRef, useState } from 'react';
import { api, appErrorOf } from '../../api/client';
import type { AnnotatedImage, CanvasAnnotation } from '../../../../shared/contract/schemas/datasets';

type Box = [number, number, number, number];
export type Draft = Omit<CanvasAnnotation, 'id'> & { id: number | null };
/** One change: what an annotation was before and after (null: did not exist). */
export interface Change { before: CanvasAnnotation | null; after: Draft | null; /** The id of the deleted shape this change re-creates. */ recreates?: number }
/** One undoable step: the changes made together (a multi-selection move, a paste, …). */
type Step = { before: CanvasAnnotation | null; after: CanvasAnnotation | null }[];

export type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: string } | { kind: 'error'; message: string };

/**
 * One image's annotations. Shapes change on screen only after the main process has committed
 * them (each call returns), so what is shown is what is stored. Undo and redo replay whole steps;
 * a shape re-created by an undo gets a new id, and the other steps are rewritten to it.
 */
export function useAnnotations(dataset: string, file: string) {
  const [image, setImageState] = useState<AnnotatedImage | null>(null);
  // Also kept in a ref, updated at once: queued key actions read the result of the one before even
  // when React has not re-rendered in between.
  const latest = useRef<AnnotatedImage | null>(null);
  const setImage = useCallback((next: AnnotatedImage | null | ((img: AnnotatedImage | null) => AnnotatedImage | null)) => {
    latest.current = typeof next === 'function' ? next(latest.current) : next;
    setImageState(latest.current);
  }, []);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const undo = useRef<Step[]>([]);
  const redo = useRef<Step[]>([]);

  // Bumped when the image changes: a save or load still answering for the previous image must not touch this one
  // (its shape would appear here, and its undo step would delete on the other image).
  const generation = useRef(0);
  const load = useCallback(() => {
    const mine = generation.current;
    return api.datasets.annotations.query({ name: dataset, file }).then(
      (img) => { if (mine === generation.current) setImage(img); },
      (e) => { if (mine === generation.current) setSave({ kind: 'error', message: appErrorOf(e).message }); },
    );
  }, [dataset, file, setImage]);
  useEffect(() => {
    generation.current++;
    undo.current = [];
    redo.current = [];
    setImage(null);
    void load();
  }, [load]);

  /**
   * Writes each change in order (add, edit or delete) and shows them once committed: all together
   * at the end (or at the first failure), so a move of hundreds of selected shapes re-renders the
   * canvas once, not once per shape. The whole step is recorded for undo.
   */
  const applyMany = useCallback(async (changes: Change[], record: 'undo' | 'redo' | 'new' = 'new'): Promise<(CanvasAnnotation | null)[]> => {
    if (changes.length === 0) return [];
    const mine = generation.current;
    const current = () => mine === generation.current;
    setSave({ kind: 'saving' });
    const done: Step = [];
    const remap = new Map<number, number>();
    const results: (CanvasAnnotation | null)[] = [];
    // Committed so far, by id: the stored shape, or null once deleted (applied in order, so the last write wins).
    const committed = new Map<number, CanvasAnnotation | null>();
    let savedAt: string | null = null;
    try {
      for (const c of changes) {
        const { before, after } = c;
        let stored: CanvasAnnotation | null = null;
        if (after) {
          const r = await api.datasets.saveAnnotation.mutate({ name: dataset, file, id: after.id, label: after.label, bbox: after.bbox as Box | null, polygons: after.polygons, hidden: after.hidden, locked: after.locked });
          stored = { ...after, id: r.id };
          if (c.recreates !== undefined && c.recreates !== r.id) remap.set(c.recreates, r.id);
          savedAt = r.savedAt;
        } else if (before) {
          await api.datasets.deleteAnnotations.mutate({ name: dataset, ids: [before.id] });
          savedAt = new Date().toISOString();
        }
        if (before) committed.set(before.id, null);
        if (stored) committed.set(stored.id, stored);
        done.push({ before, after: stored });
        results.push(stored);
      }
      setSave({ kind: 'saved', at: savedAt ?? new Date().toISOString() });
    } catch (e) {
      setSave({ kind: 'error', message: appErrorOf(e).message });
    }
    if (committed.size && current()) setImage((img) => {
      if (!img) return img;
      const kept = img.annotations.filter((a) => !committed.has(a.id));
      const written = [...committed.values()].filter((a): a is CanvasAnnotation => a !== null);
      return { ...img, annotations: [...kept, ...written].sort((a, b) => a.id - b.id) };
    });
    // Shapes re-created by this step have new ids (SQLite may even hand out a neighbour's old one):
    // rewrite the remaining steps all at once, so none follows a chain or a swapped id.
    if (remap.size) {
      const to = <T extends { id: number }>(a: T | null): T | null => (a && remap.has(a.id) ? { ...a, id: remap.get(a.id)! } : a);
      for (const stack of [undo.current, redo.current]) stack.forEach((st, i) => { stack[i] = st.map((x) => ({ before: to(x.before), after: to(x.after) })); });
    }
    if (done.length && current()) {
      if (record === 'new') { undo.current.push(done); redo.current = []; }
      if (record === 'undo') redo.current.push(done);
      if (record === 'redo') undo.current.push(done);
    }
    return results;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dataset, file]);

  const apply = useCallback(async (before: CanvasAnnotation | null, after: Draft | null, record: 'undo' | 'redo' | 'new' = 'new') =>
    (await applyMany([{ before, after }], record))[0] ?? null, [applyMany]);

  // Replaying a step writes each change back, last first.
  const replay = useCallback(async (from: 'undo' | 'redo') => {
    const step = (from === 'undo' ? undo : redo).current.pop();
    if (!step) return;
    const changes = [...step].reverse().map((s): Change => ({ before: s.after, after: s.before ? { ...s.before, id: s.after ? s.after.id : null } : null, recreates: s.before && !s.after ? s.before.id : undefined }));
    await applyMany(changes, from);
  }, [applyMany]);

  return { image, current: () => latest.current, save, apply, applyMany, undo: () => replay('undo'), redo: () => replay('redo'), reload: load };
}
