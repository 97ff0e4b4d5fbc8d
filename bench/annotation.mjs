// bench/annotation.mjs — the annotation canvas in Chromium: a 12,000 × 12,000 image opening for
// drawing (overview + tile pyramid made with sharp at dataset creation), and frame times while
// zooming and panning an image with 2,000 boxes: the frame intervals (the display runs at 60 Hz, so
// they cannot go below 16.7 ms, and on a loaded machine they include waiting for a CPU), the
// main-thread work of each frame (from a Chromium trace: every task the page's main thread ran in
// the frame), the canvas drawing in it (Konva's layer draws, scene and hit canvases), and the work
// of the frames right after the view stops (the committed view re-renders the page).
// Run: npm run build && node bench/annotation.mjs   (NO_WRITE=1: print only, leave RESULTS.md alone;
// TRACE_OUT=file: keep the trace)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { launchChromium, startServe } from './lib/ui.mjs';
import { machine, ms, stats, writeSection } from './lib/results.mjs';
import { mainThreadFrames, TRACE_CATEGORIES } from './lib/frames.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'resources', 'bin', 'clusterdeck.cjs');
const BOXES = Number(process.env.BOXES ?? 2000);
const startLoad = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-bench-ann-'));
const env = { ...process.env, CLUSTERDECK_PASSPHRASE: 'bench' };
const data = path.join(work, 'data');
const cli = (...args) => {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, '--data-dir', data, 'datasets', ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`datasets ${args.join(' ')}: ${r.stderr}`);
  return performance.now() - t0;
};

// Images: one 12k × 12k JPEG with some structure, one 1920 × 1080 PNG for the boxes.
const imgs = path.join(work, 'images');
fs.mkdirSync(imgs);
const svg = Buffer.from(`<svg width="12000" height="12000">${Array.from({ length: 24 }, (_, i) => `<rect x="${i * 500}" y="0" width="250" height="12000" fill="#${(i * 37 % 255).toString(16).padStart(2, '0')}6644"/>`).join('')}</svg>`);
await sharp({ create: { width: 12000, height: 12000, channels: 3, background: '#789' } }).composite([{ input: svg }]).jpeg({ quality: 85 }).toFile(path.join(imgs, 'huge.jpg'));
await sharp({ create: { width: 1920, height: 1080, channels: 3, background: '#9ab' } }).png().toFile(path.join(imgs, 'street.png'));
const createMs = cli('create', 'bench', imgs, '--kind', 'detection', '--labels', 'car,person');
let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
fs.writeFileSync(path.join(work, 'boxes.json'), JSON.stringify({
  images: [{ id: 1, file_name: 'street.png', width: 1920, height: 1080 }],
  categories: [{ id: 1, name: 'car' }, { id: 2, name: 'person' }],
  annotations: Array.from({ length: BOXES }, (_, i) => {
    const w = 10 + rnd() * 80, h = 10 + rnd() * 80;
    return { id: i + 1, image_id: 1, category_id: (i % 2) + 1, bbox: [rnd() * (1920 - w), rnd() * (1080 - h), w, h], iscrowd: 0, area: w * h };
  }),
}));
cli('import', 'bench', '--format', 'coco', '--annotations', path.join(work, 'boxes.json'), '--images', imgs);

const { proc: serve, url } = await startServe(data, env);
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await page.goto(url);
await page.getByTestId('nav-datasets').click();
await page.getByTestId('datasets-table').getByText('bench', { exact: true }).click();
const canvas = page.getByTestId('annotate-canvas');

/** Click on the image's row → the canvas has the image and its shapes (ready to draw). */
async function open(file) {
  const t0 = performance.now();
  await page.getByTestId('datasets-drawer').getByText(file, { exact: true }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=annotate-canvas]')?.getAttribute('data-ready') === '1');
  return performance.now() - t0;
}
const close = async () => {
  await page.locator('.ant-modal-close').last().click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=annotate-canvas]'));
};

const opens = [];
for (let run = 0; run < 5; run++) {
  opens.push(await open('huge.jpg'));
  if (run < 4) await close();
}
// zoomed in, tiles of the finer levels load behind the overview
const stage = await canvas.locator('canvas').first().boundingBox();
await page.mouse.move(stage.x + 550, stage.y + 320);
for (let i = 0; i < 14; i++) await page.mouse.wheel(0, -100);
const tilesAt = performance.now();
await page.waitForFunction(() => Number(document.querySelector('[data-testid=annotate-canvas]')?.getAttribute('data-tiles')) > 0);
const firstTiles = performance.now() - tilesAt;
await page.screenshot({ path: path.join(work, 'annotation-12k.png') });
await close();

/** Frame intervals while wheel-zooming and Space+drag-panning the image with the boxes, in `pg`. */
async function boxFrames(pg, opened) {
  if (!opened) {
    await pg.goto(url);
    await pg.getByTestId('nav-datasets').click();
    await pg.getByTestId('datasets-table').getByText('bench', { exact: true }).click();
  }
  await pg.getByTestId('datasets-drawer').getByText('street.png', { exact: true }).click();
  await pg.waitForFunction(() => document.querySelector('[data-testid=annotate-canvas]')?.getAttribute('data-ready') === '1');
  await pg.waitForFunction((n) => JSON.parse(document.querySelector('[data-testid=annotate-canvas]').getAttribute('data-shapes')).length === n, BOXES);
  // Where the motion stops is marked in the trace: a wheel zoom's view is committed once the wheel
  // rests (data-view changes), a pan ends with the mouse button's release (its view may come back
  // to where it was, so data-view need not change).
  await pg.evaluate(() => {
    new MutationObserver(() => performance.mark('bench:view-commit'))
      .observe(document.querySelector('[data-testid=annotate-canvas]'), { attributes: true, attributeFilter: ['data-view'] });
    window.addEventListener('mouseup', () => performance.mark('bench:view-commit'), true);
  });
  /** Frame intervals, the canvas drawing done in each frame while `act` runs (wheel zooms or a Space+drag pan), and its marks in the trace. */
  const frames = async (name, act) => {
    await pg.evaluate((n) => {
      performance.mark(`bench:${n}:start`);
      const layer = window.Konva.Layer.prototype;
      window.__drawn = 0;
      for (const m of window.__timed ? [] : ['drawScene', 'drawHit']) { // wrapped once for both measurements
        const own = layer[m];
        layer[m] = function (...args) { const t0 = performance.now(); try { return own.apply(this, args); } finally { window.__drawn += performance.now() - t0; } };
      }
      window.__timed = true;
      window.__frames = [];
      window.__draws = [];
      window.__run = true;
      window.__places = new Set();
      let last = performance.now();
      // Queued before Konva's batched draw of the frame: the drawing counted at a tick is the previous frame's.
      const tick = () => { const now = performance.now(); window.__frames.push(now - last); window.__draws.push(window.__drawn); window.__drawn = 0; last = now; const st = window.Konva.stages[0]; window.__places.add(`${st.x()},${st.y()},${st.scaleX()}`); if (window.__run) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    }, name);
    await act();
    // frames that drew (the others only waited for input), and how many places the stage was seen at
    const got = await pg.evaluate(() => { window.__run = false; performance.mark('bench:acted'); return { frames: window.__frames.slice(2), draws: window.__draws.slice(2).filter((d) => d > 0), places: window.__places.size }; });
    // the trace goes on through the frames after the motion stopped (the wheel's view commits 120 ms after the last step)
    await pg.evaluate(() => new Promise((done) => {
      const until = performance.now() + 700;
      const tick = () => (performance.now() < until ? requestAnimationFrame(tick) : done());
      requestAnimationFrame(tick);
    }));
    await pg.evaluate((n) => performance.mark(`bench:${n}:end`), name);
    if (got.places < 10) throw new Error(`the view did not move (${got.places} stage positions seen): the benchmark would measure nothing`);
    return got;
  };
  const cx = stage.x + 550, cy = stage.y + 320;
  await browser.startTracing(pg, { categories: TRACE_CATEGORIES });
  const zoom = await frames('zoom', async () => {
    await pg.mouse.move(cx, cy);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 15; i++) await pg.mouse.wheel(0, -100);
      for (let i = 0; i < 15; i++) await pg.mouse.wheel(0, 100);
    }
  });
  const pan = await frames('pan', async () => {
    await pg.keyboard.down(' ');
    for (let round = 0; round < 3; round++) {
      await pg.mouse.move(cx, cy);
      await pg.mouse.down();
      await pg.mouse.move(cx - 400, cy - 200, { steps: 60 });
      await pg.mouse.move(cx, cy, { steps: 60 });
      await pg.mouse.up();
    }
    await pg.keyboard.up(' ');
  });
  const trace = await browser.stopTracing();
  if (process.env.TRACE_OUT) fs.writeFileSync(process.env.TRACE_OUT, trace); // for a look in chrome://tracing or Perfetto
  for (const [name, got] of [['zoom', zoom], ['pan', pan]]) {
    const { frames: all, marks } = mainThreadFrames(trace, `bench:${name}:start`, `bench:${name}:end`);
    const commits = [...new Set((marks['bench:view-commit'] ?? []).map((m) => m.frame).filter((f) => f >= 0))];
    if (commits.length === 0) throw new Error(`no view commit seen after the ${name}`);
    // After each commit of the view: its frame and the next one (the redraw it causes); the other
    // frames until the act ended are the motion's.
    const settling = new Set(commits.flatMap((f) => [f, f + 1]));
    const acted = marks['bench:acted'][0].frame;
    const motion = all.slice(0, acted + 1).filter((_, i) => !settling.has(i));
    got.work = motion.map((f) => f.busy);
    got.cpu = motion.map((f) => f.cpu);
    got.settle = commits.map((f) => Math.max(...all.slice(f, f + 2).map((x) => x.busy)));
    got.settleCpu = commits.map((f) => Math.max(...all.slice(f, f + 2).map((x) => x.cpu)));
    got.settleInterval = commits.map((f) => Math.max(...all.slice(f, f + 2).map((x) => x.interval)));
  }
  return { zoom, pan };
}
const { zoom, pan } = await boxFrames(page, true);
await browser.close();
serve.kill('SIGTERM');

const o = stats(opens);
const over = (f) => f.filter((v) => v > 25).length;
const settleRow = (what, m) => `| ${what}: first frames after the view stops (its frame and the next), main-thread work (CPU) / interval, worst of ${m.settle.length} | ${ms(Math.max(...m.settle))} (${ms(Math.max(...m.settleCpu))}) / ${ms(Math.max(...m.settleInterval))} | — |`;
const row = (what, f, bar) => { const x = stats(f); return `| ${BOXES.toLocaleString('en')} boxes, ${what}: p50 / p95 / max (frames over 25 ms), ${x.n} frames | ${ms(x.p50)} / ${ms(x.p95)} / ${ms(x.max)} (${over(f)}) | ${bar} |`; };
if (!process.env.NO_WRITE) writeSection('annotation', `
## Annotation canvas (${new Date().toISOString().slice(0, 10)})

Machine: ${machine()}. Command: \`npm run build && node bench/annotation.mjs\`. Headless Chromium with \`--disable-gpu\`
(software compositing); load average at the start ${startLoad} and at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}. No anchor program.
Main-thread work per frame comes from a Chromium trace taken while zooming and panning: every task the page's main
thread ran between one animation frame and the next (input, React, Konva, style, layout, paint, the commit of the
canvases to the compositor, GC), as wall time and as the thread's CPU time (on a shared machine wall time also
counts waits for a CPU in the middle of a task). The frame interval cannot go below 16.7 ms (60 Hz). The frames
right after the view stops: a wheel zoom commits its view 120 ms after the last step, a pan at the button's release.

| what | result | bar |
| --- | --- | --- |
| \`datasets create\` of a folder with a 12,000 × 12,000 JPEG (thumbnail and tile pyramid made with sharp; whole CLI process) | ${ms(createMs)} | — |
| 12,000 × 12,000 image: click on its row → ready for drawing (overview shown, shapes loaded), median of ${o.n} | ${ms(o.p50)} (max ${ms(o.max)}) | ≤ 1000 ms |
| zoomed in: first tiles of the finer level shown | ${ms(firstTiles)} | — |
${row('wheel zoom in and out, main-thread work per frame (the bar\'s frame time), wall', zoom.work, 'p95 ≤ 16 ms')}
${row('wheel zoom in and out, main-thread work per frame, CPU time', zoom.cpu, 'p95 ≤ 16 ms')}
${row('wheel zoom in and out, frame interval', zoom.frames, '—')}
${row('wheel zoom in and out, canvas drawing per drawn frame', zoom.draws, '—')}
${settleRow('wheel zoom', zoom)}
${row('Space+drag pan, main-thread work per frame (the bar\'s frame time), wall', pan.work, 'p95 ≤ 16 ms')}
${row('Space+drag pan, main-thread work per frame, CPU time', pan.cpu, 'p95 ≤ 16 ms')}
${row('Space+drag pan, frame interval', pan.frames, '—')}
${row('Space+drag pan, canvas drawing per drawn frame', pan.draws, '—')}
${settleRow('Space+drag pan', pan)}
`);
const over25 = (f) => f.filter((v) => v > 25).length;
console.log(JSON.stringify({ createMs, open: o, firstTiles, load: os.loadavg(),
  ...Object.fromEntries([['zoom', zoom], ['pan', pan]].map(([n, m]) => [n, { interval: { ...stats(m.frames), over25: over25(m.frames) }, work: { ...stats(m.work), over16: m.work.filter((v) => v > 16).length }, cpu: { ...stats(m.cpu), over16: m.cpu.filter((v) => v > 16).length }, draw: stats(m.draws), settle: m.settle, settleCpu: m.settleCpu, settleInterval: m.settleInterval }])) }, null, 1));
fs.rmSync(work, { recursive: true, force: true });
