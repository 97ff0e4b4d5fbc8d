// A tab's panes as a tree of splits (Tabby-style): a split lays its children side by side
// ('horizontal') or stacked ('vertical'); leaves are panes. Pure functions, so the page can keep
// the tree in state and tests can check the shapes.

export interface Pane { key: string; kind: string; target: string; receives: boolean }
export type Layout =
  | { type: 'pane'; pane: Pane }
  | { type: 'split'; key: string; orientation: 'horizontal' | 'vertical'; children: Layout[] };

/** 'right' puts the new pane beside the focused one, 'down' below it. */
export type SplitDirection = 'right' | 'down';

let splitCounter = 0;
const splitKey = () => `s${++splitCounter}`;

/** Panes in reading order (left to right, top to bottom). */
export function panesOf(layout: Layout): Pane[] {
  return layout.type === 'pane' ? [layout.pane] : layout.children.flatMap(panesOf);
}

/** The grid a node set opens as: rows of up to 4 columns, as square as the count allows. */
export function gridLayout(panes: Pane[]): Layout {
  if (panes.length === 1) return { type: 'pane', pane: panes[0] };
  const n = panes.length;
  const columns = n <= 4 ? 2 : n <= 9 ? 3 : 4;
  const rows: Layout[] = [];
  for (let i = 0; i < n; i += columns) {
    const row = panes.slice(i, i + columns).map((pane): Layout => ({ type: 'pane', pane }));
    rows.push(row.length === 1 ? row[0] : { type: 'split', key: splitKey(), orientation: 'horizontal', children: row });
  }
  return rows.length === 1 ? rows[0] : { type: 'split', key: splitKey(), orientation: 'vertical', children: rows };
}

/** Adds `fresh` beside (right) or below (down) the pane `at`; an unknown `at` changes nothing. */
export function splitPane(layout: Layout, at: string, direction: SplitDirection, fresh: Pane): Layout {
  const orientation = direction === 'right' ? 'horizontal' : 'vertical';
  const leaf: Layout = { type: 'pane', pane: fresh };
  if (layout.type === 'pane') {
    return layout.pane.key === at ? { type: 'split', key: splitKey(), orientation, children: [layout, leaf] } : layout;
  }
  const index = layout.children.findIndex((c) => c.type === 'pane' && c.pane.key === at);
  // Same direction as this split: a sibling next to it, not a split inside a split.
  if (index >= 0 && layout.orientation === orientation) {
    return { ...layout, children: [...layout.children.slice(0, index + 1), leaf, ...layout.children.slice(index + 1)] };
  }
  return { ...layout, children: layout.children.map((c) => splitPane(c, at, direction, fresh)) };
}

/** The layout without the pane `key`; a split left with one child becomes that child; null when nothing is left. */
export function removePane(layout: Layout, key: string): Layout | null {
  if (layout.type === 'pane') return layout.pane.key === key ? null : layout;
  const children = layout.children.map((c) => removePane(c, key)).filter((c): c is Layout => c !== null);
  if (children.length === 0) return null;
  if (children.length === 1) return children[0];
  return { ...layout, children };
}

export function updatePane(layout: Layout, key: string, patch: Partial<Pane>): Layout {
  if (layout.type === 'pane') return layout.pane.key === key ? { type: 'pane', pane: { ...layout.pane, ...patch } } : layout;
  return { ...layout, children: layout.children.map((c) => updatePane(c, key, patch)) };
}

/** What is saved to reopen next time: the shape and each pane's kind and node, nothing else. */
export type SavedLayout = { kind: string; target: string } | { orientation: 'horizontal' | 'vertical'; children: SavedLayout[] };

export function saveLayout(layout: Layout): SavedLayout {
  return layout.type === 'pane'
    ? { kind: layout.pane.kind, target: layout.pane.target }
    : { orientation: layout.orientation, children: layout.children.map(saveLayout) };
}

/** A saved layout read back, keeping only well-formed panes of known kinds (at most `max`); null if none. */
export function restoreLayout(saved: unknown, newKey: () => string, kinds: string[], max: number, depth = 0): Layout | null {
  if (!saved || typeof saved !== 'object' || depth > 8) return null;
  const s = saved as Record<string, unknown>;
  if (typeof s.target === 'string' && typeof s.kind === 'string') {
    if (!kinds.includes(s.kind) || max < 1) return null;
    return { type: 'pane', pane: { key: newKey(), kind: s.kind, target: s.target, receives: true } };
  }
  if ((s.orientation !== 'horizontal' && s.orientation !== 'vertical') || !Array.isArray(s.children)) return null;
  const children: Layout[] = [];
  let left = max;
  for (const c of s.children) {
    const child = restoreLayout(c, newKey, kinds, left, depth + 1);
    if (!child) continue;
    left -= panesOf(child).length;
    children.push(child);
  }
  if (children.length === 0) return null;
  if (children.length === 1) return children[0];
  return { type: 'split', key: splitKey(), orientation: s.orientation, children };
}
