// COCO run-length masks. Counts alternate background/foreground runs in column-major order,
// starting with background. The compressed string form is pycocotools' LEB128-like code with
// deltas against the count two places back (rleFrString in maskApi.c).
import type { Bbox, Rle } from './model';

export function decodeCounts(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= s.length) throw new Error('compressed RLE ends inside a number');
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63) throw new Error(`character ${JSON.stringify(s[p])} at ${p} is not RLE code`);
      x += (c & 0x1f) * 2 ** (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x -= 2 ** (5 * k); // sign bit: the value is negative
    }
    if (counts.length > 2) x += counts[counts.length - 2];
    counts.push(x);
  }
  return counts;
}

/** Plain counts of either form, checked against the mask size. */
export function rleCounts(rle: Rle): number[] {
  const counts = typeof rle.counts === 'string' ? decodeCounts(rle.counts) : rle.counts;
  const [h, w] = rle.size;
  let sum = 0;
  for (const c of counts) {
    if (!Number.isInteger(c) || c < 0) throw new Error(`run length ${c} is not a non-negative integer`);
    sum += c;
  }
  if (sum !== h * w) throw new Error(`runs cover ${sum} pixels, the mask has ${h}×${w} = ${h * w}`);
  return counts;
}

/** Foreground pixel count. */
export function rleArea(counts: number[]): number {
  let a = 0;
  for (let i = 1; i < counts.length; i += 2) a += counts[i];
  return a;
}

/** Tight box of the foreground in pixel units (as pycocotools' toBbox). */
export function rleBbox(counts: number[], h: number): Bbox {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  let pos = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i];
    if (i % 2 === 1 && n > 0) {
      const start = pos, end = pos + n - 1;
      const cs = Math.floor(start / h), ce = Math.floor(end / h);
      x0 = Math.min(x0, cs);
      x1 = Math.max(x1, ce);
      if (cs === ce) {
        y0 = Math.min(y0, start % h);
        y1 = Math.max(y1, end % h);
      } else {
        y0 = 0;
        y1 = h - 1;
      }
    }
    pos += n;
  }
  return x0 === Infinity ? [0, 0, 0, 0] : [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}
