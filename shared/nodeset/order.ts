// Orderings that decide what `nodeset -e` and `nodeset -f` print.
//
// Since ClusterShell 1.9 an index is kept as the string the user wrote ("7", "07", "007" are three
// different nodes). Its sorted order is by (length, text) for non-negative indexes, negative ones
// first. So n[1-5,01-10] expands 1..5 before 01..10, and "9" sorts before "10".
// The multi-dimensional fold sorts vectors by a key made of sizes and first/last indexes compared
// as plain text ("10" < "9" there); it is reproduced in foldNd.ts using compareText.

/** ClusterShell's RangeSet order for index strings. */
export function compareIndex(a: string, b: string): number {
  const an = a.charCodeAt(0) === 45; // '-'
  const bn = b.charCodeAt(0) === 45;
  if (an !== bn) return an ? -1 : 1;
  if (a.length !== b.length) return an ? b.length - a.length : a.length - b.length;
  if (a === b) return 0;
  // same length: text order for non-negative, reversed for negative (-9 < -1)
  return (a < b) !== an ? -1 : 1;
}

/** Plain text order of index strings (ASCII only, so code units match Python). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sort index strings in ClusterShell order, skipping the sort when already ordered. */
export function sortIndexes(items: string[]): string[] {
  for (let i = 1; i < items.length; i++) {
    if (compareIndex(items[i - 1], items[i]) > 0) return items.sort(compareIndex);
  }
  return items;
}

/** Zero-padded means more than one digit and a leading zero ("07"; "0" and "70" are not). */
export function isPadded(index: string): boolean {
  return index.length > 1 && index.charCodeAt(0) === 48;
}

/** Whether index b is index a plus one, numerically (padding ignored). */
export function isSuccessor(a: string, b: string): boolean {
  if (a.length <= 15 && b.length <= 15) return Number(b) === Number(a) + 1;
  return BigInt(b) === BigInt(a) + 1n;
}
