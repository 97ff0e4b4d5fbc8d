import { describe, expect, it } from 'vitest';
import { uniformRange } from '../../../renderer/src/patches/uniformRange';

/** The walk @rc-component/virtual-list's List does over every row (heights all equal to the estimate). */
function walk(offsetTop: number, height: number, itemHeight: number, count: number) {
  let itemTop = 0;
  let startIndex: number | undefined;
  let startOffset: number | undefined;
  let endIndex: number | undefined;
  for (let i = 0; i < count; i += 1) {
    const bottom = itemTop + itemHeight;
    if (bottom >= offsetTop && startIndex === undefined) { startIndex = i; startOffset = itemTop; }
    if (bottom > offsetTop + height && endIndex === undefined) endIndex = i;
    itemTop = bottom;
  }
  return { startIndex, startOffset, endIndex, itemTop };
}

describe('uniformRange (the shown rows of a list of equal rows, without walking them)', () => {
  it('answers as the walk does at the edges: top, exact row boundaries, the end, past the end, empty', () => {
    for (const [top, height, h, n] of [[0, 600, 39, 1000], [39, 600, 39, 1000], [38, 600, 39, 1000], [40, 585, 39, 1000], [39 * 985, 585, 39, 1000],
      [39 * 1000, 585, 39, 1000], [39 * 2000, 585, 39, 1000], [0, 585, 39, 0], [0, 585, 39, 3], [12.5, 100.25, 24, 50]]) {
      expect(uniformRange(top, height, h, n)).toEqual(walk(top, height, h, n));
    }
  });

  it('answers as the walk does for many scroll positions', () => {
    for (let top = 0; top < 39 * 220; top += 7.3) expect(uniformRange(top, 607, 39, 200)).toEqual(walk(top, 607, 39, 200));
  });
});
