// The indexes of one multi-dimensional pattern (r%sn%s): a set of index tuples.
//
// Only the set matters for what ClusterShell prints (see foldNd.ts), so the representation is
// ours to choose, per case:
//  - "vectors": a few products of IndexSets (what parsing r[1-100]n[0001-1000] gives). Cheap for
//    big rectangles; set algebra is done vector by vector while the vector counts stay small.
//  - "points": a Set of tuple keys. Used once there are many vectors (100,000 single names), where
//    per-vector algebra would be quadratic; every operation is then linear in the points.
// The folded form is computed on demand and cached; it replaces the representation (same set).
//
// An NdSet is mutated in place only by its owner (the parser, or NodeSet while building a new
// value); representation changes that keep the set (normalising, folding) may happen any time.

import { foldTuples, foldUnivariate, type Vector } from './foldNd';
import { IndexSet } from './indexSet';

/** Above this many vector pairs an operation switches to points. */
const PAIR_LIMIT = 4096;
/** Above this many pending (possibly overlapping) vectors a set switches to points. */
const VECTOR_LIMIT = 64;
const SEP = ',';

export class NdSet {
  /** Vectors; pairwise disjoint when `disjoint` is set. Unused (empty) in points mode. */
  private vecs: Vector[];
  private disjoint: boolean;
  /** Tuple keys (indexes joined by SEP) in points mode, otherwise null. */
  private pts: Set<string> | null;
  private folded: Vector[] | null = null;

  private constructor(
    readonly dims: number,
    vecs: Vector[],
    disjoint: boolean,
    pts: Set<string> | null,
  ) {
    this.vecs = vecs;
    this.disjoint = disjoint;
    this.pts = pts;
  }

  static fromVector(v: Vector): NdSet {
    return new NdSet(v.length, [v], true, null);
  }

  static fromTuples(dims: number, keys: Set<string>): NdSet {
    return new NdSet(dims, [], true, keys);
  }

  static tupleKey(indexes: readonly string[]): string {
    return indexes.join(SEP);
  }

  clone(): NdSet {
    const c = new NdSet(this.dims, this.vecs.slice(), this.disjoint, this.pts ? new Set(this.pts) : null);
    c.folded = this.folded;
    return c;
  }

  get size(): number {
    if (this.pts) return this.pts.size;
    this.normalize();
    let n = 0;
    for (const v of this.vecs) n += volume(v);
    return n;
  }

  isEmpty(): boolean {
    return this.pts ? this.pts.size === 0 : this.vecs.length === 0;
  }

  has(indexes: readonly string[]): boolean {
    if (indexes.length !== this.dims) return false;
    if (this.pts) return this.pts.has(NdSet.tupleKey(indexes));
    return this.vecs.some((v) => v.every((s, d) => s.has(indexes[d])));
  }

  private hasKey(key: string): boolean {
    return this.pts ? this.pts.has(key) : this.has(key.split(SEP));
  }

  /** The folded vectors, in ClusterShell's order. Do not mutate. */
  fold(): readonly Vector[] {
    if (this.folded) return this.folded;
    let result: Vector[];
    const uni = this.pts ? null : foldUnivariate(this.vecs);
    if (uni) result = [uni];
    else if (!this.pts && this.vecs.length === 0) result = [];
    else result = foldTuples(this.tuples());
    // the folded vectors are disjoint and usually fewer: keep them as the representation
    this.vecs = result;
    this.disjoint = true;
    this.pts = null;
    this.folded = result;
    return result;
  }

  /** Every tuple, as arrays of indexes (no order guaranteed). */
  *tuples(): Generator<string[]> {
    if (this.pts) {
      for (const k of this.pts) yield k.split(SEP);
      return;
    }
    const seen = this.disjoint ? null : new Set<string>();
    for (const v of this.vecs) {
      for (const t of product(v.map((s) => s.sorted()))) {
        if (seen) {
          const k = NdSet.tupleKey(t);
          if (seen.has(k)) continue;
          seen.add(k);
        }
        yield t;
      }
    }
  }

  private toPoints(): Set<string> {
    if (!this.pts) {
      const keys = new Set<string>();
      for (const v of this.vecs) for (const t of product(v.map((s) => s.sorted()))) keys.add(NdSet.tupleKey(t));
      this.pts = keys;
      this.vecs = [];
      this.disjoint = true;
    }
    return this.pts;
  }

  /** Make the vectors pairwise disjoint, or switch to points when there are many. */
  private normalize(): void {
    if (this.pts || this.disjoint) return;
    if (this.vecs.length > VECTOR_LIMIT) {
      this.toPoints();
      return;
    }
    const out: Vector[] = [];
    for (const v of this.vecs) {
      const pieces = subtractAll([v], out);
      if (!pieces) {
        this.toPoints();
        return;
      }
      out.push(...pieces);
    }
    this.vecs = out;
    this.disjoint = true;
  }

  private changed(): void {
    this.folded = null;
  }

  // ---- owner-only, in place ----

  addAll(o: NdSet): void {
    if (o.isEmpty()) return;
    this.changed();
    if (!this.pts && !o.pts && this.vecs.length + o.vecs.length <= VECTOR_LIMIT) {
      this.disjoint = this.vecs.length === 0 ? o.disjoint : false;
      this.vecs.push(...o.vecs);
      return;
    }
    const keys = this.toPoints();
    if (o.pts) for (const k of o.pts) keys.add(k);
    else for (const t of o.tuples()) keys.add(NdSet.tupleKey(t));
  }

  deleteAll(o: NdSet): void {
    if (o.isEmpty() || this.isEmpty()) return;
    this.changed();
    if (!this.pts) {
      this.normalize();
      if (!this.pts) {
        o.normalize();
        const others = o.pts ? (o.pts.size * this.vecs.length <= PAIR_LIMIT ? pointVectors(o.pts) : null) : o.vecs;
        if (others && others.length * this.vecs.length <= PAIR_LIMIT) {
          const rest = subtractAll(this.vecs, others);
          if (rest) {
            this.vecs = rest;
            return;
          }
        }
      }
    }
    const keys = this.toPoints();
    if (o.pts && o.pts.size < keys.size) {
      for (const k of o.pts) keys.delete(k);
    } else {
      for (const k of keys) if (o.hasKey(k)) keys.delete(k);
    }
  }

  retainAll(o: NdSet): void {
    this.changed();
    if (o.isEmpty()) {
      this.vecs = [];
      this.pts = null;
      this.disjoint = true;
      return;
    }
    if (!this.pts && !o.pts) {
      this.normalize();
      o.normalize();
      if (!this.pts && !o.pts && this.vecs.length * o.vecs.length <= PAIR_LIMIT) {
        const out: Vector[] = [];
        for (const a of this.vecs) {
          for (const b of o.vecs) {
            const v = intersectVectors(a, b);
            if (v) out.push(v);
          }
        }
        this.vecs = out;
        return;
      }
    }
    if (o.pts && (!this.pts || o.pts.size < this.pts.size)) {
      const keys = new Set<string>();
      for (const k of o.pts) if (this.hasKey(k)) keys.add(k);
      this.vecs = [];
      this.disjoint = true;
      this.pts = keys;
      return;
    }
    const keys = this.toPoints();
    for (const k of keys) if (!o.hasKey(k)) keys.delete(k);
  }

  xorAll(o: NdSet): void {
    const onlyOther = o.clone();
    onlyOther.deleteAll(this);
    this.deleteAll(o);
    this.addAll(onlyOther);
    this.changed();
  }
}

function volume(v: Vector): number {
  let n = 1;
  for (const s of v) n *= s.size;
  return n;
}

function* product(axes: readonly (readonly string[])[]): Generator<string[]> {
  const n = axes.length;
  const idx = new Array<number>(n).fill(0);
  if (axes.some((a) => a.length === 0)) return;
  for (;;) {
    const t = new Array<string>(n);
    for (let d = 0; d < n; d++) t[d] = axes[d][idx[d]];
    yield t;
    let d = n - 1;
    while (d >= 0) {
      idx[d]++;
      if (idx[d] < axes[d].length) break;
      idx[d] = 0;
      d--;
    }
    if (d < 0) return;
  }
}

export function expandVector(v: Vector): Generator<string[]> {
  return product(v.map((s) => s.sorted()));
}

function pointVectors(keys: Set<string>): Vector[] {
  const out: Vector[] = [];
  for (const k of keys) out.push(k.split(SEP).map((x) => IndexSet.of(x)));
  return out;
}

function intersectVectors(a: Vector, b: Vector): Vector | null {
  const v: Vector = [];
  for (let d = 0; d < a.length; d++) {
    const s = a[d].intersection(b[d]);
    if (s.size === 0) return null;
    v.push(s);
  }
  return v;
}

/**
 * a minus b as disjoint pieces: for each dimension d, the tuples whose first differing
 * coordinate is d (inside b on dimensions before d, outside b on d, anything after).
 */
function subtractVector(a: Vector, b: Vector): Vector[] {
  for (let d = 0; d < a.length; d++) if (!a[d].intersects(b[d])) return [a];
  const pieces: Vector[] = [];
  const prefix = a.slice();
  for (let d = 0; d < a.length; d++) {
    const outside = a[d].difference(b[d]);
    if (outside.size > 0) {
      const piece = prefix.slice();
      piece[d] = outside;
      pieces.push(piece);
    }
    if (outside.size > 0) prefix[d] = a[d].intersection(b[d]);
  }
  return pieces;
}

/** Subtract every vector of bs from the vectors as; null when the pieces get too many. */
function subtractAll(as: Vector[], bs: readonly Vector[]): Vector[] | null {
  let cur = as;
  for (const b of bs) {
    const next: Vector[] = [];
    for (const a of cur) next.push(...subtractVector(a, b));
    if (next.length > PAIR_LIMIT) return null;
    cur = next;
    if (cur.length === 0) break;
  }
  return cur;
}
