import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import YAML, { LineCounter, isMap, isSeq } from 'yaml';
import { NodeInput, type Node, type NodeFields, type ImportProblem } from '../../../shared/contract/schemas/inventory';

// Import and export formats of the inventory. Both parse into the same candidate records
// (one per node, with the line it came from) so one validator judges CSV and YAML alike.

export const CSV_COLUMNS = [
  'name', 'hostname', 'type', 'rack', 'u', 'u_height', 'groups', 'gpu_count', 'gpu_model', 'labels',
  'ssh_host', 'ssh_port', 'ssh_user', 'ssh_credential', 'ssh_jump_host', 'bmc_host', 'bmc_port', 'bmc_protocol', 'bmc_credential',
] as const;
const REQUIRED = ['name', 'hostname'] as const;

export interface Candidate { line: number; fields: NodeFields }
export interface Parsed { candidates: Candidate[]; problems: ImportProblem[] }

/** zod path → the column (CSV) or key path (YAML) a user sees. */
function columnOf(path: PropertyKey[], csv: boolean): string {
  const p = path.map(String);
  if (!csv) return p.join('.');
  if (p[0] === 'ssh' || p[0] === 'bmc') return `${p[0]}_${p[1] === 'jumpHost' ? 'jump_host' : p[1] ?? 'host'}`;
  if (p[0] === 'uHeight') return 'u_height';
  if (p[0] === 'gpuCount') return 'gpu_count';
  if (p[0] === 'gpuModel') return 'gpu_model';
  return p[0] ?? '';
}

function validate(raw: unknown, line: number, csv: boolean, out: Parsed): void {
  const r = NodeInput.safeParse(raw);
  if (r.success) out.candidates.push({ line, fields: r.data });
  else for (const issue of r.error.issues) out.problems.push({ line, column: columnOf(issue.path, csv), reason: issue.message });
}

function intOrNull(v: string, column: string, line: number, problems: ImportProblem[]): number | null | undefined {
  if (v === '') return undefined;
  if (!/^-?\d+$/.test(v)) {
    problems.push({ line, column, reason: `"${v}" is not a whole number` });
    return null;
  }
  return Number(v);
}

function labelsOf(v: string, line: number, problems: ImportProblem[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of v.split(';').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) problems.push({ line, column: 'labels', reason: `"${part}" is not key=value` });
    else out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

export function parseCsvNodes(text: string): Parsed {
  const out: Parsed = { candidates: [], problems: [] };
  let rows: string[][];
  try {
    rows = parseCsv(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: false, trim: true }) as string[][];
  } catch (error) {
    const e = error as { lines?: number; message: string };
    out.problems.push({ line: e.lines ?? 1, column: '', reason: `not valid CSV: ${e.message}` });
    return out;
  }
  const header = (rows[0] ?? []).map((h) => h.toLowerCase());
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length) {
    out.problems.push({ line: 1, column: missing.join(','), reason: `missing column(s) ${missing.join(', ')}; the header must name at least: ${REQUIRED.join(', ')}` });
    return out;
  }
  const unknown = header.filter((h) => h && !(CSV_COLUMNS as readonly string[]).includes(h));
  if (unknown.length) out.problems.push({ line: 1, column: unknown.join(','), reason: `unknown column(s); known columns are: ${CSV_COLUMNS.join(', ')}` });

  for (let i = 1; i < rows.length; i++) {
    const line = i + 1;
    const row = rows[i];
    if (row.every((c) => c === '')) continue;
    if (row.length > header.length) out.problems.push({ line, column: '', reason: `has ${row.length} fields, the header has ${header.length}` });
    const get = (c: string) => { const idx = header.indexOf(c); return idx >= 0 ? row[idx] ?? '' : ''; };
    const before = out.problems.length;
    const num = (c: string) => intOrNull(get(c), c, line, out.problems);
    const sshGiven = ['ssh_host', 'ssh_port', 'ssh_user', 'ssh_credential', 'ssh_jump_host'].some((c) => get(c) !== '');
    const bmcGiven = ['bmc_host', 'bmc_port', 'bmc_protocol', 'bmc_credential'].some((c) => get(c) !== '');
    if (bmcGiven && !get('bmc_host')) out.problems.push({ line, column: 'bmc_host', reason: 'is required when other bmc_ columns are set' });
    const raw = {
      name: get('name'),
      hostname: get('hostname'),
      type: get('type') || undefined,
      rack: get('rack') || null,
      u: num('u') ?? null,
      uHeight: num('u_height'),
      gpuCount: num('gpu_count'),
      gpuModel: get('gpu_model') || null,
      labels: labelsOf(get('labels'), line, out.problems),
      groups: get('groups').split(';').map((g) => g.trim()).filter(Boolean),
      ssh: sshGiven ? {
        host: get('ssh_host') || get('hostname'), port: num('ssh_port'), user: get('ssh_user') || 'root',
        credential: get('ssh_credential') || null, jumpHost: get('ssh_jump_host') || null,
      } : null,
      bmc: bmcGiven && get('bmc_host') ? {
        host: get('bmc_host'), port: num('bmc_port'), protocol: get('bmc_protocol') || undefined, credential: get('bmc_credential') || null,
      } : null,
    };
    if (out.problems.length === before) validate(raw, line, true, out);
  }
  return out;
}

export function parseYamlNodes(text: string): Parsed {
  const out: Parsed = { candidates: [], problems: [] };
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length) {
    for (const e of doc.errors) out.problems.push({ line: e.linePos?.[0].line ?? 1, column: '', reason: `not valid YAML: ${e.message.split('\n')[0]}` });
    return out;
  }
  const root = doc.contents;
  const seq = isMap(root) ? root.get('nodes', true) : root;
  if (!isSeq(seq)) {
    out.problems.push({ line: 1, column: 'nodes', reason: 'expected a list of nodes (a top-level `nodes:` list)' });
    return out;
  }
  for (const item of seq.items) {
    const line = item && typeof item === 'object' && 'range' in item && item.range ? lineCounter.linePos(item.range[0]).line : 1;
    const value = (item as { toJSON?: () => unknown })?.toJSON?.() ?? item;
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      out.problems.push({ line, column: '', reason: 'each node must be a mapping (name: ..., hostname: ...)' });
      continue;
    }
    validate(value, line, false, out);
  }
  return out;
}

export function nodesToCsv(nodes: readonly Node[]): string {
  return stringifyCsv(
    nodes.map((n) => [
      n.name, n.hostname, n.type, n.rack ?? '', n.u ?? '', n.uHeight, n.groups.join(';'), n.gpuCount, n.gpuModel ?? '',
      Object.entries(n.labels).map(([k, v]) => `${k}=${v}`).join(';'),
      n.ssh?.host ?? '', n.ssh?.port ?? '', n.ssh?.user ?? '', n.ssh?.credential ?? '', n.ssh?.jumpHost ?? '',
      n.bmc?.host ?? '', n.bmc?.port ?? '', n.bmc?.protocol ?? '', n.bmc?.credential ?? '',
    ]),
    { header: true, columns: [...CSV_COLUMNS] },
  );
}

export function nodesToYaml(nodes: readonly Node[]): string {
  const plain = nodes.map(({ id: _id, createdAt: _c, updatedAt: _u, ...rest }) => rest);
  return YAML.stringify({ nodes: plain });
}
