// Multi-dimensional folding: turn a set of index tuples into the list of vectors
// (one IndexSet per dimension) that ClusterShell prints, e.g. r[1-2]n[1-4],r3n[1-2].
//
// Why a faithful re-implementation: the folded form of a non-rectangular set is not unique
// (a1b2,a1b3,a2b2 could be a1b[2-3],a2b2 or a[1-2]b2,a1b3), and ClusterShell's answer is whatever
// RangeSetND's greedy merge produces. Its result depends only on the set of tuples: the merge
// starts from single-tuple vectors sorted by a key that is unique for them. So we run the same
// algorithm — sort by ClusterShell's key, "easy" passes merging neighbours, then "full" passes
// merging any pair that differs in exactly one dimension — and get the same text.
//
// Why it is still fast: RangeSetND's full pass compares every pair (quadratic). Here each full
// pass indexes vectors by "all dimensions but d" (a hash of the sets) so a vector only meets the
// candidates that can merge with it, visited in the same order as the quadratic scan would.
// Merges mutate the surviving vector's sets in place (they are owned by the fold).

import { IndexSet } from './indexSet';
import { compareText } from './order';

export type Vector = IndexSet[];

/** Fold a set of tuples (all of the same dimension, at least 2) into ClusterShell's vectors. */
export function foldTuples(tuples: Iterable<readonly string[]>): Vector[] {
  let list: Vector[] = [];
  for (const t of tuples) list.push(t.map((x) => IndexSet.of(x)));
  if (list.length <= 1) return list;

  let full = false;
  let changed = true;
  while (changed) {
    changed = false;
    list = sortVectors(list);
    const pass = full ? fullPass(list) : easyPass(list);
    list = pass.list;
    changed = pass.changed;
    if (!changed && !full) changed = full = true;
  }
  return list;
}

/**
 * RangeSetND._sort: larger vectors first, then per dimension larger sets first, then the first
 * and last index compared as text. Array.prototype.sort is stable, like Python's.
 */
function sortVectors(list: Vector[]): Vector[] {
  const dims = list[0].length;
  const keyed = list.map((v) => {
    let prod = 1;
    const sizes: number[] = new Array(dims);
    const firsts: string[] = new Array(dims);
    const lasts: string[] = new Array(dims);
    for (let d = 0; d < dims; d++) {
      const s = v[d];
      sizes[d] = s.size;
      prod *= s.size;
      firsts[d] = s.first();
      lasts[d] = s.size === 1 ? firsts[d] : s.last();
    }
    return { v, prod, sizes, firsts, lasts };
  });
  keyed.sort((a, b) => {
    if (a.prod !== b.prod) return b.prod - a.prod;
    for (let d = 0; d < dims; d++) {
      if (a.sizes[d] !== b.sizes[d]) return b.sizes[d] - a.sizes[d];
      const f = compareText(a.firsts[d], b.firsts[d]);
      if (f !== 0) return f;
      const l = compareText(a.lasts[d], b.lasts[d]);
      if (l !== 0) return l;
    }
    return 0;
  });
  return keyed.map((k) => k.v);
}

/** How two vectors merge: which dimension differs and how, or null when they do not merge. */
type Merge = { pos: number; how: 'union' | 'keepOther' | 'keepSelf' } | { pos: -1; how: 'same' };

/** RangeSetND merge test: equal in every dimension but at most one, which is disjoint or nested. */
function mergeOf(a: Vector, b: Vector): Merge | null {
  let found: Merge | null = null;
  for (let pos = 0; pos < a.length; pos++) {
    const x = a[pos];
    const y = b[pos];
    if (x.equals(y)) continue;
    if (found) return null;
    if (!x.intersects(y)) found = { pos, how: 'union' };
    else if (x.size > y.size && y.isSubsetOf(x)) found = { pos, how: 'keepSelf' };
    else if (y.size > x.size && x.isSubsetOf(y)) found = { pos, how: 'keepOther' };
    else return null;
  }
  return found ?? { pos: -1, how: 'same' };
}

function applyMerge(a: Vector, b: Vector, m: Merge): void {
  if (m.how === 'union') a[m.pos].addAll(b[m.pos]);
  else if (m.how === 'keepOther') a[m.pos] = b[m.pos];
}

/** Merge each vector with the following ones until the first that does not merge. */
function easyPass(list: Vector[]): { list: Vector[]; changed: boolean } {
  const out: Vector[] = [];
  let changed = false;
  let i = 0;
  while (i < list.length) {
    const item = list[i];
    let j = i + 1;
    while (j < list.length) {
      const m = mergeOf(item, list[j]);
      if (!m) break;
      applyMerge(item, list[j], m);
      changed = true;
      j++;
    }
    out.push(item);
    i = j;
  }
  return { list: out, changed };
}

const SMALL_FULL_PASS = 128;

/** Merge each vector with every later vector that merges, in list order. */
function fullPass(list: Vector[]): { list: Vector[]; changed: boolean } {
  return list.length <= SMALL_FULL_PASS ? fullPassDirect(list) : fullPassIndexed(list);
}

function fullPassDirect(list: Vector[]): { list: Vector[]; changed: boolean } {
  const alive = new Uint8Array(list.length).fill(1);
  const out: Vector[] = [];
  let changed = false;
  for (let p = 0; p < list.length; p++) {
    if (!alive[p]) continue;
    const item = list[p];
    for (let q = p + 1; q < list.length; q++) {
      if (!alive[q]) continue;
      const m = mergeOf(item, list[q]);
      if (!m) continue;
      applyMerge(item, list[q], m);
      alive[q] = 0;
      changed = true;
    }
    out.push(item);
  }
  return { list: out, changed };
}

/**
 * Same result as fullPassDirect. A vector at position p only ever merges with later vectors
 * that are equal to it in all dimensions but one, so for each dimension d we bucket vectors by a
 * hash of their other dimensions and look for the first live candidate after the scan cursor.
 * Vectors after p are untouched until their own turn, so buckets built at the start stay valid.
 */
function fullPassIndexed(list: Vector[]): { list: Vector[]; changed: boolean } {
  const dims = list[0].length;
  const buckets: Map<number, number[]>[] = [];
  for (let d = 0; d < dims; d++) buckets.push(new Map());
  for (let q = 0; q < list.length; q++) {
    for (let d = 0; d < dims; d++) {
      const key = keyWithout(list[q], d);
      const b = buckets[d].get(key);
      if (b) b.push(q);
      else buckets[d].set(key, [q]);
    }
  }

  const alive = new Uint8Array(list.length).fill(1);
  const out: Vector[] = [];
  let changed = false;
  for (let p = 0; p < list.length; p++) {
    if (!alive[p]) continue;
    const item = list[p];
    let cursor = p;
    for (;;) {
      let best = -1;
      let bestMerge: Merge | null = null;
      for (let d = 0; d < dims; d++) {
        const bucket = buckets[d].get(keyWithout(item, d));
        if (!bucket) continue;
        for (let k = firstAfter(bucket, cursor); k < bucket.length; k++) {
          const q = bucket[k];
          if (best >= 0 && q >= best) break;
          if (!alive[q]) continue;
          const m = mergeOf(item, list[q]);
          if (m) {
            best = q;
            bestMerge = m;
            break;
          }
        }
      }
      if (best < 0 || !bestMerge) break;
      applyMerge(item, list[best], bestMerge);
      alive[best] = 0;
      changed = true;
      cursor = best;
    }
    out.push(item);
  }
  return { list: out, changed };
}

/** Hash of all dimensions but one; collisions only cost a merge test. */
function keyWithout(v: Vector, skip: number): number {
  let key = 0x9e3779b9;
  for (let d = 0; d < v.length; d++) {
    if (d === skip) continue;
    key = Math.imul(key ^ v[d].hash(), 0x85ebca6b) ^ v[d].size;
    key ^= key >>> 13;
  }
  return key >>> 0;
}

/** Index of the first element greater than x in an ascending array. */
function firstAfter(a: number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Merge vectors that differ in one dimension only (RangeSetND._fold_univariate), or null. */
export function foldUnivariate(vectors: readonly Vector[]): Vector | null {
  if (vectors.length === 0) return null;
  const first = vectors[0];
  if (vectors.length === 1) return first;
  let varying = -1;
  for (let d = 0; d < first.length; d++) {
    const ref = first[d];
    for (let k = 1; k < vectors.length; k++) {
      if (!vectors[k][d].equals(ref)) {
        if (varying >= 0 && varying !== d) return null;
        varying = d;
        break;
      }
    }
  }
  if (varying < 0) return first;
  const merged = first[varying].clone();
  for (let k = 1; k < vectors.length; k++) merged.addAll(vectors[k][varying]);
  const v = first.slice();
  v[varying] = merged;
  return v;
}
