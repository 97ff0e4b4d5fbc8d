// bench/inventory-trace.mjs — what the long frames of the 10,000-node Inventory table are made of: scrolls it as
// bench/inventory.mjs does (wheel speed, then a scrollbar drag) under a Chromium trace and prints, for every frame
// longer than 25 ms and for the average frame, the time by event (garbage collection, script, style, layout, paint,
// the compositor) on the page's main thread and on every other thread of the browser.
// Run: npm run build && flock /tmp/bench.lock node bench/inventory-trace.mjs   (NODES=… the count; PROFILE=cpu|alloc
// profiles instead of tracing; NO_WARMUP=1 skips the warm-up scroll; RELOADS=3 reloads the page as inventory.mjs does;
// FLOOR=1 traces the floor list of bench/lib/floorList.mjs instead of the Inventory page)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, launchChromium, startServe } from './lib/ui.mjs';
import { mainThreadFrames } from './lib/frames.mjs';
import { floorListHtml } from './lib/floorList.mjs';

const N = Number(process.env.NODES ?? 10_000);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-bench-invtrace-'));
const env = { ...process.env, CLUSTERDECK_PASSPHRASE: 'bench' };
const rows = ['name,hostname,type,rack,u,groups,gpu_count,gpu_model,ssh_host,ssh_port,ssh_user,bmc_host,bmc_port,bmc_protocol'];
for (let i = 0; i < N; i++) {
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  rows.push(`gpu${String(i + 1).padStart(5, '0')},${ip},gpu,r${String(Math.floor(i / 40) + 1).padStart(3, '0')},${(i % 40) + 1},gpu;row${Math.floor(i / 400) + 1},8,H100,${ip},22,root,10.200.${(i >> 8) & 255}.${i & 255},623,ipmi`);
}
fs.writeFileSync(path.join(work, 'nodes.csv'), `${rows.join('\n')}\n`);
const dataDir = path.join(work, 'data');
const imported = spawnSync(process.execPath, [BIN, '--data-dir', dataDir, 'nodes', 'import', '--create-missing', path.join(work, 'nodes.csv')], { env, encoding: 'utf8' });
if (imported.status !== 0) throw new Error(imported.stderr);

const { proc: serve, url } = await startServe(dataDir, env);
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
const loaded = (n) => document.querySelector('[data-testid=nodes-total]')?.textContent?.includes(`${n} of ${n}`) && document.querySelectorAll('.ant-table-tbody-virtual .ant-table-row').length > 10;
if (process.env.FLOOR) await page.setContent(floorListHtml(N)); // FLOOR=1: the same rows in bench/lib/floorList.mjs's minimal list
else {
  await page.goto(url);
  await page.evaluate(() => { location.hash = '#/inventory'; });
  await page.waitForFunction(loaded, N);
}
// RELOADS=3: leave the page and come back as bench/inventory.mjs does before it scrolls (garbage of three loads).
for (let i = 0; i < (process.env.FLOOR ? 0 : Number(process.env.RELOADS ?? 0)); i++) {
  await page.evaluate(() => { location.hash = '#/dashboard'; });
  await page.getByTestId('stat-nodes').waitFor();
  await page.evaluate(() => { location.hash = '#/inventory'; });
  await page.waitForFunction(loaded, N);
}

const CATEGORIES = ['toplevel', 'devtools.timeline', 'blink.user_timing', 'v8', 'disabled-by-default-v8.gc', 'cc', 'viz', 'gpu', 'benchmark', 'blink'];

async function traced(mode) {
  await browser.startTracing(page, { categories: CATEGORIES });
  await page.evaluate(async (mode) => {
    const holder = document.querySelector('.ant-table-tbody-virtual-holder');
    holder.scrollTop = 0;
    await new Promise((r) => requestAnimationFrame(r));
    performance.mark('scroll-from');
    for (let i = 1; i <= 300; i++) {
      await new Promise((r) => requestAnimationFrame(r));
      holder.scrollTop = mode === 'wheel' ? i * 120 : (holder.scrollHeight - holder.clientHeight) * (i / 300);
      holder.dispatchEvent(new Event('scroll'));
    }
    performance.mark('scroll-to');
  }, mode);
  return browser.stopTracing();
}

/** Time per event name (self time is not computed: nested events count in full) within [a, b), per thread. */
function breakdown(events, threadNames, a, b) {
  const out = {};
  for (const e of events) {
    if (e.ph !== 'X' || !e.dur || e.ts >= b || e.ts + e.dur <= a) continue;
    const part = (Math.min(b, e.ts + e.dur) - Math.max(a, e.ts)) / 1000;
    const thread = threadNames.get(`${e.pid}:${e.tid}`) ?? `${e.pid}:${e.tid}`;
    const k = `${thread} | ${e.name}`;
    out[k] = (out[k] ?? 0) + part;
  }
  return out;
}

function report(mode, trace) {
  const events = JSON.parse(trace.toString()).traceEvents;
  const threadNames = new Map(events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args.name]));
  const { frames } = mainThreadFrames(trace, 'scroll-from', 'scroll-to');
  const long = frames.filter((f) => f.interval > 25);
  const average = {};
  for (const f of frames) for (const [k, v] of Object.entries(breakdown(events, threadNames, f.start, f.start + f.interval * 1000))) average[k] = (average[k] ?? 0) + v / frames.length;
  const top = (o, n = 18) => Object.entries(o).filter(([, v]) => v >= 0.3).sort((x, y) => y[1] - x[1]).slice(0, n).map(([k, v]) => `    ${v.toFixed(1).padStart(6)} ms  ${k}`).join('\n');
  console.log(`\n=== ${mode}: ${frames.length} frames, ${long.length} over 25 ms; busy p50 ${frames.map((f) => f.busy).sort((x, y) => x - y)[frames.length >> 1].toFixed(1)} ms`);
  console.log(`  average frame:\n${top(average)}`);
  // Collection pauses on the page's main thread during the scroll: how many, how long (the long frames' usual cause).
  const main = threadNames.size ? [...threadNames].find(([, n]) => n === 'CrRendererMain')?.[0] : undefined;
  const [from, to] = [frames[0].start, frames[frames.length - 1].start];
  for (const kind of ['MinorGC', 'MajorGC']) {
    const pauses = events.filter((e) => e.name === kind && e.ph === 'X' && `${e.pid}:${e.tid}` === main && e.ts >= from && e.ts <= to).map((e) => e.dur / 1000).sort((a, b) => a - b);
    console.log(`  ${kind}: ${pauses.length} pauses${pauses.length ? `, median ${pauses[pauses.length >> 1].toFixed(1)} ms, max ${pauses[pauses.length - 1].toFixed(1)} ms` : ''}`);
  }
  // Why each major collection started, and what the heaps held then (Blink's is the global figure less V8's old space).
  for (const e of events.filter((e) => e.name === 'V8.GCIncrementalMarkingStart' && e.ph === 'X' && `${e.pid}:${e.tid}` === main && e.ts >= from && e.ts <= to)) {
    const v = e.args?.value ?? {};
    const mb = (b) => (b / 2 ** 20).toFixed(0);
    console.log(`  major collection started (${(e.dur / 1000).toFixed(1)} ms): ${v.reason ?? '?'}; global ${mb(v.global_consumed_bytes)} of ${mb(v.global_allocation_limit)} MiB, V8 old space ${mb(v.old_gen_consumed_bytes)} of ${mb(v.old_gen_allocation_limit)} MiB`);
  }
  for (const f of long) {
    const i = frames.indexOf(f);
    console.log(`  frame ${i}: ${f.interval.toFixed(1)} ms (main thread busy ${f.busy.toFixed(1)}, cpu ${f.cpu.toFixed(1)})\n${top(breakdown(events, threadNames, f.start, f.start + f.interval * 1000))}`);
  }
  if (process.env.KEEP_TRACE) fs.writeFileSync(`${process.env.KEEP_TRACE}-${mode}.json`, trace);
}

/** Where the scroll spends script time (PROFILE=cpu) or allocates (PROFILE=alloc): the top functions by self time or bytes. */
async function profiled(mode, kind) {
  const cdp = await page.context().newCDPSession(page);
  const scroll = () => page.evaluate(async (mode) => {
    const holder = document.querySelector('.ant-table-tbody-virtual-holder');
    holder.scrollTop = 0;
    for (let i = 1; i <= 300; i++) {
      await new Promise((r) => requestAnimationFrame(r));
      holder.scrollTop = mode === 'wheel' ? i * 120 : (holder.scrollHeight - holder.clientHeight) * (i / 300);
      holder.dispatchEvent(new Event('scroll'));
    }
  }, mode);
  const where = (f) => `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}:${f.columnNumber}`;
  const totals = {};
  if (kind === 'cpu') {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    await scroll();
    const { profile } = await cdp.send('Profiler.stop');
    const dt = profile.timeDeltas.reduce((a, b) => a + b, 0) / profile.samples.length / 1000;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    for (const id of profile.samples) { const k = where(byId.get(id).callFrame); totals[k] = (totals[k] ?? 0) + dt / 298; }
    console.log(`\n=== ${mode} CPU profile: self ms per frame`);
  } else {
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    await scroll();
    const { profile } = await cdp.send('HeapProfiler.stopSampling');
    const visit = (n) => { const k = where(n.callFrame); totals[k] = (totals[k] ?? 0) + n.selfSize / 298 / 1024; n.children.forEach(visit); };
    visit(profile.head);
    console.log(`\n=== ${mode} allocation profile: KiB allocated per frame, total ${Object.values(totals).reduce((a, b) => a + b, 0).toFixed(0)}`);
  }
  console.log(Object.entries(totals).sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, v]) => `  ${v.toFixed(2).padStart(8)}  ${k}`).join('\n'));
  await cdp.detach();
}

if (!process.env.NO_WARMUP) await traced('wheel'); // warm-up pass: first-time code paths and caches (NO_WARMUP=1: measure the first scroll after loading, as bench/inventory.mjs does)
if (process.env.PROFILE) {
  await profiled('wheel', process.env.PROFILE);
  await profiled('jump', process.env.PROFILE);
} else {
  report('wheel', await traced('wheel'));
  report('jump', await traced('jump'));
}
console.log(`\nload ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}`);
await browser.close();
serve.kill('SIGTERM');
fs.rmSync(work, { recursive: true, force: true });
