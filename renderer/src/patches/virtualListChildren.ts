import { createElement, useMemo, useRef, type Key, type ReactElement, type ReactNode } from 'react';
import { Item } from '@rc-component/virtual-list/es/Item';

type RenderInfo = { style: { width?: number }; offsetX: number };

/**
 * Stands in for @rc-component/virtual-list 1.5's `hooks/useChildren` (the build swaps it in: see
 * `stableVirtualRows` in electron.vite.config.ts). The original hands every visible row a new
 * `style` object and a new ref callback on each render, so on every scroll frame React re-renders
 * every visible row of an antd virtual table (the row memo sees new props) and detaches and
 * re-attaches each row's ref, which makes the list measure every row again (a forced layout per
 * frame). Here both are stable: the render info changes only with the width or horizontal offset,
 * and each row key keeps one ref callback for as long as it is mounted. Same arguments and output.
 */
export default function useChildren<T>(
  list: T[], startIndex: number, endIndex: number, scrollWidth: number | undefined, offsetX: number,
  setNodeRef: (item: T, element: HTMLElement | null) => void,
  renderFunc: (item: T, index: number, info: RenderInfo) => ReactElement,
  { getKey }: { getKey: (item: T) => Key },
): ReactNode[] {
  const info = useMemo<RenderInfo>(() => ({ style: { width: scrollWidth }, offsetX }), [scrollWidth, offsetX]);
  const latestSetNodeRef = useRef(setNodeRef);
  latestSetNodeRef.current = setNodeRef;
  const items = useRef(new Map<Key, T>());
  const refs = useRef(new Map<Key, (element: HTMLElement | null) => void>());
  return list.slice(startIndex, endIndex + 1).map((item, i) => {
    const key = getKey(item);
    items.current.set(key, item);
    let setRef = refs.current.get(key);
    if (!setRef) {
      setRef = (element) => {
        latestSetNodeRef.current(items.current.get(key)!, element);
        if (!element) { refs.current.delete(key); items.current.delete(key); } // unmounted: forget the row
      };
      refs.current.set(key, setRef);
    }
    return createElement(Item, { key, setRef, children: renderFunc(item, startIndex + i, info) });
  });
}
