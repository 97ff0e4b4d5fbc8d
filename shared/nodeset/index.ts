// ClusterShell-compatible node sets in pure TypeScript (no Node, no DOM).
//
// Answers exactly as ClusterShell 1.9.1's `nodeset` does for expand (-e), fold (-f) and count
// (-c): the same syntax (gpu[001-128], n[1-10/2], r[1-4]n[01-32], node12, mixed padding),
// the same left-to-right operators (`,` union, `!` difference, `&` intersection, `^` xor),
// the same order and the same folded text, multi-dimensional folding included.
//
//   NodeSet.parse('gpu[1-10]!gpu[3-4]&gpu[2-6]').fold()        // 'gpu[2,5-6]'
//   expandNodeSet('r[1-2]n[1-2]')                              // ['r1n1', 'r1n2', 'r2n1', 'r2n2']
//   foldNodeSet(['node1', 'node2', 'node10'])                  // 'node[1-2,10]'
//   countNodeSet('@gpu', { resolveGroup: (g) => groups[g] })   // groups through a callback
//
// Groups come from the caller: `resolveGroup(group, source?)` answers `@group` / `@source:group`
// with node set expressions (unioned; groups inside are resolved in the same source), and the
// optional `listGroups(source?)` enables `@*` (union of all groups), `@@source` (group names)
// and node wildcards (`gpu*`, `n?`, matched against all nodes).
//
// Errors are AppError (shared/errors.ts) with params { expression, message, position?, part? }
// (position: 0-based offset in the expression; messages count characters from 1):
//   NODESET_SYNTAX         brackets, operators, non-numbers, empty ranges or expression
//   NODESET_RANGE          10-1, a step below 1, padding mismatch, too many indexes
//   NODESET_UNKNOWN_GROUP  the resolver does not know the group (params.group = "@name")
// Errors inside a group's text name the group and keep params.expression = the outer text.
//
// Deliberate differences from ClusterShell: an unknown group and an empty expression are errors
// (ClusterShell yields an empty set); one range may not exceed MAX_RANGE_SIZE indexes (1e9 in
// ClusterShell); only ASCII digits are indexes (Python's int() also reads other Unicode digits);
// `@*` is always the union of the listed groups (ClusterShell first tries a source's `all`
// upcall or a YAML group named `all`); `--autostep` (a-b/step output) is not offered.

import type { NodeSetOptions } from './evaluate';
import { NodeSet } from './nodeSet';

export { NodeSet } from './nodeSet';
export type { GroupLister, GroupResolver, NodeSetOptions } from './evaluate';
export { MAX_GROUP_DEPTH } from './evaluate';
export { MAX_RANGE_SIZE } from './indexSet';
export { NODESET_RANGE, NODESET_SYNTAX, NODESET_UNKNOWN_GROUP, isNodeSetError } from './errors';
export type { NodeSetErrorCode } from './errors';

/** Node names of an expression, in ClusterShell's order (`nodeset -e`). */
export function expandNodeSet(expr: string, opts?: NodeSetOptions): string[] {
  return NodeSet.parse(expr, opts).expand();
}

/** Folded text of an expression, or of individual node names (`nodeset -f`). */
export function foldNodeSet(namesOrExpr: Iterable<string> | string, opts?: NodeSetOptions): string {
  if (typeof namesOrExpr === 'string') return NodeSet.parse(namesOrExpr, opts).fold();
  return NodeSet.fromNames(namesOrExpr).fold();
}

/** Number of nodes of an expression (`nodeset -c`). */
export function countNodeSet(expr: string, opts?: NodeSetOptions): number {
  return NodeSet.parse(expr, opts).size;
}
