// What a `clusterdeck` run loads: only the command it runs, and never the packages of features it
// does not use (electron.vite.config.ts LAZY_PACKAGES, main/hosts/cli/commandTable.ts). Checked on
// the built CLI through a --require hook that lists the loaded modules when the process exits.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBmcs, type BmcGroup } from '../../../main/lab';
import { COMMANDS } from '../../../main/hosts/cli/commandTable';
import { LAZY_PACKAGES } from '../../../electron.vite.config';
import { BIN, cli, csv } from '../../support/cli';
import { tempDir } from '../../support/tmp';
import { removeDir, tempStateDir, until } from '../ipmi/helpers';

describe('clusterdeck startup (built CLI)', { timeout: 90_000 }, () => {
  const t = tempDir('clusterdeck-cli-startup-');
  const data = path.join(t.dir, 'data');
  const hook = path.join(t.dir, 'loaded-hook.cjs');
  let dir: string;
  let lab: BmcGroup;

  /** Runs the CLI; returns its result and the files it loaded. */
  function traced(args: string[]) {
    const out = path.join(t.dir, `loaded-${Math.random().toString(36).slice(2)}.json`);
    const r = cli(data, args, { env: { NODE_OPTIONS: `--require ${hook}`, LOADED_OUT: out } });
    const loaded = JSON.parse(fs.readFileSync(out, 'utf8')) as string[];
    const packages = new Set(loaded.filter((f) => f.includes('/node_modules/')).map((f) => {
      const rest = f.split('/node_modules/').pop()!.split('/');
      return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    }));
    const chunks = loaded.filter((f) => f.includes(`${path.sep}out${path.sep}main${path.sep}`)).map((f) => path.basename(f));
    return { ...r, packages, chunks };
  }
  const lazyRoots = [...new Set(LAZY_PACKAGES.map((p) => (p.startsWith('@') ? p.split('/').slice(0, 2).join('/') : p.split('/')[0])))];

  beforeAll(async () => {
    fs.writeFileSync(hook, "process.on('exit', () => require('node:fs').writeFileSync(process.env.LOADED_OUT, JSON.stringify(Object.keys(require.cache))));\n");
    dir = tempStateDir('cli-startup');
    lab = await startBmcs({ stateDir: dir, count: 2, sol: false, initialPower: 'on' });
    expect(cli(data, ['creds', 'add', 'bmc', '--kind', 'password', '--user', 'admin'], { input: lab.bmcs[0].password }).code).toBe(0);
    const rows = ['name,hostname,bmc_host,bmc_port,bmc_protocol,bmc_credential'];
    lab.bmcs.forEach((b, i) => rows.push(`n${i + 1},127.0.0.1,${b.host},${b.port},ipmi,bmc`));
    fs.writeFileSync(path.join(t.dir, 'nodes.csv'), csv(rows));
    expect(cli(data, ['nodes', 'import', path.join(t.dir, 'nodes.csv')]).stderr).toBe('');
  }, 60_000);

  afterAll(async () => {
    await lab?.stop();
    removeDir(dir);
    t.cleanup();
  });

  it('--help lists every command without loading the services or any lazy package', () => {
    const r = traced(['--help']);
    expect(r.code).toBe(0);
    for (const name of COMMANDS.flatMap((e) => e.names)) expect(r.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    expect(r.chunks.filter((c) => c.startsWith('app-'))).toEqual([]);
    expect(r.chunks.filter((c) => c.startsWith('cli-command-')).length).toBe(COMMANDS.length);
    for (const p of lazyRoots) expect(r.packages.has(p), p).toBe(false);
  });

  it('power status reads the BMCs without loading SSH, images, YAML, XML, WebSockets or Kubernetes', () => {
    const r = traced(['power', 'status', 'n[1-2]']);
    expect(r.stdout).toBe('n[1-2]: on\n');
    expect(r.code).toBe(0);
    for (const p of lazyRoots) expect(r.packages.has(p), p).toBe(false);
    // Only the power command's module among the command modules.
    expect(r.chunks.filter((c) => c.startsWith('cli-command-')).map((c) => c.split('-')[2])).toEqual(['power']);
    // The BMC services only (main/hosts/cli/bmcApp.ts), not main/app.ts and the rest of the services.
    expect(r.chunks.filter((c) => c.startsWith('bmcApp-'))).toHaveLength(1);
    expect(r.chunks.filter((c) => c.startsWith('app-'))).toEqual([]);
  });

  it('derives the vault key on the thread pool while modules load, never with scryptSync on the main thread', () => {
    const calls = path.join(t.dir, 'scrypt-hook.cjs');
    fs.writeFileSync(calls, [
      "const crypto = require('node:crypto'); const seen = [];",
      "for (const k of ['scrypt', 'scryptSync']) { const f = crypto[k]; crypto[k] = function (...a) { seen.push(k); return f.apply(this, a); }; }",
      "process.on('exit', () => require('node:fs').writeFileSync(process.env.SCRYPT_OUT, JSON.stringify(seen)));",
    ].join('\n'));
    const out = path.join(t.dir, 'scrypt-calls.json');
    const r = cli(data, ['power', 'status', 'n[1-2]'], { env: { NODE_OPTIONS: `--require ${calls}`, SCRYPT_OUT: out } });
    expect(r.stdout).toBe('n[1-2]: on\n');
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toEqual(['scrypt']);
    // A wrong passphrase is refused all the same.
    const wrong = cli(data, ['power', 'status', 'n[1-2]'], { env: { CLUSTERDECK_PASSPHRASE: 'not-the-passphrase' } });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/Wrong vault passphrase/);
  });

  it('with `clusterdeck agent start` running, power status derives no key and needs no passphrase', async () => {
    const calls = path.join(t.dir, 'scrypt-hook-agent.cjs');
    fs.writeFileSync(calls, [
      "const crypto = require('node:crypto'); const seen = [];",
      "for (const k of ['scrypt', 'scryptSync']) { const f = crypto[k]; crypto[k] = function (...a) { seen.push(k); return f.apply(this, a); }; }",
      "process.on('exit', () => require('node:fs').writeFileSync(process.env.SCRYPT_OUT, JSON.stringify(seen)));",
    ].join('\n'));
    const agent = spawn(process.execPath, [BIN, '--data-dir', data, 'agent', 'start'], { env: { ...process.env, CLUSTERDECK_PASSPHRASE: 'test-passphrase' }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await until(async () => cli(data, ['agent', 'status']).code === 0, 20_000, 100);
      expect(fs.statSync(path.join(data, 'agent.sock')).mode & 0o777).toBe(0o600);
      const out = path.join(t.dir, 'scrypt-calls-agent.json');
      const r = cli(data, ['power', 'status', 'n[1-2]'], { env: { CLUSTERDECK_PASSPHRASE: '', NODE_OPTIONS: `--require ${calls}`, SCRYPT_OUT: out } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('n[1-2]: on\n');
      expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toEqual([]);
      expect(cli(data, ['agent', 'stop']).stdout).toBe('vault agent stopped\n');
      expect(await new Promise((res) => agent.once('exit', res))).toBe(0);
      expect(fs.existsSync(path.join(data, 'agent.sock'))).toBe(false);
      // Without the agent and without a passphrase there is nothing to unlock with: a clear message.
      const locked = cli(data, ['power', 'status', 'n[1-2]'], { env: { CLUSTERDECK_PASSPHRASE: '' } });
      expect(locked.code).not.toBe(0);
      expect(locked.stderr).toMatch(/CLUSTERDECK_PASSPHRASE/);
    } finally {
      agent.kill();
    }
  });

  it('keeps a V8 code cache of the bundle per user (0700 folder, 0600 entries) and runs the same from it', () => {
    const cache = path.join(t.dir, 'xdg-cache');
    const env = { XDG_CACHE_HOME: cache };
    const first = cli(data, ['power', 'status', 'n[1-2]'], { env });
    expect(first.stdout).toBe('n[1-2]: on\n');
    const [version] = fs.readdirSync(path.join(cache, 'clusterdeck'));
    const [install] = fs.readdirSync(path.join(cache, 'clusterdeck', version));
    const dir = path.join(cache, 'clusterdeck', version, install);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const entries = fs.readdirSync(dir);
    expect(entries.some((e) => e.startsWith('cli.js-'))).toBe(true);
    for (const e of entries) expect(fs.statSync(path.join(dir, e)).mode & 0o777, e).toBe(0o600);
    expect(cli(data, ['power', 'status', 'n[1-2]'], { env }).stdout).toBe('n[1-2]: on\n');
    expect(fs.readdirSync(dir).sort()).toEqual(entries.sort()); // read, not rewritten
    // A folder others may write to is not trusted: no cache, same answer.
    fs.rmSync(dir, { recursive: true });
    fs.mkdirSync(dir, { mode: 0o777 });
    fs.chmodSync(dir, 0o777);
    expect(cli(data, ['power', 'status', 'n[1-2]'], { env }).stdout).toBe('n[1-2]: on\n');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('sensors and sel use the BMC services too; a command that needs more opens the full app', () => {
    const sensors = traced(['sensors', 'n1', '--json']);
    expect(sensors.code, sensors.stderr).toBe(0);
    expect(sensors.chunks.filter((c) => c.startsWith('app-'))).toEqual([]);
    const sel = traced(['sel', 'list', 'n1', '--json']);
    expect(sel.code, sel.stderr).toBe(0);
    expect(sel.chunks.filter((c) => c.startsWith('app-'))).toEqual([]);
    const creds = traced(['creds', 'list']);
    expect(creds.code, creds.stderr).toBe(0);
    expect(creds.stdout).toMatch(/^bmc\b/m);
    expect(creds.chunks.filter((c) => c.startsWith('app-'))).toHaveLength(1);
  });

  it('a lazily loaded package still works when a command needs it (YAML export)', () => {
    const r = traced(['nodes', 'export', '--format', 'yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/name: n1/);
    expect(r.packages.has('yaml')).toBe(true);
  });
});
