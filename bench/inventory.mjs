// bench/inventory.mjs — 10,000 nodes: CSV import through the CLI, then the Inventory page in
// Chromium (time to show all rows, frame times while scrolling the virtual table).
// Run: npm run build && node bench/inventory.mjs
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, startServe } from './lib/ui.mjs';
import { machine, ms, stats, writeSection } from './lib/results.mjs';
import { countReactWork, floorRows, measureScroll, scrollRows } from './lib/scroll.mjs';
import { floorListHtml } from './lib/floorList.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'resources', 'bin', 'clusterdeck.cjs');
const N = Number(process.env.NODES ?? 10_000);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-bench-inv-'));
const env = { ...process.env, CLUSTERDECK_PASSPHRASE: 'bench' };

function csv() {
  const rows = ['name,hostname,type,rack,u,groups,gpu_count,gpu_model,ssh_host,ssh_port,ssh_user,bmc_host,bmc_port,bmc_protocol'];
  for (let i = 0; i < N; i++) {
    const name = `gpu${String(i + 1).padStart(5, '0')}`;
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    rows.push(`${name},${ip},gpu,r${String(Math.floor(i / 40) + 1).padStart(3, '0')},${(i % 40) + 1},gpu;row${Math.floor(i / 400) + 1},8,H100,${ip},22,root,10.200.${(i >> 8) & 255}.${i & 255},623,ipmi`);
  }
  return `${rows.join('\n')}\n`;
}

const file = path.join(work, 'nodes.csv');
fs.writeFileSync(file, csv());

const importTimes = [];
let dataDir = '';
for (let run = 0; run < 3; run++) {
  dataDir = path.join(work, `data-${run}`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, '--data-dir', dataDir, 'nodes', 'import', '--create-missing', file], { env, encoding: 'utf8' });
  importTimes.push(performance.now() - t0);
  if (r.status !== 0) throw new Error(r.stderr);
}
const imp = stats(importTimes);

const { proc: serve, url } = await startServe(dataDir, env);

const browser = await launchChromium();
const loaded = (n) => document.querySelector('[data-testid=nodes-total]')?.textContent?.includes(`${n} of ${n}`) && document.querySelectorAll('.ant-table-tbody-virtual .ant-table-row').length > 10;
/** Dashboard → Inventory in the page's own router: until all rows are counted and drawn. */
async function visitInventory(page) {
  await page.evaluate(() => { location.hash = '#/dashboard'; });
  await page.getByTestId('stat-nodes').waitFor();
  const t0 = performance.now();
  await page.evaluate(() => { location.hash = '#/inventory'; });
  await page.waitForFunction(loaded, N);
  return performance.now() - t0;
}
// First visits, each in a new page (nothing cached): the whole list comes over the WebSocket. Then, in the last
// page, visits after leaving the page, as a user going back and forth does (the list is asked for again, and
// comes only if it changed), and the scroll measurement on that page.
const firstVisits = [];
let page, firstPage;
for (let run = 0; run < 3; run++) {
  if (page) await page.close();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await countReactWork(page);
  const firstStart = performance.now();
  await page.goto(url);
  await page.getByTestId('page-title').waitFor();
  firstPage ??= performance.now() - firstStart;
  firstVisits.push(await visitInventory(page));
}
const revisits = [await visitInventory(page), await visitInventory(page)];
const render = stats(firstVisits);
const revisit = stats(revisits);

const frames = await measureScroll(page);
await page.screenshot({ path: path.join(work, 'inventory-10k.png') });
await page.close();
// The floor in the same run: the same rows in a minimal hand-written virtual list, scrolled by the same loop.
const floorPage = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await floorPage.setContent(floorListHtml(N));
const floor = await measureScroll(floorPage);
await browser.close();
serve.kill('SIGTERM');

const cmd = 'npm run build && node bench/inventory.mjs';
writeSection('inventory', `
## Inventory: ${N.toLocaleString('en')} nodes (${new Date().toISOString().slice(0, 10)})

Machine: ${machine()}. Command: \`${cmd}\`.

| what | result | bar |
| --- | --- | --- |
| \`clusterdeck nodes import\` of a ${N.toLocaleString('en')}-node CSV (whole CLI process, median of ${imp.n}) | ${ms(imp.p50)} (min ${ms(imp.min)}, max ${ms(imp.max)}) | < 2000 ms |
| \`clusterdeck serve\`: first page in Chromium | ${ms(firstPage)} | < 3000 ms |
| Inventory page, first visit in a new page: navigate → all ${N.toLocaleString('en')} rows loaded and drawn (median of ${render.n}) | ${ms(render.p50)} (max ${ms(render.max)}) | — |
| Inventory page, back from another page (list unchanged) → all rows drawn (median of ${revisit.n}) | ${ms(revisit.p50)} (max ${ms(revisit.max)}) | — |
${scrollRows(frames, N.toLocaleString('en'))}
${floorRows(floor)}

Headless Chromium with \`--disable-gpu\` (software compositing); there is no anchor program for this page; the floor (\`bench/lib/floorList.mjs\`) stands in for one: what Chromium on this machine drops with the least a page can ask of it. Load average during the run: ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}.
`);
console.log({ import: imp, firstPage, render, revisit, ...frames, floor, load: os.loadavg() });
fs.rmSync(work, { recursive: true, force: true });
