// Random expressions (fixed seeds) compared with ClusterShell's NodeSet library, driven the way
// the `nodeset` command drives it, in a single Python process (one `nodeset` call per expression
// would take minutes). Multi-dimensional sets built with ! & ^ are where folding is subtle
// (a1b2,a1b3,a2b2 has two possible folds), so the generator favours them. Also compares
// fromNames with `nodeset -f name name ...`.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NodeSet } from '../../../shared/nodeset';
import { NODESET_BIN, hasReference, runAll } from './reference';

// the interpreter `nodeset` runs with, so that we load the same ClusterShell
const python = hasReference ? readFileSync(NODESET_BIN, 'utf8').split('\n')[0].replace(/^#!\s*/, '').trim() : '';

const REFERENCE = `
import sys, json
from ClusterShell.NodeSet import NodeSet
out = []
for expr in json.load(sys.stdin):
    try:
        x = NodeSet()
        x.update(NodeSet.fromlist(expr.splitlines()))  # what nodeset's command line does
        out.append({"f": str(x), "e": " ".join(x.striter()), "c": len(x)})
    except Exception as e:
        out.append({"err": "%s: %s" % (type(e).__name__, e)})
json.dump(out, sys.stdout)
`;

type Answer = { f: string; e: string; c: number } | { err: string };

function reference(exprs: string[]): Promise<Answer[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(python, ['-c', REFERENCE], { maxBuffer: 1 << 30 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as Answer[]);
    });
    child.stdin?.end(JSON.stringify(exprs));
  });
}

function ours(expr: string): Answer {
  try {
    const ns = NodeSet.parse(expr);
    return { f: ns.fold(), e: ns.expand().join(' '), c: ns.size };
  } catch (e) {
    return { err: String(e) };
  }
}

/** Small deterministic generator (LCG) so failures reproduce. */
function generator(seed: number, opts: { dims?: number; max: number }) {
  let state = seed;
  const rnd = (): number => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const int = (a: number, b: number): number => a + Math.floor(rnd() * (b - a + 1));
  const pick = <T>(xs: T[]): T => xs[int(0, xs.length - 1)];
  const num = (): string => {
    const v = String(int(0, opts.max));
    return rnd() < 0.15 ? v.padStart(2, '0') : v;
  };
  const range = (): string => {
    const parts: string[] = [];
    for (let i = int(1, 3); i > 0; i--) {
      if (rnd() < 0.4) parts.push(num());
      else {
        const a = int(0, opts.max);
        const b = a + int(0, Math.ceil(opts.max / 2));
        parts.push(rnd() < 0.15 ? `${String(a).padStart(2, '0')}-${String(b).padStart(2, '0')}` : `${a}-${b}`);
      }
    }
    return parts.join(',');
  };
  const atom = (): string => {
    const dims = opts.dims ?? int(1, 3);
    let s = pick(['a', 'a', 'a', 'n']);
    for (let d = 0; d < dims; d++) {
      s += rnd() < 0.7 ? `[${range()}]` : num();
      if (d < dims - 1) s += pick(['b', 'b', 'c']);
    }
    return s;
  };
  return (): string => {
    let e = atom();
    for (let k = int(0, 5); k > 0; k--) e += pick([',', ',', '!', '&', '^']) + atom();
    return e;
  };
}

describe.skipIf(!hasReference)('random expressions against ClusterShell', () => {
  const cases: [string, number, { dims?: number; max: number }, number][] = [
    ['mixed dimensions, small ranges', 1, { max: 12 }, 400],
    ['two dimensions', 2, { dims: 2, max: 12 }, 300],
    ['three dimensions', 3, { dims: 3, max: 8 }, 300],
    ['two dimensions, larger ranges (full passes over many vectors)', 4, { dims: 2, max: 60 }, 150],
  ];

  it.each(cases)('%s', async (_name, seed, opts, count) => {
    const next = generator(seed, opts);
    const exprs = Array.from({ length: count }, next);
    const ref = await reference(exprs);
    const mismatches: string[] = [];
    exprs.forEach((expr, i) => {
      const mine = ours(expr);
      const theirs = ref[i];
      const same = 'err' in theirs ? 'err' in mine : JSON.stringify(mine) === JSON.stringify(theirs);
      if (!same) mismatches.push(`${expr}\n  ClusterShell: ${JSON.stringify(theirs)}\n  ours:         ${JSON.stringify(mine)}`);
    });
    expect(mismatches.slice(0, 5).join('\n')).toBe('');
  }, 120_000);

  it('scattered points (hundreds of vectors left for the full passes)', async () => {
    const tail = generator(5, { dims: 2, max: 40 });
    const exprs = Array.from({ length: 8 }, (_, k) => {
      let state = 1000 + k;
      const rnd = (n: number): number => {
        state = (state * 1103515245 + 12345) & 0x7fffffff;
        return Math.floor((state / 0x80000000) * n);
      };
      const names = Array.from({ length: 700 }, () => `a${rnd(300)}b${rnd(300)}`);
      // a sparse cloud, plus a random expression so that part of it folds
      return `${names.join(',')},${tail()}`;
    });
    const ref = await reference(exprs);
    exprs.forEach((expr, i) => expect(ours(expr)).toEqual(ref[i]));
  }, 120_000);

  it('fromNames folds like `nodeset -f name name ...`', async () => {
    const next = generator(9, { dims: 2, max: 9 });
    const lists = Array.from({ length: 6 }, () => {
      const names = new Set<string>();
      for (const expr of Array.from({ length: 4 }, next)) {
        try {
          for (const n of NodeSet.parse(expr).expand()) names.add(n);
        } catch {
          // an invalid random expression just contributes nothing
        }
      }
      return [...names].reverse();
    });
    const answers = await runAll(
      lists.map(
        (names) => () =>
          new Promise<string>((resolve, reject) =>
            execFile(NODESET_BIN, ['-f', '--', ...names], (error, stdout) => (error ? reject(error) : resolve(stdout.trim()))),
          ),
      ),
    );
    lists.forEach((names, i) => expect(NodeSet.fromNames(names).fold()).toBe(answers[i]));
  }, 60_000);
});
