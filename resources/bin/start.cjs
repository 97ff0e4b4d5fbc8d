#!/usr/bin/env node
'use strict';
// `npm start`: the desktop app where the Electron binary is installed, `clusterdeck serve` otherwise.
const { spawn } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');
const root = path.resolve(__dirname, '..', '..');
let electron = null;
try {
  const p = require('electron'); // the path of the binary, when it was downloaded
  if (typeof p === 'string' && fs.existsSync(p)) electron = p;
} catch {
  electron = null;
}
const args = electron ? [root] : [path.join(__dirname, 'clusterdeck.cjs'), 'serve', ...process.argv.slice(2)];
if (!electron) process.stderr.write('Electron is not installed here: serving the UI to your browser instead.\n');
const child = spawn(electron ?? process.execPath, args, { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s));
