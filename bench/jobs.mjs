// bench/jobs.mjs — the Jobs page and `jobs list` with 50,000 jobs, 10,000 of them running on a Slurm
// backend whose `squeue --json` ClusterDeck parses on every refresh.
// The 10,000-job squeue answer is built from a real one: the lab's Slurm (22.05 from Debian) runs one held job,
// its `squeue --json` object is cloned 10,000 times with other ids, names, users and states, and a stand-in
// `squeue` on the backend's PATH prints that text. So parsing, state mapping and the 10,000 row updates are
// ClusterDeck's real code path; only slurmctld's own time to answer is left out (it is the same for any client).
// Run: npm run build && node bench/jobs.mjs
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, startServe } from './lib/ui.mjs';
import { machine, ms, stats, writeSection } from './lib/results.mjs';
import { countReactWork, measureScroll, scrollRows } from './lib/scroll.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'resources', 'bin', 'clusterdeck.cjs');
const RUNNING = 10_000;
const TOTAL = 50_000;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-bench-jobs-'));
const data = path.join(work, 'data');
const env = { ...process.env, CLUSTERDECK_PASSPHRASE: 'bench' };
const cd = (args, opts = {}) => {
  const r = spawnSync(process.execPath, [BIN, '--data-dir', data, ...args], { env, encoding: 'utf8', maxBuffer: 256 * 2 ** 20, ...opts });
  if (r.status !== 0) throw new Error(`clusterdeck ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

// 1. One real squeue --json answer from the lab's Slurm.
cd(['lab', 'slurm', 'up']);
let sample;
try {
  const lab = JSON.parse(cd(['backends', 'list', '--json'])).find((b) => b.name === 'lab-slurm');
  const slurmEnv = { ...process.env, ...lab.env };
  const sb = spawnSync('sbatch', ['--hold', '--parsable', '--job-name', 'bench-sample', '--wrap', 'true'], { env: slurmEnv, encoding: 'utf8' });
  if (sb.status !== 0) throw new Error(`sbatch: ${sb.stderr}`);
  const sq = spawnSync('squeue', ['--json'], { env: slurmEnv, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (sq.status !== 0) throw new Error(`squeue: ${sq.stderr}`);
  sample = JSON.parse(sq.stdout);
  spawnSync('scancel', [sb.stdout.trim().split(';')[0]], { env: slurmEnv });
} finally {
  cd(['lab', 'slurm', 'down']);
}
const one = sample.jobs[0];
const STATES = ['RUNNING', 'RUNNING', 'RUNNING', 'PENDING', 'SUSPENDED', 'COMPLETING'];
const answer = JSON.stringify({
  ...sample,
  jobs: Array.from({ length: RUNNING }, (_, i) => ({
    ...one,
    job_id: 100_000 + i,
    name: `train-${i}`,
    user_name: `user${i % 40}`,
    job_state: STATES[i % STATES.length],
    nodes: `gpu${String((i % 500) + 1).padStart(3, '0')}`,
    standard_output: `/scratch/user${i % 40}/slurm-%j.out`,
  })),
});
const bin = path.join(work, 'bin');
fs.mkdirSync(bin);
fs.writeFileSync(path.join(work, 'squeue.json'), answer);
fs.writeFileSync(path.join(bin, 'squeue'), `#!/bin/sh\nexec cat ${JSON.stringify(path.join(work, 'squeue.json'))}\n`, { mode: 0o755 });

// 2. 50,000 jobs in the store: 10,000 running on the backend above, the rest finished.
cd(['backends', 'add', 'bench', '--kind', 'slurm-cli', '--url', 'local', '--env', `PATH=${bin}:${process.env.PATH}`]);
const Database = createRequire(import.meta.url)(path.join(ROOT, 'node_modules', 'better-sqlite3'));
const db = new Database(path.join(data, 'clusterdeck.db'));
const now = new Date().toISOString();
const insert = db.prepare(`INSERT INTO jobs (name, phase, backend, template, template_version, params, backend_job_id, state, raw_state, created_at, updated_at, submitted_at, submit_user, queue)
  VALUES (?, 'submitted', 'bench', 'slurm-single-gpu', 1, '{}', ?, ?, ?, ?, ?, ?, ?, ?)`);
const FINISHED = [['succeeded', 'COMPLETED'], ['failed', 'FAILED'], ['cancelled', 'CANCELLED']];
db.transaction(() => {
  for (let i = 0; i < TOTAL; i++) {
    const [state, raw] = i < RUNNING ? ['queued', 'PENDING'] : FINISHED[i % 3];
    insert.run(`train-${i}`, String(100_000 + i), state, raw, now, now, now, `user${i % 40}`, i % 4 ? 'gpu' : 'debug');
  }
})();
db.close();

// 3. The CLI: list with a refresh (runs squeue, parses 10,000 jobs, updates their rows), whole process.
const listTimes = [];
let listed = 0;
for (let run = 0; run < 3; run++) {
  const t0 = performance.now();
  listed = JSON.parse(cd(['jobs', 'list', '--json'])).length;
  listTimes.push(performance.now() - t0);
}
const list = stats(listTimes);

// 4. The Jobs page in Chromium: navigate → 50,000 rows loaded (after the same refresh) and drawn, then scrolling.
const { proc: serve, url } = await startServe(data, env);
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await countReactWork(page);
await page.goto(url);
await page.getByTestId('page-title').waitFor();
const renders = [];
for (let run = 0; run < 3; run++) {
  await page.evaluate(() => { location.hash = '#/dashboard'; });
  await page.getByTestId('stat-nodes').waitFor();
  const t0 = performance.now();
  await page.evaluate(() => { location.hash = '#/jobs'; });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=jobs-table] .ant-table-tbody-virtual .ant-table-row').length > 10, null, { timeout: 120_000 });
  renders.push(performance.now() - t0);
}
const render = stats(renders);
const frames = await measureScroll(page);
await page.screenshot({ path: path.join(work, 'jobs-50k.png') });
await browser.close();
serve.kill('SIGTERM');

const cmd = 'npm run build && node bench/jobs.mjs';
writeSection('jobs', `
## Jobs: ${TOTAL.toLocaleString('en')} jobs, ${RUNNING.toLocaleString('en')} of them in squeue (${new Date().toISOString().slice(0, 10)})

Machine: ${machine()}. Command: \`${cmd}\`. The squeue answer is the lab Slurm's own \`squeue --json\` job object
(Slurm 22.05) cloned ${RUNNING.toLocaleString('en')} times (${(answer.length / 2 ** 20).toFixed(1)} MiB), printed by a stand-in \`squeue\` on the backend's PATH.

| what | result | bar |
| --- | --- | --- |
| \`clusterdeck jobs list --json\`: squeue → parse ${RUNNING.toLocaleString('en')} jobs → update their rows → print ${listed.toLocaleString('en')} (whole CLI process, median of ${list.n}) | ${ms(list.p50)} (min ${ms(list.min)}, max ${ms(list.max)}) | — |
| Jobs page: navigate → the same refresh → ${TOTAL.toLocaleString('en')} rows loaded and drawn (median of ${render.n}) | ${ms(render.p50)} (max ${ms(render.max)}) | — |
${scrollRows(frames, TOTAL.toLocaleString('en'))}

Headless Chromium with \`--disable-gpu\`; there is no anchor program for this page. Load average during the run: ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}.
`);
console.log({ list, listed, render, ...frames, load: os.loadavg() });
fs.rmSync(work, { recursive: true, force: true });
