// One dimension of indexes: ClusterShell's RangeSet.
//
// Built on a Set of index strings, like ClusterShell 1.9 itself: that is what makes mixed padding
// exact ("1", "01" and "001" are different members) and keeps union/difference/membership O(1) per
// element. The sorted order and the folded text are derived on demand and cached, because they are
// asked for far less often than membership. Ranges are parsed with RangeSet's rules, quirks
// included (`+5`, `1_0`, `-3-2`, `5-1-3`), so that we accept and reject what `nodeset` does.
//
// Instances are treated as values once they are shared; only their creator (the parser, the
// multi-dimensional fold) mutates them in place, through the methods marked "owner only".

import { NODESET_RANGE, NODESET_SYNTAX, NodeSetFault } from './errors';
import { compareIndex, isPadded, isSuccessor, sortIndexes } from './order';
import { pyInt, pyStrip } from './pyText';

/** Largest number of indexes one range (`a-b/step`) may produce. ClusterShell allows 1e9. */
export const MAX_RANGE_SIZE = 1_000_000;

// Python compares `stop > 1e100` against the float 1e100, whose exact value is this integer.
const PY_1E100 = BigInt(
  '10000000000000000159028911097599180468360808563945281389781327557747838772170381060813469985856815104',
);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The read side of a Set; a lone index avoids allocating a Set (folds create 100,000s). */
interface Members extends Iterable<string> {
  readonly size: number;
  has(x: string): boolean;
  values(): IterableIterator<string>;
}

class One implements Members {
  readonly size = 1;
  constructor(readonly value: string) {}
  has(x: string): boolean {
    return x === this.value;
  }
  values(): IterableIterator<string> {
    return [this.value].values();
  }
  [Symbol.iterator](): IterableIterator<string> {
    return this.values();
  }
}

export class IndexSet {
  private items: Members;
  private sortedCache: string[] | undefined;
  private minCache: string | undefined;
  private maxCache: string | undefined;
  private hashCache: number | undefined;

  constructor(items?: Iterable<string>) {
    this.items = new Set(items);
  }

  static of(index: string): IndexSet {
    const s = new IndexSet();
    s.items = new One(index);
    return s;
  }

  /** The members as a mutable Set (owner only). */
  private mutable(): Set<string> {
    if (this.items instanceof Set) return this.items;
    const set = new Set(this.items);
    this.items = set;
    return set;
  }

  /** Parse a bracket body such as `1-5,07,10-20/2` (RangeSet syntax). Throws NodeSetFault. */
  static parse(pattern: string): IndexSet {
    const out = new IndexSet();
    for (const raw of pattern.split(',')) addSubrange(out.mutable(), pyStrip(raw));
    out.sortedCache = sortIndexes([...out.items]);
    return out;
  }

  get size(): number {
    return this.items.size;
  }

  has(index: string): boolean {
    return this.items.has(index);
  }

  values(): IterableIterator<string> {
    return this.items.values();
  }

  /** Members in ClusterShell order. Do not mutate the returned array. */
  sorted(): readonly string[] {
    if (!this.sortedCache) this.sortedCache = sortIndexes([...this.items]);
    return this.sortedCache;
  }

  first(): string {
    if (this.items instanceof One) return this.items.value;
    if (this.sortedCache) return this.sortedCache[0];
    if (this.minCache === undefined) this.scanMinMax();
    return this.minCache as string;
  }

  last(): string {
    if (this.items instanceof One) return this.items.value;
    if (this.sortedCache) return this.sortedCache[this.sortedCache.length - 1];
    if (this.maxCache === undefined) this.scanMinMax();
    return this.maxCache as string;
  }

  private scanMinMax(): void {
    let min: string | undefined;
    let max: string | undefined;
    for (const x of this.items) {
      if (min === undefined || compareIndex(x, min) < 0) min = x;
      if (max === undefined || compareIndex(x, max) > 0) max = x;
    }
    this.minCache = min;
    this.maxCache = max;
  }

  /** Order-independent hash of the members (sum of string hashes), for bucketing equal sets. */
  hash(): number {
    if (this.hashCache === undefined) {
      let h = 0;
      for (const x of this.items) h = (h + hashString(x)) >>> 0;
      this.hashCache = h;
    }
    return this.hashCache;
  }

  clone(): IndexSet {
    const c = new IndexSet();
    c.items = this.items instanceof One ? this.items : new Set(this.items);
    c.sortedCache = this.sortedCache;
    c.minCache = this.minCache;
    c.maxCache = this.maxCache;
    c.hashCache = this.hashCache;
    return c;
  }

  equals(o: IndexSet): boolean {
    if (this === o) return true;
    if (this.items.size !== o.items.size) return false;
    if (this.items instanceof One) return o.items.has(this.items.value);
    if (this.hashCache !== undefined && o.hashCache !== undefined && this.hashCache !== o.hashCache) return false;
    for (const x of this.items) if (!o.items.has(x)) return false;
    return true;
  }

  isSubsetOf(o: IndexSet): boolean {
    if (this.items.size > o.items.size) return false;
    for (const x of this.items) if (!o.items.has(x)) return false;
    return true;
  }

  intersects(o: IndexSet): boolean {
    if (this.items instanceof One) return o.items.has(this.items.value);
    if (o.items instanceof One) return this.items.has(o.items.value);
    const [small, big] = this.items.size <= o.items.size ? [this.items, o.items] : [o.items, this.items];
    for (const x of small) if (big.has(x)) return true;
    return false;
  }

  union(o: IndexSet): IndexSet {
    const c = this.clone();
    c.addAll(o);
    return c;
  }

  difference(o: IndexSet): IndexSet {
    const out = new IndexSet();
    const into = out.mutable();
    for (const x of this.items) if (!o.items.has(x)) into.add(x);
    return out;
  }

  intersection(o: IndexSet): IndexSet {
    const [small, big] = this.items.size <= o.items.size ? [this.items, o.items] : [o.items, this.items];
    const out = new IndexSet();
    const into = out.mutable();
    for (const x of small) if (big.has(x)) into.add(x);
    return out;
  }

  symmetricDifference(o: IndexSet): IndexSet {
    const out = this.difference(o);
    const into = out.mutable();
    for (const x of o.items) if (!this.items.has(x)) into.add(x);
    return out;
  }

  /** Owner only: add every member of o. Keeps min/max/hash caches up to date. */
  addAll(o: IndexSet): void {
    if (o.items.size === 0) return;
    const before = this.items.size;
    const min = before > 0 ? this.knownFirst() : undefined;
    const max = before > 0 ? this.knownLast() : undefined;
    const into = this.mutable();
    if (before === 0) {
      for (const x of o.items) into.add(x);
      this.sortedCache = o.sortedCache;
      this.minCache = o.minCache;
      this.maxCache = o.maxCache;
      this.hashCache = o.hashCache;
      return;
    }
    let h = this.hashCache;
    for (const x of o.items) {
      if (into.has(x)) continue;
      into.add(x);
      if (h !== undefined) h = (h + hashString(x)) >>> 0;
    }
    if (this.items.size === before) return;
    this.sortedCache = undefined;
    this.hashCache = h;
    if (min !== undefined && max !== undefined) {
      const ofirst = o.first();
      const olast = o.last();
      this.minCache = compareIndex(ofirst, min) < 0 ? ofirst : min;
      this.maxCache = compareIndex(olast, max) > 0 ? olast : max;
    } else {
      this.minCache = this.maxCache = undefined;
    }
  }

  /** First/last index if known without a scan. */
  private knownFirst(): string | undefined {
    if (this.items instanceof One) return this.items.value;
    return this.minCache ?? (this.sortedCache ? this.sortedCache[0] : undefined);
  }

  private knownLast(): string | undefined {
    if (this.items instanceof One) return this.items.value;
    return this.maxCache ?? (this.sortedCache ? this.sortedCache[this.sortedCache.length - 1] : undefined);
  }

  /** Owner only: add one index. */
  add(index: string): void {
    if (this.items.has(index)) return;
    this.mutable().add(index);
    this.sortedCache = undefined;
    if (this.hashCache !== undefined) this.hashCache = (this.hashCache + hashString(index)) >>> 0;
    if (this.minCache !== undefined && compareIndex(index, this.minCache) < 0) this.minCache = index;
    if (this.maxCache !== undefined && compareIndex(index, this.maxCache) > 0) this.maxCache = index;
  }

  /** Folded text without brackets, exactly as ClusterShell prints a RangeSet: `1-3,5,01-02`. */
  toString(): string {
    return this.slices().join(',');
  }

  /**
   * Maximal runs of consecutive indexes. A run continues while the next index is the previous
   * plus one and keeps the padding of the run's first index (same width if it is zero-padded,
   * unpadded otherwise) — RangeSet._slices_padding with autostep off.
   */
  slices(): string[] {
    const s = this.sorted();
    const out: string[] = [];
    let i = 0;
    while (i < s.length) {
      const first = s[i];
      const padded = isPadded(first);
      let last = first;
      let j = i + 1;
      while (j < s.length) {
        const next = s[j];
        if (padded ? next.length !== first.length : isPadded(next)) break;
        if (!isSuccessor(last, next)) break;
        last = next;
        j++;
      }
      out.push(first === last ? first : `${first}-${last}`);
      i = j;
    }
    return out;
  }
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // spread the bits so that sums of hashes collide less
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0;
}

function lstripZeros(s: string): string {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) === 48) i++;
  return s.slice(i);
}

/** One comma-separated piece of a RangeSet: `a`, `a-b`, `a-b/step`, with RangeSet's sign quirks. */
function addSubrange(into: Set<string>, sub: string): void {
  let base = sub;
  let step = 1n;
  const slash = sub.indexOf('/');
  if (slash >= 0) {
    base = sub.slice(0, slash);
    const st = pyInt(sub.slice(slash + 1));
    if (st === undefined) throw new NodeSetFault(NODESET_SYNTAX, 'the step is not a number', sub);
    step = st;
  }

  let begin: string;
  let end: string;
  let beginSign = 1n;
  let endSign = 1n;
  if (!base.includes('-')) {
    if (step !== 1n) throw new NodeSetFault(NODESET_RANGE, 'a step needs a range such as 1-10/2', sub);
    begin = end = base;
  } else {
    const parts = base.split('-').map(pyStrip);
    if (parts.length === 2) {
      [begin, end] = parts;
      if (!begin) {
        // "-5": a single negative number
        begin = end;
        beginSign = endSign = -1n;
      }
    } else if (parts.length === 3) {
      // "-0-3" (whatever precedes the first dash is ignored, as in ClusterShell)
      [, begin, end] = parts;
      beginSign = -1n;
    } else if (parts.length === 4) {
      // "-8--4"
      [, begin, , end] = parts;
      beginSign = endSign = -1n;
    } else {
      throw new NodeSetFault(NODESET_SYNTAX, 'too many "-" signs', sub);
    }
  }

  const notNumber = (): NodeSetFault =>
    sub.length === 0
      ? new NodeSetFault(NODESET_SYNTAX, 'the range is empty', sub)
      : new NodeSetFault(NODESET_SYNTAX, 'not a number', sub);

  let pad = 0;
  let start: bigint;
  const beginValue = pyInt(begin);
  if (beginValue === undefined) throw notNumber();
  if (beginValue !== 0n) {
    const stripped = lstripZeros(begin);
    if (stripped.length < begin.length) pad = begin.length;
    const v = pyInt(stripped);
    if (v === undefined) throw notNumber();
    start = v;
  } else {
    if (begin.length > 1) pad = begin.length;
    start = 0n;
  }
  const endValue = pyInt(end);
  if (endValue === undefined) throw notNumber();
  const ends = endValue !== 0n ? lstripZeros(end) : end;
  const endPad = ends.length < end.length ? end.length : 0;
  if ((pad > 0 || endPad > 0) && begin.length !== end.length) {
    throw new NodeSetFault(
      NODESET_RANGE,
      'both ends of a zero-padded range need the same number of digits (01-10, not 01-100)',
      sub,
    );
  }
  const stopValue = pyInt(ends);
  if (stopValue === undefined) throw notNumber();
  const stop = stopValue;

  if (pad > 0 && beginSign < 0n) throw new NodeSetFault(NODESET_RANGE, 'negative numbers cannot be zero-padded', sub);
  if (stop > PY_1E100) throw new NodeSetFault(NODESET_RANGE, 'the number is too large', sub);
  const lo = start * beginSign;
  const hi = stop * endSign;
  if (lo > hi) throw new NodeSetFault(NODESET_RANGE, 'the start must not exceed the end', sub);
  if (step < 1n) throw new NodeSetFault(NODESET_RANGE, 'the step must be at least 1', sub);

  const count = (hi - lo) / step + 1n;
  if (count > BigInt(MAX_RANGE_SIZE)) {
    throw new NodeSetFault(NODESET_RANGE, `the range has more than ${MAX_RANGE_SIZE} indexes`, sub);
  }

  if (lo >= -MAX_SAFE && hi <= MAX_SAFE) {
    const from = Number(lo);
    const to = Number(hi);
    const by = Number(step);
    for (let i = from; i <= to; i += by) into.add(formatIndex(i, pad));
  } else {
    for (let i = lo; i <= hi; i += step) into.add(formatIndex(i, pad));
  }
}

/** Python's "%0*d" % (pad, i). */
function formatIndex(i: number | bigint, pad: number): string {
  const s = String(i);
  return pad > s.length && i >= 0 ? s.padStart(pad, '0') : s;
}
