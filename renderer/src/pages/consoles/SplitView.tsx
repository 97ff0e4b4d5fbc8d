import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { Splitter } from 'antd';
import { panesOf, type Layout, type Pane } from './paneLayout';

interface Rect { left: number; top: number; width: number; height: number }

/**
 * A tab's split tree. The splitters (antd Splitter, draggable bars) hold only empty slots; the
 * panes themselves are one flat keyed list laid over their slots. So splitting or closing a
 * pane, which reshapes the tree, never remounts a terminal: its session and scrollback stay.
 */
export function SplitView({ layout, renderPane }: { layout: Layout; renderPane: (pane: Pane) => ReactNode }) {
  const container = useRef<HTMLDivElement>(null);
  const slots = useRef(new Map<string, HTMLDivElement>());
  const [rects, setRects] = useState<Record<string, Rect>>({});

  const measure = useCallback(() => {
    const c = container.current;
    if (!c) return;
    const base = c.getBoundingClientRect();
    const measured = [...slots.current].map(([key, el]) => [key, el.getBoundingClientRect()] as const);
    setRects((prev) => {
      const next: Record<string, Rect> = {};
      for (const [key, r] of measured) {
        // A hidden tab measures 0×0: its panes keep their last place (and a pane never measured waits).
        if (r.width === 0 || r.height === 0) { if (prev[key]) next[key] = prev[key]; continue; }
        next[key] = { left: r.left - base.left, top: r.top - base.top, width: r.width, height: r.height };
      }
      return sameRects(prev, next) ? prev : next;
    });
  }, []);

  useLayoutEffect(measure);
  useEffect(() => {
    const observer = new ResizeObserver(measure);
    observer.observe(container.current!);
    for (const el of slots.current.values()) observer.observe(el);
    return () => observer.disconnect();
  }, [layout, measure]);

  const slotRef = useCallback((key: string, el: HTMLDivElement | null) => {
    if (el) slots.current.set(key, el);
    else slots.current.delete(key);
  }, []);

  return (
    <div ref={container} style={{ position: 'relative', height: '100%', width: '100%' }}>
      <div style={{ position: 'absolute', inset: 0, zIndex: 1, pointerEvents: 'none' }}>
        <Tree node={layout} slotRef={slotRef} onResize={measure} />
      </div>
      {panesOf(layout).map((pane) => {
        const r = rects[pane.key];
        // A pane appears once its slot has been measured: a terminal opened at 0×0 would start its shell 2 columns wide.
        return r && (
          <div key={pane.key} data-testid="console-pane" style={{ position: 'absolute', left: r.left, top: r.top, width: r.width, height: r.height }}>
            {renderPane(pane)}
          </div>
        );
      })}
    </div>
  );
}

function Tree({ node, slotRef, onResize }: { node: Layout; slotRef: (key: string, el: HTMLDivElement | null) => void; onResize: () => void }) {
  if (node.type === 'pane') return <div ref={(el) => slotRef(node.pane.key, el)} style={{ width: '100%', height: '100%' }} />;
  const keys = node.children.map(keyOf);
  return (
    // The splitter sits above the panes but lets clicks through, except on its bars. A pane added or closed makes a
    // new splitter: its panels start in equal shares instead of squeezing the new one into the old sizes.
    <Splitter key={keys.join(' ')} orientation={node.orientation} onResize={onResize} onResizeEnd={onResize} style={{ height: '100%', pointerEvents: 'none' }}
      styles={{ panel: { pointerEvents: 'none', overflow: 'hidden' }, dragger: { default: { pointerEvents: 'auto' } } }}>
      {node.children.map((child, i) => (
        <Splitter.Panel key={keys[i]} min={60}>
          <Tree node={child} slotRef={slotRef} onResize={onResize} />
        </Splitter.Panel>
      ))}
    </Splitter>
  );
}

const keyOf = (node: Layout) => (node.type === 'pane' ? node.pane.key : node.key);

function sameRects(a: Record<string, Rect>, b: Record<string, Rect>): boolean {
  const keys = Object.keys(b);
  if (keys.length !== Object.keys(a).length) return false;
  return keys.every((k) => a[k] && a[k].left === b[k].left && a[k].top === b[k].top && a[k].width === b[k].width && a[k].height === b[k].height);
}
