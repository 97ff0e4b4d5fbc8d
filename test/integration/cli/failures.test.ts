import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli';
import { tempDir } from '../../support/tmp';

const SECRET = 'pa55-w0rd-that-must-not-leak';

describe('CLI on bad input', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());

  it('refuses a wrong vault passphrase with a message that says what to do', () => {
    const data = path.join(t.dir, 'vault');
    expect(cli(data, ['creds', 'add', 'k', '--kind', 'password'], { input: SECRET }).code).toBe(0);
    const r = cli(data, ['creds', 'add', 'k2', '--kind', 'password'], { input: 'x', env: { CLUSTERDECK_PASSPHRASE: 'wrong' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Wrong vault passphrase.*CLUSTERDECK_PASSPHRASE/);
  });

  it('never prints, logs or stores a secret in plaintext', () => {
    const data = path.join(t.dir, 'leak');
    const outputs = [
      cli(data, ['creds', 'add', 'bmc', '--kind', 'password', '--user', 'admin'], { input: SECRET }),
      cli(data, ['creds', 'list']),
      cli(data, ['creds', 'list', '--json']),
      cli(data, ['audit', 'list', '--json']),
      cli(data, ['db', 'info']),
    ];
    for (const o of outputs) expect(o.stdout + o.stderr).not.toContain(SECRET);
    for (const f of fs.readdirSync(data)) {
      const p = path.join(data, f);
      if (fs.statSync(p).isFile()) expect(fs.readFileSync(p).includes(Buffer.from(SECRET)), f).toBe(false);
    }
  });

  it('refuses a data folder written by a newer ClusterDeck', () => {
    const data = path.join(t.dir, 'newer');
    fs.mkdirSync(data);
    const db = new Database(path.join(data, 'clusterdeck.db'));
    db.pragma('user_version = 999');
    db.close();
    const r = cli(data, ['nodes', 'list']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/newer ClusterDeck \(schema 999; this build knows up to \d+\)\. Upgrade ClusterDeck/);
  });

  it('refuses a read-only data folder without crashing', () => {
    const data = path.join(t.dir, 'readonly');
    fs.mkdirSync(data, { mode: 0o555 });
    fs.chmodSync(t.dir, 0o755);
    // root writes anywhere: run the CLI as an unprivileged user when we are root.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = cli(data, ['nodes', 'list'], { spawn: asNobody, env: { HOME: '/tmp' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/data folder .*readonly cannot be written .*--data-dir/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('explains a missing file and an unknown format', () => {
    const data = path.join(t.dir, 'files');
    const missing = cli(data, ['nodes', 'import', '/nonexistent/nodes.csv']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Cannot read \/nonexistent\/nodes\.csv: ENOENT/);
    const fmt = cli(data, ['nodes', 'import', path.join(t.dir, 'x.txt')]);
    expect(fmt.code).toBe(2);
    expect(fmt.stderr).toMatch(/--format csv or --format yaml/);
  });

  it('reads a credential secret from stdin only: no secret flag exists', () => {
    const r = cli(path.join(t.dir, 'argv'), ['creds', 'add', 'k', '--kind', 'password', '--secret', SECRET]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--secret'/);
  });
});

describe('YAML import on bad input', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());

  it('names the line of a YAML syntax error and of each bad node, and imports nothing', () => {
    const data = path.join(t.dir, 'yaml');
    const broken = path.join(t.dir, 'broken.yaml');
    fs.writeFileSync(broken, 'nodes:\n  - name: a\n    hostname: [unclosed\n');
    const r1 = cli(data, ['nodes', 'import', broken]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/broken\.yaml:\d+: not valid YAML/);
    const bad = path.join(t.dir, 'bad.yaml');
    fs.writeFileSync(bad, ['nodes:', '  - name: ok1', '    hostname: 10.0.0.1', '  - name: bad 2', '    hostname: 10.0.0.2', '  - name: bad3', '    hostname: 10.0.0.3', '    bmc: { host: 10.1.0.3, protocol: snmp }', '  - just a string', ''].join('\n'));
    const r2 = cli(data, ['nodes', 'import', bad]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/bad\.yaml:4: name: use letters, digits/);
    expect(r2.stderr).toMatch(/bad\.yaml:6: bmc\.protocol/);
    expect(r2.stderr).toMatch(/bad\.yaml:9: each node must be a mapping/);
    expect(JSON.parse(cli(data, ['nodes', 'list', '--json']).stdout)).toEqual([]);
  });
});
