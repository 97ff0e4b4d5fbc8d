// Scanner: node set text -> terms (operator, pattern, index sets), with ClusterShell's rules.
//
// ClusterShell's scanner is not a grammar but a sequence of string splits, and its exact choices
// are visible to users: operators inside brackets are not operators; digits right before "[" or
// right after "]" move into the range (n1[0-2] is n[10-12], n[1-2]0 is n[10,20]); "]" anywhere
// unexpected is an error; digits in plain text become indexes (node12 is node + 12). We follow
// the same steps, on indexes into the string (so a 100,000-name list stays linear) and record
// positions for error messages. Terms are produced one at a time, so earlier terms are
// evaluated before a later syntax error is found, as in ClusterShell.

import { NODESET_RANGE, NODESET_SYNTAX, NodeSetFault, nodeSetError, quote, type NodeSetErrorCode } from './errors';
import { IndexSet } from './indexSet';
import type { Op } from './patternMap';
import { isAsciiDigit, pyLStripIndex, pyRStripIndex } from './pyText';

export interface Term {
  op: Op;
  /** Literal text around indexes (length = ranges.length + 1). */
  parts: string[];
  ranges: IndexSet[];
  /** Offset of the term in the scanned text. */
  start: number;
}

const PY_1E100 = BigInt(
  '10000000000000000159028911097599180468360808563945281389781327557747838772170381060813469985856815104',
);

const isOp = (c: number): boolean => c === 44 || c === 33 || c === 38 || c === 94; // , ! & ^

/** Scan `text` into terms. Errors are AppErrors whose expression is `text`. */
export function* scanTerms(text: string): Generator<Term> {
  const lead = pyLStripIndex(text);
  const s = text.slice(lead, pyRStripIndex(text, lead));
  const n = s.length;

  const fail = (code: NodeSetErrorCode, message: string, at?: number, part?: string): never => {
    throw nodeSetError(code, text, {
      message,
      position: at === undefined ? undefined : at + lead,
      part,
    });
  };
  const where = (at: number): string => `at character ${at + lead + 1}`;

  // next operator / "[" / "]" at or after each offset
  const nextOp = new Int32Array(n + 1);
  const nextOpen = new Int32Array(n + 1);
  const nextClose = new Int32Array(n + 1);
  nextOp[n] = nextOpen[n] = nextClose[n] = -1;
  for (let i = n - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    nextOp[i] = isOp(c) ? i : nextOp[i + 1];
    nextOpen[i] = c === 91 ? i : nextOpen[i + 1];
    nextClose[i] = c === 93 ? i : nextClose[i + 1];
  }

  const termText = (start: number, from: number): string => {
    const op = nextOp[Math.min(from, n)];
    return s.slice(start, op < 0 ? n : op);
  };

  const rangeSet = (body: string, start: number, bracketAt: number): IndexSet => {
    try {
      return IndexSet.parse(body);
    } catch (e) {
      if (!(e instanceof NodeSetFault)) throw e;
      const close = nextClose[bracketAt + 1];
      const term = quote(termText(start, close < 0 ? n : close + 1));
      const message =
        e.part === ''
          ? `empty range in ${term} ${where(bracketAt + 1)}`
          : `bad range ${e.part} in ${term}: ${e.reason}`;
      return fail(e.code, message, bracketAt + 1, e.part);
    }
  };

  /** Plain text: runs of digits become indexes (ClusterShell's (\D*)(\d*) split). */
  const scanPlain = (from: number, to: number, parts: string[], ranges: IndexSet[]): void => {
    if (to <= from) fail(NODESET_SYNTAX, `empty node name ${where(from)}`, from);
    const indexes: string[] = [];
    const bad = splitDigits(s.slice(from, to), parts, indexes);
    if (bad >= 0) {
      fail(NODESET_RANGE, `bad index ${where(from + bad)}: the number is too large`, from + bad);
    }
    for (const idx of indexes) ranges.push(IndexSet.of(idx));
  };

  let pos = 0;
  let op: Op = ',';
  while (pos < n) {
    pos = pyLStripIndex(s, pos, n);
    const start = pos;
    const termOp = op;
    const parts = [''];
    const ranges: IndexSet[] = [];
    let opAt = nextOp[pos];
    let open = nextOpen[pos];

    if (open >= 0 && (opAt > open || opAt < 0)) {
      // a pattern with brackets: prefix[range]...[range]suffix
      let cur = pos;
      while (open >= 0 && (opAt > open || opAt < 0)) {
        const bracketAt = open;
        const close = nextClose[open + 1];
        if (close < 0) {
          const rest = s.slice(start);
          fail(NODESET_SYNTAX, `missing "]" for the "[" ${where(open)} in ${quote(rest)}`, open, rest);
        }
        const stray = nextClose[cur];
        if (stray >= 0 && stray < open) {
          const message = `unexpected "]" ${where(stray)} in ${quote(termText(start, close))}`;
          fail(NODESET_SYNTAX, message, stray, s.slice(cur, open));
        }
        let body = s.slice(open + 1, close);
        let after = close + 1;
        if (after < n) {
          const e = nextClose[after];
          let b = nextOpen[after];
          if (b < 0) b = e + 1;
          if (e >= 0 && e < b) {
            fail(NODESET_SYNTAX, `unexpected "]" ${where(e)} in ${quote(s.slice(start))}`, e, s.slice(after));
          }
          let d = after;
          while (d < n && isAsciiDigit(s.charCodeAt(d))) d++;
          if (d > after) {
            if (body.includes('/')) {
              fail(
                NODESET_SYNTAX,
                `digits right after a stepped range ${where(after)} in ${quote(termText(start, after))} are not supported`,
                after,
                s.slice(after),
              );
            }
            body = amendTrailingDigits(body, s.slice(after, d));
            after = d;
          }
        }
        let pfxEnd = open;
        if (pfxEnd > cur) {
          let k = pfxEnd;
          while (k > cur && isAsciiDigit(s.charCodeAt(k - 1))) k--;
          if (k < pfxEnd) {
            const digits = s.slice(k, pfxEnd);
            body = amendLeadingDigits(rangeSet(body, start, bracketAt), digits);
            pfxEnd = k;
          }
          if (pfxEnd > cur) scanPlain(cur, pfxEnd, parts, ranges);
        }
        open = after < n ? nextOpen[after] : -1;
        opAt = nextOp[after];
        if (after < n && s.charCodeAt(after) === 91) {
          const message = `unexpected "[" right after a range ${where(after)} in ${quote(termText(start, after))}`;
          fail(NODESET_SYNTAX, message, after, s.slice(after));
        }
        ranges.push(rangeSet(body, start, bracketAt));
        parts.push('');
        cur = after;
      }
      opAt = nextOp[cur];
      let end = n;
      if (opAt < 0) pos = n;
      else {
        end = opAt;
        op = s[opAt] as Op;
        pos = opAt + 1;
        if (pos >= n) fail(NODESET_SYNTAX, `the "${op}" ${where(opAt)} needs a node set after it`, opAt);
      }
      const tail = pyRStripIndex(s, cur, end);
      if (tail > cur) scanPlain(cur, tail, parts, ranges);
    } else {
      // a plain name up to the next operator
      let end = n;
      if (opAt < 0) pos = n;
      else {
        end = opAt;
        op = s[opAt] as Op;
        pos = opAt + 1;
        if (end === start || pos >= n) {
          fail(NODESET_SYNTAX, `the "${op}" ${where(opAt)} needs a node set on both sides`, opAt);
        }
      }
      const stray = nextClose[start];
      if (stray >= 0 && stray < end) {
        const node = s.slice(start, end);
        fail(NODESET_SYNTAX, `unexpected "]" ${where(stray)} in ${quote(node)}`, stray, node);
      }
      scanPlain(start, pyRStripIndex(s, start, end), parts, ranges);
    }
    yield { op: termOp, parts, ranges, start: start + lead };
  }
}

/** n[1-2]0 -> n[10-20/10]: ClusterShell appends the digits to every bound and steps by 10^k. */
function amendTrailingDigits(body: string, digits: string): string {
  return body
    .split(',')
    .map((elem) => elem.split('-').map((bound) => bound + digits).join('-'))
    .map((r) => (r.includes('-') ? `${r}/1${'0'.repeat(digits.length)}` : r))
    .join(',');
}

/** n1[0-2] -> n[10-12]: the digits are prefixed to every bound of each contiguous run. */
function amendLeadingDigits(range: IndexSet, digits: string): string {
  return range
    .slices()
    .map((elem) =>
      elem
        .split('-')
        .map((bound) => digits + bound)
        .join('-'),
    )
    .join(',');
}

/**
 * Split plain text at digit runs: literal text goes to the last of `parts`, each digit run is an
 * index (and opens a new part). Returns the offset of an index above 1e100, or -1.
 */
function splitDigits(text: string, parts: string[], indexes: string[]): number {
  let i = 0;
  while (i < text.length) {
    let j = i;
    while (j < text.length && !isAsciiDigit(text.charCodeAt(j))) j++;
    parts[parts.length - 1] += text.slice(i, j);
    let k = j;
    while (k < text.length && isAsciiDigit(text.charCodeAt(k))) k++;
    if (k > j) {
      const idx = text.slice(j, k);
      if (idx.length > 100 && BigInt(idx) > PY_1E100) return j;
      indexes.push(idx);
      parts.push('');
    }
    i = k;
  }
  return -1;
}

/**
 * A single node name (no operators, no brackets), as ClusterShell scans one: digit runs become
 * indexes, so "r1n07" is pattern ["r", "n", ""] with indexes ["1", "07"]. Throws an AppError.
 */
export function scanName(name: string): { parts: string[]; indexes: string[] } {
  const parts = [''];
  const indexes: string[] = [];
  if (name.length === 0) throw nodeSetError(NODESET_SYNTAX, name, { message: 'empty node name' });
  const bad = splitDigits(name, parts, indexes);
  if (bad >= 0) {
    throw nodeSetError(NODESET_RANGE, name, {
      message: `bad index in ${quote(name)} at character ${bad + 1}: the number is too large`,
      position: bad,
    });
  }
  return { parts, indexes };
}
