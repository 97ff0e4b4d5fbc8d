import { useEffect, useRef, useState, type Key } from 'react';
import CacheMap from '@rc-component/virtual-list/es/utils/CacheMap';

type Listener<T> = ((item: T) => void) | null | undefined;

const px = (value: string) => parseFloat(value) || 0;

/** The list's record of measured heights, counting the rows recorded at another height than the estimate. */
export class MeasuredHeights extends CacheMap {
  uneven = 0;
}

/**
 * Stands in for @rc-component/virtual-list 1.5's `hooks/useHeights` (the build swaps it in and passes it the
 * list's `itemHeight`: see `stableVirtualRows` in electron.vite.config.ts). Same results, less work per scroll frame:
 * - The original measured every shown row (a layout read and a getComputedStyle each) whenever one row appeared;
 *   here a row that appears is measured alone. A collection the list asks for itself (a resize, scrollTo)
 *   still measures every row.
 * - A row whose height is the list's estimate (`itemHeight`, what it assumes for rows it never measured) is not
 *   recorded and does not bump the mark: nothing would move, yet each bump re-rendered the list a second time
 *   per frame, and the record grew by every row ever shown (10,000 after one pass over a long table) while the
 *   list sums it on every change. `uneven` counts the rows recorded at another height: while it is 0 the list finds
 *   the rows to show by arithmetic (`uniformRange.ts`), even if a row once measured otherwise (while the page was
 *   still being laid out, say).
 */
export default function useHeights<T>(getKey: (item: T) => Key, onItemAdd?: Listener<T>, onItemRemove?: Listener<T>, itemHeight?: number) {
  const [updatedMark, setUpdatedMark] = useState(0);
  const instanceRef = useRef(new Map<Key, HTMLElement>());
  const heightsRef = useRef(new MeasuredHeights());
  const appeared = useRef(new Set<Key>());
  const measureAll = useRef(false);
  const promiseIdRef = useRef(0);

  function cancelRaf() {
    promiseIdRef.current += 1;
  }

  function doCollect() {
    const heights = heightsRef.current;
    const keys = measureAll.current ? [...instanceRef.current.keys()] : [...appeared.current];
    measureAll.current = false;
    appeared.current.clear();
    let changed = false;
    for (const key of keys) {
      const element = instanceRef.current.get(key);
      if (!element?.offsetParent) continue;
      const { marginTop, marginBottom } = getComputedStyle(element);
      const height = element.offsetHeight + px(marginTop) + px(marginBottom);
      const known = heights.get(key);
      if (known === height || (known === undefined && height === itemHeight)) continue;
      heights.uneven += Number(height !== itemHeight) - Number(known !== undefined && known !== itemHeight);
      heights.set(key, height);
      changed = true;
    }
    if (changed) setUpdatedMark((c) => c + 1);
  }

  function schedule(sync: boolean) {
    cancelRaf();
    if (sync) { doCollect(); return; }
    const id = promiseIdRef.current;
    Promise.resolve().then(() => { if (id === promiseIdRef.current) doCollect(); });
  }

  /** The list's own call: measure every shown row. */
  function collectHeight(sync = false) {
    measureAll.current = true;
    schedule(sync);
  }

  function setInstanceRef(item: T, instance: HTMLElement | null) {
    const key = getKey(item);
    const origin = instanceRef.current.get(key);
    if (instance) {
      instanceRef.current.set(key, instance);
      appeared.current.add(key);
      schedule(false);
    } else {
      instanceRef.current.delete(key);
      appeared.current.delete(key);
    }
    if (!origin !== !instance) {
      if (instance) onItemAdd?.(item);
      else onItemRemove?.(item);
    }
  }

  useEffect(() => cancelRaf, []);

  return [setInstanceRef, collectHeight, heightsRef.current, updatedMark] as const;
}
