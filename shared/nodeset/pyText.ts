// Python text semantics that ClusterShell relies on, reproduced for ASCII input.
//
// ClusterShell strips with `str.strip()` and reads numbers with `int()`. Both differ from their
// JavaScript look-alikes (`trim()` knows U+FEFF but not U+001C..U+001F or U+0085; `Number()`
// rejects `1_0` and accepts `0x10`), so the node set parser uses these helpers instead to give
// the same answer as `nodeset` for odd spacing and numbers like `+5` or `1_0`.
// Non-ASCII digits (which Python's `int()` also accepts) are deliberately not supported.

/** Whether a UTF-16 code unit is whitespace for Python's `str.isspace()`. */
export function isPySpace(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    (code >= 0x1c && code <= 0x20) ||
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

export function pyLStripIndex(s: string, from = 0, to = s.length): number {
  let i = from;
  while (i < to && isPySpace(s.charCodeAt(i))) i++;
  return i;
}

export function pyRStripIndex(s: string, from = 0, to = s.length): number {
  let j = to;
  while (j > from && isPySpace(s.charCodeAt(j - 1))) j--;
  return j;
}

export function pyStrip(s: string): string {
  const i = pyLStripIndex(s);
  return s.slice(i, pyRStripIndex(s, i));
}

export function pyRStrip(s: string): string {
  return s.slice(0, pyRStripIndex(s));
}

const PY_INT = /^[+-]?[0-9]+(?:_[0-9]+)*$/;

/** Python `int(s)` for ASCII digits: surrounding whitespace, a sign and `_` separators allowed. */
export function pyInt(s: string): bigint | undefined {
  const t = pyStrip(s);
  if (!PY_INT.test(t)) return undefined;
  return BigInt(t.replace(/_/g, '').replace(/^\+/, ''));
}

export function isAsciiDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Python's default string order (code points), which differs from `<` on astral characters. */
export function comparePyStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

// Surrogates stand for code points above U+FFFF, so they must sort after every BMP character.
const rank = (unit: number): number => (unit >= 0xd800 && unit <= 0xdfff ? unit + 0x10000 : unit);
