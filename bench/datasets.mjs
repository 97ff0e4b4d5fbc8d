// bench/datasets.mjs — COCO import and export of 100,000 annotations on 5,000 images with the
// built `clusterdeck datasets`, whole commands timed (process start included, median of 3).
// Anchor: Python's json.load / json.dump of the same file (parsing alone, no checks, no store).
// Run: npm run build && node bench/datasets.mjs
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, ms, stats, writeSection } from './lib/results.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'resources', 'bin', 'clusterdeck.cjs');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-bench-ds-'));
const IMAGES = 5000, ANNOTATIONS = 100_000;

// Images only need to exist for import (COCO carries their sizes): one small JPEG, copied.
const imgs = path.join(work, 'images');
fs.mkdirSync(imgs);
const jpeg = Buffer.from('/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=', 'base64');
for (let i = 0; i < IMAGES; i++) fs.writeFileSync(path.join(imgs, `img${String(i).padStart(5, '0')}.jpg`), jpeg);

let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const coco = {
  images: Array.from({ length: IMAGES }, (_, i) => ({ id: i + 1, file_name: `img${String(i).padStart(5, '0')}.jpg`, width: 1920, height: 1080 })),
  categories: Array.from({ length: 80 }, (_, i) => ({ id: i * 2 + 1, name: `class${i}` })),
  annotations: Array.from({ length: ANNOTATIONS }, (_, i) => {
    const w = 5 + rnd() * 300, h = 5 + rnd() * 300, x = rnd() * (1920 - w), y = rnd() * (1080 - h);
    const poly = i % 4 === 0 ? [[x, y, x + w, y, x + w, y + h, x, y + h]] : [];
    return { id: i + 1, image_id: (i % IMAGES) + 1, category_id: (i % 80) * 2 + 1, bbox: [x, y, w, h], area: w * h, iscrowd: 0, segmentation: poly };
  }),
};
const file = path.join(work, 'instances.json');
fs.writeFileSync(file, JSON.stringify(coco));
const mb = (fs.statSync(file).size / 2 ** 20).toFixed(1);

const q = (a) => `'${a.replace(/'/g, `'\\''`)}'`;
/** Wall time and the CPU time (user + sys) bash's `time` reports: on a shared, loaded machine the two differ a lot. */
function time(label, cmd, argsOf, runs = 3) {
  const times = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const args = argsOf(i);
    const t0 = performance.now();
    const r = spawnSync('bash', ['-c', `TIMEFORMAT='%U %S'; time ${[cmd, ...args].map(q).join(' ')} >/dev/null`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${label}: ${r.stderr}`);
    const [u, s] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
    cpu.push((u + s) * 1000);
  }
  return { ...stats(times), cpu: stats(cpu).p50 };
}

const cli = (...a) => [BIN, '--data-dir', path.join(work, 'data'), 'datasets', ...a];
const imp = time('import', process.execPath, (i) => cli('import', `b${i}`, '--format', 'coco', '--annotations', file, '--images', imgs));
const exp = time('export', process.execPath, (i) => cli('export', 'b0', '--format', 'coco', '--out', path.join(work, `out${i}`), '--no-images'));
const again = JSON.parse(fs.readFileSync(path.join(work, 'out0', 'annotations.json'), 'utf8'));
const same = JSON.stringify(again.annotations.map(({ image_id: _i, ...a }) => a)) === JSON.stringify(coco.annotations.map(({ image_id: _i, ...a }) => a));
if (!same) throw new Error('exported annotations differ from the imported ones');
const pyLoad = time('python load', 'python3', () => ['-c', `import json; json.load(open(${JSON.stringify(file)}))`]);
const pyDump = time('python dump', 'python3', () => ['-c', `import json; d = json.load(open(${JSON.stringify(file)})); json.dump(d, open(${JSON.stringify(path.join(work, 'py.json'))}, 'w'))`]);
const python = spawnSync('python3', ['--version'], { encoding: 'utf8' }).stdout.trim();

writeSection('datasets', `
## COCO import and export (${new Date().toISOString().slice(0, 10)})

Machine: ${machine()}. Anchor: ${python} json module. Command: \`npm run build && node bench/datasets.mjs\`.
${ANNOTATIONS.toLocaleString('en')} annotations (a quarter with polygons) on ${IMAGES.toLocaleString('en')} images, 80 categories with ids 1, 3, … 159; ${mb} MB of JSON.
Whole commands (process start included), median of 3; wall time, and in brackets the CPU time (user + sys) of the
command, since the build machine is shared (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs during this run). Import checks every item and every image file and commits
one SQLite transaction; export reads the store and writes the JSON (\`--no-images\`). The exported annotations equal
the source's (ids, boxes, polygons, areas; image ids renumbered). Python's json is only parsing (and writing), with no checks
and no store, so it is a floor rather than an equal.

| work | clusterdeck | bar | python json | ratio |
| --- | --- | --- | --- | --- |
| import 100k (\`datasets import --format coco\`) | ${ms(imp.p50)} (cpu ${ms(imp.cpu)}) | ≤ 3 s | ${ms(pyLoad.p50)} (cpu ${ms(pyLoad.cpu)}, load) | ${(imp.p50 / pyLoad.p50).toFixed(2)} |
| export 100k (\`datasets export --format coco\`) | ${ms(exp.p50)} (cpu ${ms(exp.cpu)}) | ≤ 2 s | ${ms(pyDump.p50)} (cpu ${ms(pyDump.cpu)}, load + dump) | ${(exp.p50 / pyDump.p50).toFixed(2)} |
`);
fs.rmSync(work, { recursive: true, force: true });
console.log(`import ${ms(imp.p50)} (cpu ${ms(imp.cpu)}), export ${ms(exp.p50)} (cpu ${ms(exp.cpu)}); python load ${ms(pyLoad.p50)}, load+dump ${ms(pyDump.p50)}`);
