// Evaluation: terms are combined strictly left to right (no precedence), as ClusterShell does:
// "a,b!c&d" is ((a ∪ b) − c) ∩ d. Group terms (@group, @source:group, @*, @@source) are resolved
// through the caller's callbacks and their text parsed recursively in the group's source;
// terms with * or ? are matched against all nodes of the source (ClusterShell's node wildcards).
//
// Unlike ClusterShell (whose file and upcall sources return an empty group for an unknown name),
// a group the resolver does not know is an error: in an operations console a typo in a group
// name must not silently select nothing.

import { AppError } from '../errors';
import { NODESET_SYNTAX, NODESET_UNKNOWN_GROUP, isNodeSetError, nodeSetError, quote } from './errors';
import { expandVector } from './ndSet';
import { scanName, scanTerms, type Term } from './parser';
import { PatternMap, indexesOf, interleave } from './patternMap';
import { IndexSet } from './indexSet';
import { isPySpace, pyStrip } from './pyText';

/**
 * Resolves a group to node set expressions (unioned). `source` is the group source
 * (`@source:group`), or undefined for the default source. Return undefined for an unknown group.
 */
export type GroupResolver = (group: string, source?: string) => readonly string[] | undefined;

/** Lists the group names of a source (undefined source = default); undefined if the source is unknown. */
export type GroupLister = (source?: string) => readonly string[] | undefined;

export interface NodeSetOptions {
  /** Resolves `@group` and `@source:group`. Without it any group is an unknown group. */
  resolveGroup?: GroupResolver;
  /**
   * Lists a source's groups. Enables `@*` / `@source:*` (all nodes: the union of every group),
   * `@@source` (the group names themselves) and node wildcards such as `gpu*` or `n?`.
   */
  listGroups?: GroupLister;
}

/** Nesting limit for groups that contain groups (a group containing itself would never end). */
export const MAX_GROUP_DEPTH = 50;

interface Context {
  readonly opts: NodeSetOptions;
  /** Node wildcards are off while computing "all nodes" for a wildcard (as in ClusterShell). */
  readonly wildcards: boolean;
  readonly depth: number;
}

/** Parse and evaluate a whole expression. An empty expression is an error. */
export function evaluateExpression(text: string, opts: NodeSetOptions): PatternMap {
  if (pyStrip(text) === '') {
    throw nodeSetError(NODESET_SYNTAX, text, { message: 'the node set expression is empty' });
  }
  return evaluateText(text, undefined, { opts, wildcards: true, depth: 0 });
}

function evaluateText(text: string, source: string | undefined, ctx: Context): PatternMap {
  const acc = new PatternMap();
  let allNodes: Set<string> | undefined; // computed once per text, like ClusterShell's cache
  for (const term of scanTerms(text)) {
    let operand: PatternMap;
    if (term.parts[0].startsWith('@')) {
      operand = groupTerm(text, term, source, ctx);
    } else if (ctx.wildcards && term.parts.some((p) => p.includes('*') || p.includes('?'))) {
      allNodes ??= allNodeNames(text, term, source, ctx);
      operand = wildcardTerm(term, allNodes);
    } else {
      operand = PatternMap.single(term.parts, indexesOf(term.ranges));
    }
    acc.apply(term.op, operand);
  }
  return acc;
}

/** Names written by one term, e.g. @rack[1-2] -> @rack1, @rack2. */
function termNames(term: Term): string[] {
  const { parts, ranges } = term;
  if (ranges.length === 0) return [parts[0]];
  if (ranges.length === 1) return ranges[0].sorted().map((i) => parts[0] + i + parts[1]);
  return [...expandVector(ranges)].map((t) => interleave(parts, t));
}

function groupTerm(text: string, term: Term, source: string | undefined, ctx: Context): PatternMap {
  const result = new PatternMap();
  for (const name of termNames(term)) {
    const { nodes, source: inner } = groupContent(text, term, name, source, ctx);
    const body = nodes.join(',');
    if (!body) continue;
    result.union(nested(text, term, name, () => evaluateText(body, inner, { ...ctx, depth: ctx.depth + 1 }), body, ctx));
  }
  return result;
}

/** ClusterShell's parse_group_string: "@g", "@src:g", "@*", "@src:*", "@@src". */
function groupContent(
  text: string,
  term: Term,
  name: string,
  source: string | undefined,
  ctx: Context,
): { nodes: string[]; source: string | undefined } {
  const spec = name.slice(1);
  let group = spec;
  let src = source;
  const colon = spec.indexOf(':');
  if (colon >= 0) {
    src = spec.slice(0, colon);
    group = spec.slice(colon + 1);
  }
  if (group === '*') return { nodes: allNodesList(text, term, name, src, ctx), source: src };
  if (group.startsWith('@')) return { nodes: groupNames(text, term, name, spec.slice(1), ctx), source: src };
  const resolve = ctx.opts.resolveGroup;
  const nodes = resolve ? resolve(group, src || undefined) : undefined;
  if (!nodes) {
    const detail = resolve ? '' : ' (no group resolver is configured)';
    throw nodeSetError(NODESET_UNKNOWN_GROUP, text, {
      message: `unknown group ${name}${detail}`,
      position: term.start,
      group: name,
      source: src || undefined,
    });
  }
  return { nodes: tokens(nodes), source: src };
}

/** Group names of a source, with ranges in names expanded (ClusterShell's grouplist). */
function groupNames(text: string, term: Term, name: string, source: string, ctx: Context): string[] {
  const list = ctx.opts.listGroups?.(source || undefined);
  if (!list) {
    const what = source ? `group source "${source}"` : 'the default group source';
    throw nodeSetError(NODESET_UNKNOWN_GROUP, text, {
      message: `cannot list the groups of ${what} for ${name}`,
      position: term.start,
      group: name,
      source: source || undefined,
    });
  }
  const acc = new PatternMap();
  for (const g of tokens(list)) {
    nested(text, term, name, () => {
      for (const t of scanTerms(g)) acc.apply(t.op, PatternMap.single(t.parts, indexesOf(t.ranges)));
      return acc;
    }, g, ctx);
  }
  return [...acc.names()];
}

/** Every node of a source as the expressions of all its groups (ClusterShell's list + map). */
function allNodesList(text: string, term: Term, name: string, source: string | undefined, ctx: Context): string[] {
  const out: string[] = [];
  for (const g of groupNames(text, term, name, source ?? '', ctx)) {
    const nodes = ctx.opts.resolveGroup?.(g, source || undefined);
    if (nodes) out.push(...tokens(nodes));
  }
  return out;
}

function allNodeNames(text: string, term: Term, source: string | undefined, ctx: Context): Set<string> {
  if (!ctx.opts.resolveGroup || !ctx.opts.listGroups) {
    throw nodeSetError(NODESET_UNKNOWN_GROUP, text, {
      message: `cannot match the wildcard in ${quote(termNames(term)[0])}: wildcards match against all nodes (@*), and no group source lists them`,
      position: term.start,
      group: '@*',
    });
  }
  const all = new PatternMap();
  const inner: Context = { ...ctx, wildcards: false, depth: ctx.depth + 1 };
  for (const expr of allNodesList(text, term, '@*', source, ctx)) {
    all.union(nested(text, term, '@*', () => evaluateText(expr, source, inner), expr, ctx));
  }
  return new Set(all.names());
}

function wildcardTerm(term: Term, allNodes: Set<string>): PatternMap {
  const remaining = new Set(allNodes);
  const matched = new PatternMap();
  for (const mask of termNames(term)) {
    const re = globToRegExp(mask);
    for (const node of remaining) {
      if (!re.test(node)) continue;
      remaining.delete(node);
      const { parts, indexes } = scanName(node);
      matched.union(PatternMap.single(parts, indexesOf(indexes.map((i) => IndexSet.of(i)))));
    }
  }
  return matched;
}

/** fnmatch for masks that can only hold * and ? (brackets were taken by the node set syntax). */
function globToRegExp(mask: string): RegExp {
  let re = '';
  for (const ch of mask) {
    if (ch === '*') re += '[\\s\\S]*';
    else if (ch === '?') re += '[\\s\\S]';
    else re += ch.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'u');
}

/** Run a nested parse for a group; errors say which group they come from. */
function nested<T>(text: string, term: Term, name: string, run: () => T, body: string, ctx: Context): T {
  if (ctx.depth >= MAX_GROUP_DEPTH) {
    throw nodeSetError(NODESET_SYNTAX, text, {
      message: `group ${name} nests groups more than ${MAX_GROUP_DEPTH} levels deep (does it contain itself?)`,
      position: term.start,
      group: name,
    });
  }
  try {
    return run();
  } catch (e) {
    if (!isNodeSetError(e)) throw e;
    // name the innermost group only; outer levels just re-anchor the error in their text
    const message = 'via' in e.params ? e.message : `${e.message} (in group ${name}: ${quote(body)})`;
    throw new AppError(e.code, message, { ...e.params, expression: text, message, position: term.start, via: name });
  }
}

/** Group sources hand back whitespace-separated node sets (ClusterShell splits them). */
function tokens(list: readonly string[]): string[] {
  const out: string[] = [];
  for (const item of list) {
    let i = 0;
    while (i < item.length) {
      while (i < item.length && isPySpace(item.charCodeAt(i))) i++;
      let j = i;
      while (j < item.length && !isPySpace(item.charCodeAt(j))) j++;
      if (j > i) out.push(item.slice(i, j));
      i = j;
    }
  }
  return out;
}
