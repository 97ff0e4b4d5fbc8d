// Parameter values checked against a template's JSON Schema (the subset templates use: string,
// integer, number, boolean, array of strings, object of strings; enum, bounds, lengths, pattern,
// required, default). Every problem is reported at once, naming the parameter.

import { AppError } from '../../../shared/errors';
import type { Params, TemplateBody } from '../../../shared/contract/schemas/jobs';

type Prop = TemplateBody['parameters']['properties'][string];

function coerce(name: string, p: Prop, v: unknown, problems: string[]): unknown {
  const bad = (why: string) => {
    problems.push(`${name}: ${why}`);
    return undefined;
  };
  switch (p.type) {
    case 'string': {
      if (typeof v !== 'string') return bad('must be text');
      if (p.minLength !== undefined && v.length < p.minLength) return bad(`must be at least ${p.minLength} characters`);
      if (p.maxLength !== undefined && v.length > p.maxLength) return bad(`must be at most ${p.maxLength} characters`);
      if (p.pattern && !new RegExp(p.pattern, 'u').test(v)) return bad(`must match ${p.pattern}`);
      break;
    }
    case 'integer':
    case 'number': {
      // The CLI passes text (k=v); accept a decimal string that is exactly a number.
      const n = typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) return bad('must be a number');
      if (p.type === 'integer' && !Number.isInteger(n)) return bad('must be a whole number');
      if (p.minimum !== undefined && n < p.minimum) return bad(`must be at least ${p.minimum}`);
      if (p.maximum !== undefined && n > p.maximum) return bad(`must be at most ${p.maximum}`);
      v = n;
      break;
    }
    case 'boolean': {
      const b = v === 'true' ? true : v === 'false' ? false : v;
      if (typeof b !== 'boolean') return bad('must be true or false');
      v = b;
      break;
    }
    case 'array': {
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return bad('must be a list of text values');
      break;
    }
    case 'object': {
      if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) return bad('must be a map of text values');
      break;
    }
  }
  if (p.enum && !p.enum.includes(v as string | number)) return bad(`must be one of ${p.enum.join(', ')}`);
  return v;
}

/** Values with defaults filled in and types coerced; throws JOB_BAD_PARAMS listing every problem. */
export function validateParams(template: TemplateBody, values: Params): Params {
  const props = template.parameters.properties;
  const problems: string[] = [];
  for (const k of Object.keys(values)) if (!(k in props)) problems.push(`${k}: template ${template.name} has no such parameter (it has ${Object.keys(props).join(', ')})`);
  const out: Params = {};
  for (const [name, p] of Object.entries(props)) {
    let v: unknown = values[name];
    if (v === undefined) v = p.default;
    if (v === undefined) {
      if (template.parameters.required.includes(name)) problems.push(`${name}: is required`);
      continue;
    }
    const c = coerce(name, p, v, problems);
    if (c !== undefined) out[name] = c as Params[string];
  }
  if (problems.length > 0) {
    throw new AppError('JOB_BAD_PARAMS', `template ${template.name}: ${problems.join('; ')}`, { template: template.name, problems: problems.join('; ') });
  }
  return out;
}
