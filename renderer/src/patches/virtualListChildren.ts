import { createElement, useContext, useEffect, useMemo, useRef, useState, type Key, type ReactElement, type ReactNode } from 'react';
import { Item } from '@rc-component/virtual-list/es/Item';
import { assignSlots, domOrder } from './rowSlots';
import { RecycleRowsContext } from './recycleRows';
import { useTableDrawState } from './virtualBodyLine';

type RenderInfo = { style: { width?: number; order?: number }; offsetX: number };

/** How long after the last scroll a recycling list puts its rows' DOM back in reading order. */
const SETTLE_MS = 250;

/** A row of an antd/rc-table virtual body (its flattened record), as opposed to a Select option or a tree node. */
const isTableRow = (item: unknown) => typeof item === 'object' && item !== null && 'record' in item && 'indent' in item;

/**
 * Stands in for @rc-component/virtual-list 1.5's `hooks/useChildren` (the build swaps it in: see
 * `stableVirtualRows` in electron.vite.config.ts). Same arguments and output, three changes:
 * - The original hands every visible row a new `style` object and a new ref callback on each render, so on
 *   every scroll frame React re-rendered every visible row (the row memo saw new props) and the list measured
 *   every row again. Here the render info changes only with the width or horizontal offset (and, in a table, with
 *   what its rows draw from), and each row key keeps one ref callback for as long as it is shown.
 * - Rows of a table that allows it (`RecycleRowsContext`, PageTable's `recycleRows`) are keyed by slot rather
 *   than by row key (`rowSlots.ts`): a row scrolled out hands its React tree and DOM to the row scrolled in,
 *   which then only re-renders with the new record. Mounting a row (a dozen cells and a checkbox, ~55
 *   components and their DOM) was most of a scroll frame's React work and garbage. The ref callback still
 *   follows the row key, so the list forgets the old row's element and measures the new one. Other tables and
 *   virtual lists (Select, Tree) keep row keys: their rows may hold state or animate.
 */
export default function useChildren<T>(
  list: T[], startIndex: number, endIndex: number, scrollWidth: number | undefined, offsetX: number,
  setNodeRef: (item: T, element: HTMLElement | null) => void,
  renderFunc: (item: T, index: number, info: RenderInfo) => ReactElement,
  { getKey }: { getKey: (item: T) => Key },
): ReactNode[] {
  // A table's rows also get new props when what they draw from changes (virtualBodyLine.ts): one subscription here
  // instead of several in every row.
  const [fixed, columns, tableWidth, shadows, offsets] = useTableDrawState() ?? [];
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const info = useMemo<RenderInfo>(() => ({ style: { width: scrollWidth }, offsetX }), [scrollWidth, offsetX, fixed, columns, tableWidth, shadows, offsets]);
  const latestSetNodeRef = useRef(setNodeRef);
  latestSetNodeRef.current = setNodeRef;
  const items = useRef(new Map<Key, T>());
  const refs = useRef(new Map<Key, (element: HTMLElement | null) => void>());
  const slots = useRef(new Map<Key, number>());
  const made = useRef(new Map<Key, { item: T; index: number; info: RenderInfo; render: typeof renderFunc; slot: number | undefined; element: ReactElement }>());
  const order = useRef<number[]>([]);
  const [settleTick, setSettleTick] = useState(0);
  const settled = useRef(0);
  const shown = list.slice(startIndex, endIndex + 1);
  const keys = shown.map(getKey);
  const recycle = useContext(RecycleRowsContext) && shown.length > 0 && isTableRow(shown[0]);
  if (recycle) slots.current = assignSlots(slots.current, keys); // same answer if React renders twice
  // Recycled rows keep their DOM places while the list scrolls (domOrder) and are put back in reading order once it
  // stops; meanwhile each row is placed on screen by CSS `order` (the list's rows are items of a flex column).
  useEffect(() => {
    if (!recycle) return;
    const timer = setTimeout(() => setSettleTick((t) => t + 1), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [recycle, startIndex, endIndex]);
  const elements = shown.map((item, i) => {
    const key = keys[i];
    const index = startIndex + i;
    const slot = recycle ? slots.current.get(key) : undefined;
    const last = made.current.get(key);
    if (last && last.item === item && last.index === index && last.info === info && last.render === renderFunc && last.slot === slot) return last.element;
    items.current.set(key, item);
    let setRef = refs.current.get(key);
    if (!setRef) {
      setRef = (element) => {
        latestSetNodeRef.current(items.current.get(key)!, element);
        if (!element) { refs.current.delete(key); items.current.delete(key); } // gone or recycled: forget the row
      };
      refs.current.set(key, setRef);
    }
    // A recycled row's own info: its place on screen (`order`) follows its index, not its DOM place.
    const rowInfo = recycle ? { style: { ...info.style, order: index }, offsetX: info.offsetX } : info;
    const element = createElement(Item, { key: recycle ? `slot-${slot}` : key, setRef, children: renderFunc(item, index, rowInfo) });
    made.current.set(key, { item, index, info, render: renderFunc, slot, element });
    return element;
  });
  if (recycle) {
    const settle = settleTick !== settled.current;
    settled.current = settleTick;
    order.current = domOrder(order.current, keys.map((k) => slots.current.get(k)!), settle);
    if (!settle) {
      const place = new Map(order.current.map((slot, at) => [slot, at]));
      const placed: ReactNode[] = new Array(elements.length);
      elements.forEach((element, i) => { placed[place.get(slots.current.get(keys[i])!)!] = element; });
      elements.splice(0, elements.length, ...(placed as ReactElement[]));
    }
  }
  const shownKeys = new Set(keys);
  for (const key of made.current.keys()) if (!shownKeys.has(key)) made.current.delete(key);
  return elements;
}
