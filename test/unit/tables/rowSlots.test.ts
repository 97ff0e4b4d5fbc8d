import type { Key } from 'react';
import { describe, expect, it } from 'vitest';
import { assignSlots, domOrder } from '../../../renderer/src/patches/rowSlots';

const slotsOf = (map: Map<Key, number>, keys: Key[]) => keys.map((k) => map.get(k));

describe('assignSlots (virtual table rows keyed by slot)', () => {
  it('numbers the first rows from 0', () => {
    expect(slotsOf(assignSlots(new Map(), ['a', 'b', 'c']), ['a', 'b', 'c'])).toEqual([0, 1, 2]);
  });

  it('keeps the slots of rows still shown and gives rows scrolled in the slots of rows scrolled out', () => {
    const first = assignSlots(new Map(), ['a', 'b', 'c', 'd']);
    const next = assignSlots(first, ['c', 'd', 'e', 'f']); // scrolled two rows down
    expect(slotsOf(next, ['c', 'd'])).toEqual([2, 3]);
    expect(new Set(slotsOf(next, ['e', 'f']))).toEqual(new Set([0, 1]));
  });

  it('adds slots only when more rows are shown than before, and every shown row has its own', () => {
    const first = assignSlots(new Map(), [1, 2, 3]);
    const next = assignSlots(first, [3, 4, 5, 6, 7]);
    const slots = slotsOf(next, [3, 4, 5, 6, 7]);
    expect(next.get(3)).toBe(2);
    expect(new Set(slots).size).toBe(5);
    expect(Math.max(...(slots as number[]))).toBe(4);
  });

  it('after a jump to rows never shown reuses every slot', () => {
    const first = assignSlots(new Map(), ['a', 'b', 'c']);
    expect(new Set(slotsOf(assignSlots(first, ['x', 'y', 'z']), ['x', 'y', 'z']))).toEqual(new Set([0, 1, 2]));
  });
});

describe('domOrder (the DOM order of recycled rows)', () => {
  it('keeps the previous DOM order while scrolling: a row scrolled in takes the place of the row whose slot it took', () => {
    // DOM [0,1,2,3] showing rows a,b,c,d; scrolled two down: e,f took slots 0,1 -> shown slots top to bottom 2,3,0,1
    expect(domOrder([0, 1, 2, 3], [2, 3, 0, 1], false)).toEqual([0, 1, 2, 3]);
  });

  it('puts new slots last and drops slots no longer shown', () => {
    expect(domOrder([3, 0, 1, 2], [1, 2, 4, 5, 0], false)).toEqual([0, 1, 2, 4, 5]);
    expect(domOrder([], [0, 1, 2], false)).toEqual([0, 1, 2]);
  });

  it('settles into the shown order, top to bottom', () => {
    expect(domOrder([0, 1, 2, 3], [2, 3, 0, 1], true)).toEqual([2, 3, 0, 1]);
  });
});
