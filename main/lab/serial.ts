// Simulated serial consoles for ipmi_sim's Serial over LAN: one small Node process listens on one
// loopback TCP port per BMC. ipmi_sim connects to its port (`sol "tcp:127.0.0.1:PORT"`) and
// bridges it to the SOL payload. Each console prints a getty-like banner and login prompt,
// echoes what is typed, and prompts again on Enter.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import { sleep, spawnDetached, abortError, type PidRecord } from './procs';

// Plain CommonJS so it runs under `node` and under Electron with ELECTRON_RUN_AS_NODE=1.
export const SERIAL_CONSOLE_SCRIPT = String.raw`'use strict';
// ClusterDeck lab: simulated serial consoles (one TCP port per console). Written by main/lab.
const net = require('net');
const fs = require('fs');
const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const log = (msg) => process.stdout.write(new Date().toISOString() + ' ' + msg + '\n');
const ports = {};
let listening = 0;
function prompt(name) { return '\r\n' + name + ' login: '; }
function banner(name) { return '\r\n\r\nDebian GNU/Linux 12 ' + name + ' ttyS0\r\n' + prompt(name); }
for (const c of cfg.consoles) {
  const server = net.createServer((sock) => {
    log(c.name + ': connected');
    sock.setNoDelay(true);
    sock.on('error', () => {});
    sock.on('close', () => log(c.name + ': disconnected'));
    let line = '';
    let lastCr = false;
    sock.write(banner(c.name));
    sock.on('data', (buf) => {
      let out = '';
      for (const ch of buf.toString('latin1')) {
        if (ch === '\n' && lastCr) { lastCr = false; continue; }
        lastCr = ch === '\r';
        if (ch === '\r' || ch === '\n') {
          out += line.length ? '\r\n' + 'echo: ' + line + prompt(c.name) : prompt(c.name);
          line = '';
        } else if (ch === '\x7f' || ch === '\b') {
          if (line.length) { line = line.slice(0, -1); out += '\b \b'; }
        } else if (ch === '\x03') {
          line = '';
          out += '^C' + prompt(c.name);
        } else if (ch >= ' ' && line.length < 4096) {
          line += ch;
          out += ch;
        }
      }
      if (out) sock.write(out);
    });
  });
  server.on('error', (err) => { log(c.name + ': ' + err.message); process.exit(1); });
  server.listen(0, '127.0.0.1', () => {
    ports[c.name] = server.address().port;
    if (++listening === cfg.consoles.length) {
      fs.writeFileSync(cfg.readyFile + '.tmp', JSON.stringify({ pid: process.pid, ports }));
      fs.renameSync(cfg.readyFile + '.tmp', cfg.readyFile);
      log('listening on ' + listening + ' ports');
    }
  });
}
process.on('SIGTERM', () => process.exit(0));
`;

export interface SerialConsoles {
  record: PidRecord;
  ports: Map<string, number>;
}

/** Start one console process for the given names in `dir`; resolves when every port listens. */
export async function startSerialConsoles(
  dir: string,
  names: string[],
  opts: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<SerialConsoles> {
  const script = join(dir, 'serial-console.cjs');
  const config = join(dir, 'serial-console.json');
  const readyFile = join(dir, 'serial-console.ready.json');
  const log = join(dir, 'serial-console.log');
  writeFileSync(script, SERIAL_CONSOLE_SCRIPT, { mode: 0o644 });
  writeFileSync(config, JSON.stringify({ readyFile, consoles: names.map((name) => ({ name })) }, null, 1));
  try {
    renameSync(readyFile, readyFile + '.old');
  } catch {
    // no earlier run
  }
  const spawned = await spawnDetached('serial', process.execPath, [script, config], {
    log,
    what: 'the serial console server',
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  for (;;) {
    try {
      const ready = JSON.parse(readFileSync(readyFile, 'utf8')) as { pid: number; ports: Record<string, number> };
      if (ready.pid === spawned.record.pid) {
        return { record: spawned.record, ports: new Map(Object.entries(ready.ports)) };
      }
    } catch {
      // not written yet
    }
    const exit = spawned.exitStatus();
    const why = exit
      ? `exited (code ${exit.code}, signal ${exit.signal})`
      : Date.now() > deadline
        ? `did not listen within ${opts.timeoutMs ?? 10_000} ms`
        : null;
    if (why) {
      if (!exit) {
        try {
          process.kill(spawned.record.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      throw new AppError('LAB_SERIAL_FAILED', `serial console server (pid ${spawned.record.pid}) ${why}; see ${log}`, {
        log,
      });
    }
    if (opts.signal?.aborted) {
      try {
        process.kill(spawned.record.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      throw abortError(opts.signal);
    }
    await sleep(20);
  }
}
