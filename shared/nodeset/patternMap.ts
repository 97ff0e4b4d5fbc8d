// A node set as ClusterShell stores it: patterns ("gpu%s", "r%sn%s", "login") mapped to their
// indexes (nothing, one IndexSet, or an NdSet). Set algebra works pattern by pattern; printing
// sorts patterns the way Python sorts ClusterShell's pattern strings, where a literal "%" is
// written "%%" and an index "%s" — so that is the sort key we keep.
//
// Values may be shared between maps (they are values); `owned` says whether this map created its
// copy and may mutate it in place, which keeps long unions such as "n1,n2,...,n100000" linear.

import { IndexSet } from './indexSet';
import { NdSet, expandVector } from './ndSet';
import { comparePyStrings } from './pyText';

export type Op = ',' | '!' | '&' | '^';

export type Indexes = IndexSet | NdSet | null;

export interface Entry {
  /** Literal text around the indexes: parts.length === dimensions + 1. */
  readonly parts: readonly string[];
  readonly value: Indexes;
  owned: boolean;
}

export function patternKey(parts: readonly string[]): string {
  let key = '';
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) key += '%s';
    const p = parts[i];
    key += p.includes('%') ? p.replace(/%/g, '%%') : p;
  }
  return key;
}

export function indexesOf(ranges: IndexSet[]): Indexes {
  if (ranges.length === 0) return null;
  if (ranges.length === 1) return ranges[0];
  return NdSet.fromVector(ranges);
}

function isEmpty(v: Indexes): boolean {
  return v !== null && (v instanceof IndexSet ? v.size === 0 : v.isEmpty());
}

function cloneIndexes(v: Indexes): Indexes {
  return v === null ? null : v.clone();
}

export class PatternMap {
  readonly entries = new Map<string, Entry>();

  static single(parts: readonly string[], value: Indexes): PatternMap {
    const m = new PatternMap();
    m.entries.set(patternKey(parts), { parts, value, owned: true });
    return m;
  }

  /** A map sharing this one's values (copy on write). */
  share(): PatternMap {
    const m = new PatternMap();
    for (const [k, e] of this.entries) m.entries.set(k, { parts: e.parts, value: e.value, owned: false });
    for (const e of this.entries.values()) e.owned = false;
    return m;
  }

  private own(key: string, e: Entry): Entry {
    if (e.owned) return e;
    const mine = { parts: e.parts, value: cloneIndexes(e.value), owned: true };
    this.entries.set(key, mine);
    return mine;
  }

  apply(op: Op, other: PatternMap): void {
    if (op === ',') this.union(other);
    else if (op === '!') this.difference(other);
    else if (op === '&') this.intersection(other);
    else this.xor(other);
  }

  union(other: PatternMap): void {
    for (const [k, e] of other.entries) {
      const mine = this.entries.get(k);
      if (!mine) {
        this.entries.set(k, { parts: e.parts, value: e.value, owned: false });
        e.owned = false;
      } else if (mine.value !== null && e.value !== null) {
        const own = this.own(k, mine);
        if (own.value instanceof IndexSet) own.value.addAll(e.value as IndexSet);
        else (own.value as NdSet).addAll(e.value as NdSet);
      }
    }
  }

  difference(other: PatternMap): void {
    for (const [k, e] of other.entries) {
      const mine = this.entries.get(k);
      if (!mine) continue;
      if (mine.value === null || e.value === null) {
        this.entries.delete(k);
        continue;
      }
      if (mine.value instanceof IndexSet) {
        const rest = mine.value.difference(e.value as IndexSet);
        if (rest.size === 0) this.entries.delete(k);
        else this.entries.set(k, { parts: mine.parts, value: rest, owned: true });
      } else {
        const own = this.own(k, mine);
        (own.value as NdSet).deleteAll(e.value as NdSet);
        if (isEmpty(own.value)) this.entries.delete(k);
      }
    }
  }

  intersection(other: PatternMap): void {
    const kept = new Map<string, Entry>();
    for (const [k, e] of other.entries) {
      const mine = this.entries.get(k);
      if (!mine) continue;
      if (mine.value === null || e.value === null) {
        kept.set(k, mine);
        continue;
      }
      if (mine.value instanceof IndexSet) {
        const both = mine.value.intersection(e.value as IndexSet);
        if (both.size > 0) kept.set(k, { parts: mine.parts, value: both, owned: true });
      } else {
        const own = this.own(k, mine);
        (own.value as NdSet).retainAll(e.value as NdSet);
        if (!isEmpty(own.value)) kept.set(k, own);
      }
    }
    this.entries.clear();
    for (const [k, e] of kept) this.entries.set(k, e);
  }

  xor(other: PatternMap): void {
    for (const [k, e] of other.entries) {
      const mine = this.entries.get(k);
      if (!mine) {
        this.entries.set(k, { parts: e.parts, value: e.value, owned: false });
        e.owned = false;
        continue;
      }
      if (mine.value === null || e.value === null) {
        this.entries.delete(k);
        continue;
      }
      if (mine.value instanceof IndexSet) {
        const either = mine.value.symmetricDifference(e.value as IndexSet);
        if (either.size === 0) this.entries.delete(k);
        else this.entries.set(k, { parts: mine.parts, value: either, owned: true });
      } else {
        const own = this.own(k, mine);
        (own.value as NdSet).xorAll(e.value as NdSet);
        if (isEmpty(own.value)) this.entries.delete(k);
      }
    }
  }

  /** Entries in ClusterShell's print order. */
  sorted(): Entry[] {
    const keys = [...this.entries.keys()].sort(comparePyStrings);
    return keys.map((k) => this.entries.get(k) as Entry);
  }

  get size(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.value === null ? 1 : e.value.size;
    return n;
  }

  hasName(parts: readonly string[], indexes: readonly string[]): boolean {
    const e = this.entries.get(patternKey(parts));
    if (!e) return false;
    if (e.value === null) return true;
    if (e.value instanceof IndexSet) return e.value.has(indexes[0]);
    return e.value.has(indexes);
  }

  /** The folded text, exactly as `nodeset -f` prints it. */
  fold(): string {
    const out: string[] = [];
    for (const e of this.sorted()) {
      const { parts, value } = e;
      if (value === null) out.push(parts[0]);
      else if (value instanceof IndexSet) out.push(parts[0] + bracket(value) + parts[1]);
      else for (const v of value.fold()) out.push(interleave(parts, v.map(bracket)));
    }
    return out.join(',');
  }

  /** Every node name, in `nodeset -e` order. */
  *names(): Generator<string> {
    for (const e of this.sorted()) {
      const { parts, value } = e;
      if (value === null) yield parts[0];
      else if (value instanceof IndexSet) for (const i of value.sorted()) yield parts[0] + i + parts[1];
      else for (const v of value.fold()) for (const t of expandVector(v)) yield interleave(parts, t);
    }
  }
}

function bracket(s: IndexSet): string {
  return s.size > 1 ? `[${s.toString()}]` : s.toString();
}

export function interleave(parts: readonly string[], fills: readonly string[]): string {
  let out = parts[0];
  for (let i = 0; i < fills.length; i++) out += fills[i] + parts[i + 1];
  return out;
}
