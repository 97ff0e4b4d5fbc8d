// bench/terminal.mjs — 50 MB of SSH output into xterm.js through ClusterDeck (sshd → main →
// WebSocket binary frames → renderer, with flow control), against xterm.js writing the same bytes
// directly in the same page; and keystroke-to-echo latency on loopback. Also the ceiling: the same
// command through an SSH pty into ssh2 with nothing drawn (what the remote pty and sshd allow).
// Run: npm run build && node bench/terminal.mjs
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, startServe } from './lib/ui.mjs';
import { machine, ms, stats, writeSection } from './lib/results.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'resources', 'bin', 'clusterdeck.cjs');
const MB = Number(process.env.MB ?? 50);
const data = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-bench-term-'));
const env = { ...process.env, CLUSTERDECK_PASSPHRASE: 'bench' };
const run = (args) => { const r = spawnSync(process.execPath, [BIN, '--data-dir', data, ...args], { env, encoding: 'utf8' }); if (r.status) throw new Error(r.stderr); };

const load = [os.loadavg()[0]];
run(['lab', 'up', '--bmcs', '0', '--ssh-nodes', '1']);

/** The command's output through a pty on the lab's sshd into ssh2, counted and dropped: no ClusterDeck, no drawing. */
async function ptyCeiling(bytes) {
  const { Client } = createRequire(import.meta.url)('ssh2');
  const node = JSON.parse(fs.readFileSync(path.join(data, 'lab', 'lab.json'), 'utf8')).ssh[0];
  const client = new Client();
  await new Promise((resolve, reject) => {
    client.once('ready', resolve).once('error', reject);
    client.connect({ host: node.host, port: node.port, username: node.user, privateKey: fs.readFileSync(node.privateKeyPath), readyTimeout: 15_000 });
  });
  try {
    return await new Promise((resolve, reject) => {
      const t0 = performance.now();
      client.exec(`head -c ${bytes} /dev/zero | tr '\\0' 'x' | fold -w 99; echo; echo BENCH-DONE`, { pty: { term: 'xterm-256color', cols: 180, rows: 50 } }, (err, ch) => {
        if (err) return reject(err);
        ch.on('data', () => {});
        ch.on('close', () => resolve(performance.now() - t0));
      });
    });
  } finally {
    client.end();
  }
}
const { proc: serve, url } = await startServe(data, env);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(url);
  await page.evaluate(() => { location.hash = '#/consoles'; });
  await page.getByTestId('console-nodes').fill('node001');
  await page.getByTestId('console-open').click();
  const term = page.getByTestId('terminal-node001');
  await term.waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid=terminal-node001]')?.xterm?.buffer.active.length > 0);
  await page.waitForTimeout(1000);

  // Throughput: the remote prints MB megabytes of 100-column lines, then a marker.
  const bytes = MB * 1024 * 1024;
  const sshMs = await page.evaluate(async (bytes) => {
    const t = document.querySelector('[data-testid=terminal-node001]').xterm;
    return await new Promise((resolve) => {
      let t0 = 0;
      const sub = t.onWriteParsed(() => {
        const b = t.buffer.active;
        for (let i = Math.max(0, b.length - 5); i < b.length; i++) {
          if (b.getLine(i)?.translateToString(true) === 'BENCH-DONE') { sub.dispose(); resolve(performance.now() - t0); return; }
        }
      });
      t0 = performance.now();
      t.input(`head -c ${bytes} /dev/zero | tr '\\0' 'x' | fold -w 99; echo; echo BENCH-DONE\r`, true);
    });
  }, bytes);

  // The same bytes written straight into a fresh xterm.js of the same size in the same page.
  const directMs = await page.evaluate(async (bytes) => {
    const host = document.querySelector('[data-testid=terminal-node001]');
    const T = host.xterm.constructor;
    const div = document.createElement('div');
    div.style.cssText = `position:fixed;left:0;top:0;width:${host.clientWidth}px;height:${host.clientHeight}px`;
    document.body.appendChild(div);
    // The same columns, rows and scrollback as the ClusterDeck terminal (a bare Terminal would be 80×24: fewer cells to draw).
    const t = new T({ scrollback: 10000, cols: host.xterm.cols, rows: host.xterm.rows, fontSize: host.xterm.options.fontSize });
    t.open(div);
    const line = 'x'.repeat(99) + '\r\n';
    const chunk = line.repeat(Math.floor(65536 / line.length));
    const t0 = performance.now();
    let sent = 0;
    await new Promise((resolve) => {
      const next = () => {
        if (sent >= bytes) { t.write('', resolve); return; }
        sent += chunk.length;
        t.write(chunk, next);
      };
      next();
    });
    const elapsed = performance.now() - t0;
    t.dispose();
    div.remove();
    return elapsed;
  }, bytes);

  // Keystroke to echo: one character typed, time until the terminal has drawn it.
  await page.evaluate(() => document.querySelector('[data-testid=terminal-node001]').xterm.input('clear\r', true));
  await page.waitForTimeout(500);
  const echoes = await page.evaluate(async () => {
    const t = document.querySelector('[data-testid=terminal-node001]').xterm;
    const out = [];
    for (let i = 0; i < 200; i++) {
      const before = t.buffer.active.cursorX + t.buffer.active.cursorY * 1000;
      const t0 = performance.now();
      await new Promise((resolve) => {
        const sub = t.onWriteParsed(() => {
          if (t.buffer.active.cursorX + t.buffer.active.cursorY * 1000 !== before) { sub.dispose(); resolve(); }
        });
        t.input(i % 60 === 59 ? '\x15' : 'a', true);
      });
      out.push(performance.now() - t0);
    }
    return out;
  });
  const echo = stats(echoes);
  const ceilingMs = await ptyCeiling(bytes);
  load.push(os.loadavg()[0]);
  const ratio = directMs / sshMs;
  writeSection('terminal', `
## Terminal: ${MB} MB of SSH output and keystroke echo (${new Date().toISOString().slice(0, 10)})

Machine: ${machine()}; load average (1 min) ${load[0].toFixed(2)} before, ${load[1].toFixed(2)} after. Command: \`npm run build && node bench/terminal.mjs\`. Chromium headless, software rendering.

| what | ClusterDeck (sshd → main → WebSocket → xterm.js, acknowledged) | xterm.js writing the same bytes directly | ratio (direct / ClusterDeck) | bar |
| --- | --- | --- | --- | --- |
| ${MB} MB as 100-column lines | ${ms(sshMs)} (${(MB / (sshMs / 1000)).toFixed(1)} MB/s) | ${ms(directMs)} (${(MB / (directMs / 1000)).toFixed(1)} MB/s) | ${ratio.toFixed(2)} | ≥ 0.8 |

Ceiling, same run: the same command through a pty on the lab's sshd into ssh2, nothing drawn: ${ms(ceilingMs)} (${(MB / (ceilingMs / 1000)).toFixed(1)} MB/s), i.e. at most ${(directMs / ceilingMs).toFixed(2)} of the direct figure for any terminal fed by this sshd's pty on this machine.

| keystroke → echo drawn, ${echo.n} keys | p50 ${ms(echo.p50)} | p95 ${ms(echo.p95)} | p99 ${ms(echo.p99 ?? echo.max)} | max ${ms(echo.max)} | bar p99 ≤ 20 ms |
| --- | --- | --- | --- | --- | --- |
`);
  console.log({ sshMs, directMs, ceilingMs, ratio, load, echo });
} finally {
  await browser.close();
  serve.kill('SIGTERM');
  run(['lab', 'down']);
  fs.rmSync(data, { recursive: true, force: true });
}
