import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../../../shared/i18n/errors.en.json';
import zh from '../../../shared/i18n/errors.zh-CN.json';

const root = path.resolve(__dirname, '../../..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? sources(p) : /\.tsx?$/.test(d.name) ? [p] : [];
  });
}

/** Codes thrown in main/ and shared/: `AppError('X'`, `fooError('X'`, and every code literal of an errors.ts module. */
function thrownCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const file of [...sources(path.join(root, 'main')), ...sources(path.join(root, 'shared'))]) {
    const text = fs.readFileSync(file, 'utf8');
    const rel = path.relative(root, file);
    for (const m of text.matchAll(/(?:AppError|[a-z]+Error)\(\s*'([A-Z][A-Z0-9]*_[A-Z0-9_]+)'/g)) codes.set(m[1], rel);
    if (path.basename(file) === 'errors.ts') {
      // Union members and constant tables; `cause`/`code` fields that carry OS or TLS codes are not ours.
      for (const m of text.matchAll(/(?:\|\s*|:\s*|=\s*)'([A-Z][A-Z0-9]*_[A-Z0-9_]+)'/g)) if (!/^E[A-Z]+$/.test(m[1].replace(/_/g, ''))) codes.set(m[1], rel);
    }
  }
  return codes;
}

const params = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('error message catalogs', () => {
  it('English and Chinese have the same keys', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
  });

  it('a Chinese message uses only the parameters its English message uses', () => {
    const enMap = en as Record<string, string>;
    const bad = Object.entries(zh as Record<string, string>).filter(([k, v]) => k in enMap && params(v).some((p) => !params(enMap[k]).includes(p)));
    expect(bad).toEqual([]);
  });

  it('every error code thrown in main/ and shared/ has a message in both languages', () => {
    const missing = [...thrownCodes()].filter(([code]) => !(code in en) || !(code in zh)).map(([code, file]) => `${code} (${file})`);
    expect(missing).toEqual([]);
  });
});
