// The image query language: clauses joined by "and", e.g.
//   width > 1000 and has label cat and count cat >= 2 and box width < 20 and status = labeled
// Clauses: width|height|annotations|bytes OP N; has label NAME; no label NAME; count NAME OP N;
// box width|height|area OP N (some box of the image); status = unlabeled|labeled|reviewed;
// file contains TEXT. NAME may be quoted ("traffic light"). Compiled to SQL with parameters.
import { AppError } from '../../../shared/errors';

const OPS = new Set(['>', '>=', '<', '<=', '=', '!=']);

export interface CompiledQuery { where: string; params: (string | number)[] }

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|>=|<=|!=|[<>=]|[^\s<>=!]+)/gy;
  let m: RegExpExecArray | null;
  let end = 0; // exec resets lastIndex when it stops matching
  while ((m = re.exec(text)) && m[1]) {
    tokens.push(m[1]);
    end = re.lastIndex;
  }
  if (text.slice(end).trim()) throw bad(`cannot read "${text.slice(end).trim()}"`);
  return tokens;
}

const bad = (reason: string) => new AppError('DATASET_QUERY_INVALID', `Query: ${reason}.`, { reason });
const unquote = (t: string) => (/^["']/.test(t) ? t.slice(1, -1).replace(/\\(.)/g, '$1') : t);

/** SQL over `dataset_images i` for the dataset's images. */
export function compileQuery(text: string): CompiledQuery {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  const tokens = tokenize(text.trim());
  let i = 0;
  const next = (what: string) => {
    if (i >= tokens.length) throw bad(`expected ${what} at the end`);
    return tokens[i++];
  };
  const op = () => {
    const o = next('a comparison (> >= < <= = !=)');
    if (!OPS.has(o)) throw bad(`"${o}" is not a comparison (> >= < <= = !=)`);
    return o === '=' ? '=' : o;
  };
  const num = () => {
    const t = next('a number');
    if (!Number.isFinite(Number(t))) throw bad(`"${t}" is not a number`);
    return Number(t);
  };
  const annotationsOf = 'SELECT a.* FROM dataset_annotations a JOIN dataset_labels l ON l.id = a.label_id WHERE a.image_id = i.id';
  while (i < tokens.length) {
    const word = next('a clause').toLowerCase();
    if (word === 'width' || word === 'height' || word === 'bytes') {
      const o = op();
      clauses.push(`i.${word} ${o} ?`);
      params.push(num());
    } else if (word === 'annotations' || word === 'objects') {
      const o = op();
      clauses.push(`(SELECT count(*) FROM dataset_annotations a WHERE a.image_id = i.id) ${o} ?`);
      params.push(num());
    } else if (word === 'has' || word === 'no') {
      if (next('"label"').toLowerCase() !== 'label') throw bad(`write "${word} label NAME"`);
      clauses.push(`${word === 'no' ? 'NOT ' : ''}EXISTS (${annotationsOf} AND l.name = ?)`);
      params.push(unquote(next('a label name')));
    } else if (word === 'count') {
      const label = unquote(next('a label name'));
      const o = op();
      clauses.push(`(SELECT count(*) FROM (${annotationsOf} AND l.name = ?)) ${o} ?`);
      params.push(label, num());
    } else if (word === 'box') {
      const dim = next('width, height or area').toLowerCase();
      const expr = dim === 'width' ? 'a.bbox_w' : dim === 'height' ? 'a.bbox_h' : dim === 'area' ? 'a.bbox_w * a.bbox_h' : null;
      if (!expr) throw bad(`"box ${dim}": use box width, box height or box area`);
      const o = op();
      clauses.push(`EXISTS (${annotationsOf} AND a.bbox_w IS NOT NULL AND ${expr} ${o} ?)`);
      params.push(num());
    } else if (word === 'status') {
      const o = op();
      if (o !== '=' && o !== '!=') throw bad('status takes = or !=');
      const s = next('a status');
      if (!['unlabeled', 'labeled', 'reviewed'].includes(s)) throw bad(`"${s}" is not a status (unlabeled, labeled, reviewed)`);
      clauses.push(`i.status ${o} ?`);
      params.push(s);
    } else if (word === 'file') {
      if (next('"contains"').toLowerCase() !== 'contains') throw bad('write "file contains TEXT"');
      clauses.push(`instr(i.file, ?) > 0`);
      params.push(unquote(next('text')));
    } else {
      throw bad(`"${word}" does not start a clause (width, height, bytes, annotations, has label, no label, count, box, status, file contains)`);
    }
    if (i < tokens.length && next('"and"').toLowerCase() !== 'and') throw bad(`expected "and" before "${tokens[i - 1]}"`);
  }
  return { where: clauses.length ? clauses.join(' AND ') : '1', params };
}
