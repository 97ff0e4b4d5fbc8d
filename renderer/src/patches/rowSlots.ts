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
