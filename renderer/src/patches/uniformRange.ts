/**
 * The rows a virtual list shows when every row has the estimated height: what @rc-component/virtual-list's List
 * computes by walking all rows and summing heights (50,000 key look-ups per scroll frame on the jobs table),
 * answered by arithmetic. The build calls it from List.js only while no row was measured at another height
 * (see `stableVirtualRows` in electron.vite.config.ts). Same fields and the same answer as that walk:
 * `startIndex` is the first row whose bottom is at or below `offsetTop`, `endIndex` the first whose bottom is
 * below `offsetTop + height`, either undefined when no row qualifies, and `itemTop` the height of all rows.
 */
export function uniformRange(offsetTop: number, height: number, itemHeight: number, count: number) {
  const bottom = (i: number) => (i + 1) * itemHeight;
  let start = Math.max(0, Math.ceil(offsetTop / itemHeight) - 1);
  while (start > 0 && bottom(start - 1) >= offsetTop) start--; // guard the division's rounding
  while (bottom(start) < offsetTop) start++;
  const viewBottom = offsetTop + height;
  let end = Math.max(0, Math.floor(viewBottom / itemHeight));
  while (end > 0 && bottom(end - 1) > viewBottom) end--;
  while (bottom(end) <= viewBottom) end++;
  return {
    startIndex: start < count ? start : undefined,
    startOffset: start < count ? start * itemHeight : undefined,
    endIndex: end < count ? end : undefined,
    itemTop: count * itemHeight,
  };
}
