// Templates to the exact text a backend receives. Parameter values never become syntax:
// - scripts: `{{p}}` becomes one POSIX-shell single-quoted word (a list becomes several words);
// - manifests: `"{{p}}"` is replaced by the value itself in the parsed JSON tree and the tree is
//   written by the YAML serializer; text around a placeholder stays inside one string value;
// - the #SBATCH header is generated from the validated job spec, whose values may not contain
//   whitespace or quotes (sbatch would split them).

import { stringify } from 'yaml';
import { AppError } from '../../../shared/errors';
import { JobSpec, type Params, type Rendered, type TemplateBody } from '../../../shared/contract/schemas/jobs';
import { shQuote } from '../../protocols/slurm/runner';
import { validateParams } from './params';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)(?:\|([A-Za-z]+))?\s*\}\}/g;
const FILTERS = new Set(['envList']);

/** Names a template's text uses as placeholders (script, manifest and spec), with their filters. */
export function placeholdersOf(t: TemplateBody): { name: string; filter?: string }[] {
  const texts = [t.script ?? '', JSON.stringify(t.manifest ?? null), JSON.stringify(t.spec)];
  const out: { name: string; filter?: string }[] = [];
  for (const text of texts) for (const m of text.matchAll(PLACEHOLDER)) out.push({ name: m[1], filter: m[2] });
  return out;
}

/** Where a template's schema and its text disagree; empty when they agree. */
export function lintTemplate(t: TemplateBody): string[] {
  const problems: string[] = [];
  if (t.target === 'slurm' && !t.script) problems.push('a slurm template needs a "script"');
  if (t.target === 'kubernetes' && (t.manifest === undefined || t.manifest === null)) problems.push('a kubernetes template needs a "manifest"');
  const declared = Object.keys(t.parameters.properties);
  const used = placeholdersOf(t);
  const usedNames = new Set(used.map((u) => u.name));
  for (const u of used) {
    if (!declared.includes(u.name)) problems.push(`{{${u.name}}} is used but not declared in parameters`);
    if (u.filter && !FILTERS.has(u.filter)) problems.push(`{{${u.name}|${u.filter}}}: unknown filter (known: ${[...FILTERS].join(', ')})`);
  }
  for (const d of declared) if (!usedNames.has(d)) problems.push(`parameter ${d} is declared but never used`);
  for (const r of t.parameters.required) if (!declared.includes(r)) problems.push(`required parameter ${r} is not declared`);
  return [...new Set(problems)];
}

export function assertTemplate(t: TemplateBody): void {
  const problems = lintTemplate(t);
  if (problems.length > 0) {
    throw new AppError('JOB_TEMPLATE_INVALID', `template ${t.name}: its parameters and its ${t.target === 'slurm' ? 'script' : 'manifest'} disagree: ${problems.join('; ')}`, { template: t.name });
  }
}

function applyFilter(value: unknown, filter: string | undefined): unknown {
  if (filter === 'envList') return Object.entries(value as Record<string, string>).map(([name, v]) => ({ name, value: v }));
  return value;
}

/** Replace placeholders inside a JSON tree: a whole-string placeholder takes the typed value. */
function substitute(node: unknown, values: Params): unknown {
  if (typeof node === 'string') {
    const whole = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)(?:\|([A-Za-z]+))?\s*\}\}$/.exec(node);
    if (whole) return applyFilter(values[whole[1]] ?? null, whole[2]);
    return node.replace(PLACEHOLDER, (_, name: string) => {
      const v = values[name];
      return typeof v === 'object' ? JSON.stringify(v) : String(v ?? '');
    });
  }
  if (Array.isArray(node)) {
    // "{{list}}" as an array element splices the list in (commands and arguments).
    return node.flatMap((el) => {
      const m = typeof el === 'string' ? /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/.exec(el) : null;
      if (m && Array.isArray(values[m[1]])) return values[m[1]] as string[];
      return [substitute(el, values)];
    });
  }
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, substitute(v, values)]));
  return node;
}

/** Empty strings and nulls mean "not set" in a spec, so optional fields fall back to defaults. */
function prune(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(prune);
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).filter(([, v]) => v !== '' && v !== null && v !== undefined).map(([k, v]) => [k, prune(v)]));
  }
  return node;
}

function renderScriptBody(script: string, values: Params): string {
  return script.replace(PLACEHOLDER, (_, name: string) => {
    const v = values[name];
    if (Array.isArray(v)) return v.map(shQuote).join(' ');
    if (v !== null && typeof v === 'object') {
      throw new AppError('JOB_TEMPLATE_INVALID', `{{${name}}} is a map and cannot appear in a script; put it in the spec (e.g. "env")`, { param: name });
    }
    return shQuote(String(v ?? ''));
  });
}

const DIRECTIVE_SAFE = /^[^\s'"\\]+$/;

function sbatchHeader(spec: JobSpec): string[] {
  const lines: string[] = [];
  const add = (opt: string, value: string | number | null | undefined, what: string) => {
    if (value === null || value === undefined || value === '') return;
    const s = String(value);
    if (!DIRECTIVE_SAFE.test(s)) {
      throw new AppError('JOB_BAD_PARAMS', `${what} ${JSON.stringify(s)} cannot contain spaces, quotes or backslashes (it becomes an #SBATCH option)`, { field: what });
    }
    lines.push(`#SBATCH --${opt}=${s}`);
  };
  add('job-name', spec.name, 'job name');
  add('partition', spec.partition, 'partition');
  if (spec.shape.nodes > 1) add('nodes', spec.shape.nodes, 'nodes');
  if (spec.shape.tasksPerNode > 1) add('ntasks-per-node', spec.shape.tasksPerNode, 'tasks per node');
  if (spec.devices.count > 0) add('gres', `gpu:${spec.devices.type ? `${spec.devices.type}:` : ''}${spec.devices.count}`, 'GPU type');
  add('time', spec.timeLimitMin, 'time limit');
  add('output', spec.output, 'output file');
  add('chdir', spec.workDir, 'working folder');
  if (spec.priority < 100) add('nice', 100 - spec.priority, 'priority');
  return lines;
}

export interface RenderContext {
  /** The backend's default working folder, used when the template names none. */
  workDir?: string | null;
}

export function renderTemplate(t: TemplateBody, version: number, input: Params, ctx: RenderContext = {}): Rendered {
  assertTemplate(t);
  const values = validateParams(t, input);
  const rawSpec = prune(substitute(t.spec, values)) as Record<string, unknown>;
  if (!rawSpec.workDir && ctx.workDir) rawSpec.workDir = ctx.workDir;
  const parsed = JobSpec.safeParse(rawSpec);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new AppError('JOB_TEMPLATE_INVALID', `template ${t.name}: its spec does not describe a job: ${why}`, { template: t.name });
  }
  const spec = parsed.data;
  let text: string;
  if (t.target === 'slurm') {
    text = ['#!/bin/sh', ...sbatchHeader(spec), '', renderScriptBody(t.script ?? '', values)].join('\n');
  } else {
    if (spec.image !== null && /\s/.test(spec.image)) {
      throw new AppError('JOB_BAD_PARAMS', `template ${t.name}: image ${JSON.stringify(spec.image)} cannot contain spaces (an image is registry/name:tag)`, { template: t.name, problems: `image ${JSON.stringify(spec.image)} cannot contain spaces` });
    }
    text = stringify(substitute(t.manifest, values), { lineWidth: 0 });
  }
  return { template: t.name, version, kind: t.target === 'slurm' ? 'script' : 'manifest', text, spec, params: values };
}
