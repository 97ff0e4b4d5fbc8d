// The public NodeSet value: immutable, with its folded text and size cached.
//
// Every operation answers what ClusterShell 1.9.1's NodeSet answers for the same input; the
// folded text depends only on the set of nodes (see foldNd.ts), so operations are free to keep
// whatever internal shape is fastest.

import { nodeSetError, NODESET_SYNTAX } from './errors';
import { evaluateExpression, type NodeSetOptions } from './evaluate';
import { IndexSet } from './indexSet';
import { NdSet } from './ndSet';
import { scanName } from './parser';
import { PatternMap, patternKey } from './patternMap';
import { pyStrip } from './pyText';

export class NodeSet implements Iterable<string> {
  private foldCache: string | undefined;
  private sizeCache: number | undefined;

  private constructor(private readonly map: PatternMap) {}

  /** Parse a node set expression (ranges, operators, groups). Throws AppError (NODESET_*). */
  static parse(expr: string, opts: NodeSetOptions = {}): NodeSet {
    return new NodeSet(evaluateExpression(expr, opts));
  }

  /**
   * A node set from individual node names (no operators or brackets are interpreted; digits
   * are indexes so that they fold: node1,node2 -> node[1-2]). Throws AppError on an empty name.
   */
  static fromNames(names: Iterable<string>): NodeSet {
    const flat = new Map<string, { parts: string[]; one?: IndexSet; tuples?: Set<string>; dims: number }>();
    for (const raw of names) {
      const name = pyStrip(raw);
      if (name === '') throw nodeSetError(NODESET_SYNTAX, raw, { message: 'empty node name' });
      const { parts, indexes } = scanName(name);
      const key = patternKey(parts);
      let e = flat.get(key);
      if (!e) {
        e = { parts, dims: indexes.length };
        if (indexes.length === 1) e.one = new IndexSet();
        else if (indexes.length > 1) e.tuples = new Set();
        flat.set(key, e);
      }
      if (e.one) e.one.add(indexes[0]);
      else if (e.tuples) e.tuples.add(NdSet.tupleKey(indexes));
    }
    const map = new PatternMap();
    for (const [key, e] of flat) {
      const value = e.one ?? (e.tuples ? NdSet.fromTuples(e.dims, e.tuples) : null);
      map.entries.set(key, { parts: e.parts, value, owned: true });
    }
    return new NodeSet(map);
  }

  static empty(): NodeSet {
    return new NodeSet(new PatternMap());
  }

  /** Number of nodes (`nodeset -c`). */
  get size(): number {
    this.sizeCache ??= this.map.size;
    return this.sizeCache;
  }

  get isEmpty(): boolean {
    return this.map.entries.size === 0;
  }

  /** Whether the node with this exact name (e.g. "gpu007"; padding matters) is in the set. */
  has(name: string): boolean {
    let scanned: { parts: string[]; indexes: string[] };
    try {
      scanned = scanName(pyStrip(name));
    } catch {
      return false;
    }
    return this.map.hasName(scanned.parts, scanned.indexes);
  }

  /** All node names in ClusterShell's order (`nodeset -e`). */
  expand(): string[] {
    return [...this.map.names()];
  }

  [Symbol.iterator](): Iterator<string> {
    return this.map.names();
  }

  /** The folded form, exactly as `nodeset -f` prints it. */
  fold(): string {
    this.foldCache ??= this.map.fold();
    return this.foldCache;
  }

  toString(): string {
    return this.fold();
  }

  union(other: NodeSet): NodeSet {
    return this.combine(',', other);
  }

  difference(other: NodeSet): NodeSet {
    return this.combine('!', other);
  }

  intersection(other: NodeSet): NodeSet {
    return this.combine('&', other);
  }

  /** Nodes in exactly one of the two sets. */
  xor(other: NodeSet): NodeSet {
    return this.combine('^', other);
  }

  equals(other: NodeSet): boolean {
    return this.size === other.size && this.intersection(other).size === this.size;
  }

  private combine(op: ',' | '!' | '&' | '^', other: NodeSet): NodeSet {
    const map = this.map.share();
    map.apply(op, other.map);
    return new NodeSet(map);
  }
}
