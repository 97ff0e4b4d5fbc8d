// The module's API: parsing, names, set operations, helpers and speed on 100,000 names.

import { describe, expect, it } from 'vitest';
import { NodeSet, countNodeSet, expandNodeSet, foldNodeSet, type NodeSetOptions } from '../../../shared/nodeset';

describe('NodeSet', () => {
  it('parses, folds, expands and counts', () => {
    const ns = NodeSet.parse('gpu[1-10]!gpu[3-4]&gpu[2-6]');
    expect(ns.fold()).toBe('gpu[2,5-6]');
    expect(ns.toString()).toBe('gpu[2,5-6]');
    expect(`${ns}`).toBe('gpu[2,5-6]');
    expect(ns.expand()).toEqual(['gpu2', 'gpu5', 'gpu6']);
    expect([...ns]).toEqual(['gpu2', 'gpu5', 'gpu6']);
    expect(ns.size).toBe(3);
    expect(ns.isEmpty).toBe(false);
  });

  it('has() looks up exact names, padding included', () => {
    const ns = NodeSet.parse('gpu[001-128],r[1-2]n[01-04],login');
    expect(ns.has('gpu007')).toBe(true);
    expect(ns.has('gpu7')).toBe(false);
    expect(ns.has('r2n03')).toBe(true);
    expect(ns.has('r2n3')).toBe(false);
    expect(ns.has('login')).toBe(true);
    expect(ns.has('login1')).toBe(false);
    expect(ns.has('')).toBe(false);
  });

  it('fromNames folds individual names, digits being indexes', () => {
    expect(NodeSet.fromNames(['node1', 'node2']).fold()).toBe('node[1-2]');
    expect(NodeSet.fromNames(['node10', 'node9', 'node11', 'login']).fold()).toBe('login,node[9-11]');
    expect(NodeSet.fromNames(['a1b2', 'a1b3', 'a2b2']).fold()).toBe('a1b[2-3],a2b2');
    expect(NodeSet.fromNames([' n1 ', 'n1', 'n01']).expand()).toEqual(['n1', 'n01']);
    // names are not expressions: brackets and operators stay literal
    expect(NodeSet.fromNames(['a,b']).size).toBe(1);
    expect(NodeSet.fromNames([]).fold()).toBe('');
  });

  it('set operations match the expression operators and leave operands alone', () => {
    const a = NodeSet.parse('r[1-4]n[1-4],login[1-2]');
    const b = NodeSet.parse('r[3-6]n[3-6],login2');
    // operators in an expression apply left to right, so b's parts are applied one by one
    expect(a.union(b).fold()).toBe(NodeSet.parse('r[1-4]n[1-4],login[1-2],r[3-6]n[3-6],login2').fold());
    expect(a.difference(b).fold()).toBe(NodeSet.parse('r[1-4]n[1-4],login[1-2]!r[3-6]n[3-6]!login2').fold());
    expect(a.intersection(b).fold()).toBe('login2,r[3-4]n[3-4]');
    expect(a.xor(b).fold()).toBe(NodeSet.parse('r[1-4]n[1-4],login[1-2]^r[3-6]n[3-6]^login2').fold());
    expect(a.fold()).toBe('login[1-2],r[1-4]n[1-4]');
    expect(b.fold()).toBe('login2,r[3-6]n[3-6]');
    expect(a.union(b).equals(b.union(a))).toBe(true);
    expect(a.equals(b)).toBe(false);
    expect(a.difference(a).isEmpty).toBe(true);
    expect(NodeSet.empty().union(a).fold()).toBe(a.fold());
  });

  it('helpers', () => {
    expect(expandNodeSet('r[1-2]n[1-2]')).toEqual(['r1n1', 'r1n2', 'r2n1', 'r2n2']);
    expect(foldNodeSet('n[1-3],n5')).toBe('n[1-3,5]');
    expect(foldNodeSet(['n1', 'n2', 'n3', 'n5'])).toBe('n[1-3,5]');
    expect(foldNodeSet(new Set(['x1y1', 'x1y2']))).toBe('x1y[1-2]');
    expect(countNodeSet('r[1-100]n[0001-1000]')).toBe(100_000);
  });

  it('resolves groups through the callbacks, in their source', () => {
    const data: Record<string, Record<string, string[]>> = {
      default: { gpu: ['gpu[1-4]'], all: ['@gpu', 'login1'] },
      site: { gpu: ['sgpu[1-2]'], both: ['@gpu'] },
    };
    const opts: NodeSetOptions = {
      resolveGroup: (g, s) => data[s ?? 'default']?.[g],
      listGroups: (s) => (data[s ?? 'default'] ? Object.keys(data[s ?? 'default']) : undefined),
    };
    expect(NodeSet.parse('@all', opts).fold()).toBe('gpu[1-4],login1');
    expect(NodeSet.parse('@site:both', opts).fold()).toBe('sgpu[1-2]');
    expect(NodeSet.parse('@all!@gpu', opts).fold()).toBe('login1');
    expect(NodeSet.parse('@site:*', opts).fold()).toBe('sgpu[1-2]');
    expect(NodeSet.parse('@@site', opts).fold()).toBe('both,gpu');
    expect(NodeSet.parse('gpu[2-3]*', opts).fold()).toBe('gpu[2-3]');
    expect(NodeSet.parse('log*', opts).fold()).toBe('login1');
  });
});

// Correctness at scale; how fast it is belongs to bench/nodeset.mjs, not to assertions here.
describe('100,000 names', () => {
  const names: string[] = [];
  for (let r = 1; r <= 100; r++) for (let n = 1; n <= 1000; n++) names.push(`r${r}n${String(n).padStart(4, '0')}`);

  const timed = <T>(f: () => T): [T, number] => {
    const start = performance.now();
    const value = f();
    return [value, performance.now() - start];
  };

  it('expands and folds r[1-100]n[0001-1000]', () => {
    const [expanded, tExpand] = timed(() => expandNodeSet('r[1-100]n[0001-1000]'));
    expect(expanded).toEqual(names);
    const [folded, tFold] = timed(() => foldNodeSet(names));
    expect(folded).toBe('r[1-100]n[0001-1000]');
    const shuffled = names.slice().sort((x, y) => (x.length * 7919 + x.charCodeAt(3)) % 13 - (y.length * 7919 + y.charCodeAt(3)) % 13);
    const [refolded, tShuffled] = timed(() => NodeSet.fromNames(shuffled).fold());
    expect(refolded).toBe('r[1-100]n[0001-1000]');
    const [fromList, tList] = timed(() => foldNodeSet(names.join(',')));
    expect(fromList).toBe('r[1-100]n[0001-1000]');
    void [tExpand, tFold, tShuffled, tList];
  });

  it('folds a set with a hole, and a set with nothing to merge, without quadratic work', () => {
    const [holed, t1] = timed(() => foldNodeSet('r[1-100]n[0001-1000]!r5n0003'));
    expect(holed).toBe('r[1-4,6-100]n[0001-1000],r5n[0001-0002,0004-1000]');
    const diagonal = Array.from({ length: 100_000 }, (_, i) => `a${i}b${i}`);
    const [diag, t2] = timed(() => NodeSet.fromNames(diagonal));
    expect(diag.size).toBe(100_000);
    const [text, t3] = timed(() => diag.fold());
    // nothing merges; ClusterShell (quadratic here: 13 s for 3,000 names) lists the vectors
    // sorted by their first index compared as text: a0b0,a1b1,a10b10,a100b100,...
    const byText = diagonal.slice().sort((x, y) => {
      const [a, b] = [x.slice(1, x.indexOf('b')), y.slice(1, y.indexOf('b'))];
      return a < b ? -1 : a > b ? 1 : 0;
    });
    expect(text).toBe(byText.join(','));
    void [t1, t2, t3];
  });

  it('1D: n[1-100000]', () => {
    const [ns, t] = timed(() => {
      const s = NodeSet.parse('n[1-100000]');
      return [s.expand().length, s.fold(), NodeSet.fromNames(s.expand()).fold()];
    });
    expect(ns).toEqual([100_000, 'n[1-100000]', 'n[1-100000]']);
    void t;
  });
});
