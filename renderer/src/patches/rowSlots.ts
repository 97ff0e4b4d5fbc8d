import type { Key } from 'react';

/**
 * Gives each shown row a slot number: a row still shown keeps its slot, a newly shown row takes a slot
 * freed by a row that left (lowest first), and only when none is free a new one. Slots of shown rows are
 * distinct, so they can key React elements; a virtual list keyed this way re-renders its existing rows
 * with new records instead of unmounting some and mounting others. Returns a new map (row key → slot).
 */
export function assignSlots(previous: ReadonlyMap<Key, number>, keys: readonly Key[]): Map<Key, number> {
  const next = new Map<Key, number>();
  const taken = new Set<number>();
  for (const key of keys) {
    const slot = previous.get(key);
    if (slot !== undefined && !next.has(key)) { next.set(key, slot); taken.add(slot); }
  }
  let candidate = 0;
  for (const key of keys) {
    if (next.has(key)) continue;
    while (taken.has(candidate)) candidate++;
    next.set(key, candidate);
    taken.add(candidate);
  }
  return next;
}

/**
 * The order in which a recycling list hands React its rows (so the order of their DOM elements), by slot:
 * - while scrolling, the previous order: a row scrolled in takes the DOM place of the row whose slot it took, so
 *   React moves no element (a moved element is taken out of the page's layout and style and built again: most of
 *   a scroll frame's style work and of the browser's own garbage), and the rows are placed on screen by CSS `order`;
 *   slots that are new go last;
 * - when `settle` (the list stopped scrolling), the shown order, so that the DOM reads top to bottom again for
 *   keyboard focus, screen readers and text selection.
 * `shownSlots` are the shown rows' slots from top to bottom. Returns the new order (a new array).
 */
export function domOrder(previous: readonly number[], shownSlots: readonly number[], settle: boolean): number[] {
  if (settle) return [...shownSlots];
  const shown = new Set(shownSlots);
  const kept = previous.filter((slot) => shown.has(slot));
  if (kept.length === shownSlots.length) return kept;
  const placed = new Set(kept);
  return [...kept, ...[...shownSlots].filter((slot) => !placed.has(slot)).sort((a, b) => a - b)];
}
