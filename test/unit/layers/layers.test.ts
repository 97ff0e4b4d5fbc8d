import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, tempDir } from '../../support/tmp';

// The layer check must fail when a forbidden import appears. Each case builds a tiny tree with
// the project's own rules and node_modules, adds one offending file, and runs dependency-cruiser.
const depcruise = path.join(REPO, 'node_modules', '.bin', 'depcruise');

function cruise(files: Record<string, string>): { code: number; out: string } {
  const { dir, cleanup } = tempDir('clusterdeck-layers-');
  try {
    fs.copyFileSync(path.join(REPO, '.dependency-cruiser.cjs'), path.join(dir, '.dependency-cruiser.cjs'));
    fs.copyFileSync(path.join(REPO, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
    fs.writeFileSync(path.join(dir, 'tsconfig.node.json'), JSON.stringify({ extends: './tsconfig.json', include: ['**/*.ts'] }));
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    const r = spawnSync(depcruise, ['--config', '.dependency-cruiser.cjs', 'main', 'renderer', 'preload', 'shared'], { cwd: dir, encoding: 'utf8' });
    return { code: r.status ?? -1, out: r.stdout + r.stderr };
  } finally {
    cleanup();
  }
}

const base = {
  'shared/ok.ts': "export const x = 1;\n",
  'main/ok.ts': "import { x } from '../shared/ok';\nexport const y = x;\n",
  'renderer/ok.ts': "import { x } from '../shared/ok';\nexport const z = x;\n",
  'preload/ok.ts': "export const p = 1;\n",
};

describe('layer check', () => {
  beforeAll(() => expect(fs.existsSync(depcruise)).toBe(true));
  afterAll(() => undefined);

  it('passes a clean tree', () => {
    const r = cruise(base);
    expect(r.out).toContain('no dependency violations');
    expect(r.code).toBe(0);
  });

  it.each([
    ['shared/ imports a Node built-in', { 'shared/bad.ts': "import fs from 'node:fs';\nexport const b = fs;\n" }, 'shared-is-pure'],
    ['shared/ imports a Node-only package', { 'shared/bad.ts': "import Database from 'better-sqlite3';\nexport const b = Database;\n" }, 'shared-no-node-packages'],
    ['shared/ imports main/', { 'shared/bad.ts': "import { y } from '../main/ok';\nexport const b = y;\n" }, 'shared-imports-only-shared'],
    ['renderer/ imports main/', { 'renderer/bad.ts': "import { y } from '../main/ok';\nexport const b = y;\n" }, 'renderer-not-main'],
    ['renderer/ imports a Node built-in', { 'renderer/bad.ts': "import path from 'node:path';\nexport const b = path;\n" }, 'renderer-no-node'],
    ['renderer/ imports a Node-only package', { 'renderer/bad.ts': "import { WebSocketServer } from 'ws';\nexport const b = WebSocketServer;\n" }, 'node-only-packages-in-main'],
    ['a protocol client imports Electron', { 'main/protocols/bad.ts': "import { app } from 'electron';\nexport const b = app;\n" }, 'protocols-are-plain-node'],
  ])('fails when %s', (_what, extra, rule) => {
    const r = cruise({ ...base, ...extra });
    expect(r.code).not.toBe(0);
    expect(r.out).toContain(rule);
  });
});
