// `clusterdeck serve` and Debian's Chromium for the benchmarks that measure the UI.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'resources', 'bin', 'clusterdeck.cjs');

/** Starts `clusterdeck serve` on a free port; resolves with the process and the URL it printed (with its token). */
export async function startServe(dataDir, env) {
  const proc = spawn(process.execPath, [BIN, '--data-dir', dataDir, 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => { out += d; const m = /(http:\/\/\S+token=\S+)/.exec(out); if (m) resolve(m[1]); });
    proc.on('exit', (code) => reject(new Error(`clusterdeck serve exited with ${code} before printing its URL`)));
  });
  return { proc, url };
}

/** Headless Chromium with software compositing and nothing that calls out to the internet. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
