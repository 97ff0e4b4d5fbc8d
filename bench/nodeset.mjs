// bench/nodeset.mjs — fold, expand and count large node sets with `clusterdeck nodeset` and
// ClusterShell's `nodeset` on the same expressions, whole commands timed (median of 5).
// Run: npm run build && node bench/nodeset.mjs
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, ms, stats, writeSection } from './lib/results.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'resources', 'bin', 'clusterdeck.cjs');
const data = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-bench-ns-'));

const cases = [
  ['fold 100,000 names (2 dims)', '-f', 'r[1-100]n[0001-1000]'],
  ['expand 100,000 names', '-e', 'r[1-100]n[0001-1000]'],
  ['count with exclusion and intersection', '-c', 'gpu[00001-99999]!gpu[00100-00199]&gpu[00050-90000]'],
  ['fold a scattered list', '-f', Array.from({ length: 3000 }, (_, i) => `n${(i * 7) % 5000}`).join(',')],
];

function time(cmd, args) {
  const times = [];
  let out = '';
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ').slice(0, 80)}: ${r.stderr}`);
    out = r.stdout;
  }
  return { ...stats(times), out };
}

const rows = [];
for (const [label, flag, expr] of cases) {
  const ours = time(process.execPath, [BIN, '--data-dir', data, 'nodeset', flag, expr]);
  const theirs = time('nodeset', [flag, expr]);
  if (ours.out !== theirs.out) throw new Error(`outputs differ for ${label}`);
  rows.push(`| ${label} | ${ms(ours.p50)} | ${ms(theirs.p50)} | ${(ours.p50 / theirs.p50).toFixed(2)} |`);
}
const version = spawnSync('nodeset', ['--version'], { encoding: 'utf8' }).stdout.trim();
writeSection('nodeset', `
## Node sets against ClusterShell (${new Date().toISOString().slice(0, 10)})

Machine: ${machine()}. Anchor: ${version}. Command: \`npm run build && node bench/nodeset.mjs\`.
Whole commands (process start included), median of 5; outputs are byte-identical in every case.

| work | clusterdeck nodeset | ClusterShell nodeset | ratio |
| --- | --- | --- | --- |
${rows.join('\n')}
`);
console.log(rows.join('\n'));
fs.rmSync(data, { recursive: true, force: true });
