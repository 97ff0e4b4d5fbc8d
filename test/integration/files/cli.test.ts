// `clusterdeck files` and `clusterdeck forward add` through the built CLI against a lab sshd.
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type SshServer } from '../../../main/lab';
import { BIN, cli, csv } from '../../support/cli';
import { tempDir } from '../../support/tmp';

describe('clusterdeck files / forward (CLI, real sshd)', () => {
  const t = tempDir('cd-files-cli-');
  const data = path.join(t.dir, 'data');
  const home = path.join(t.dir, 'home');
  const remote = path.join(t.dir, 'remote');
  const local = path.join(t.dir, 'local');
  let sshd: SshServer;
  const env = { HOME: home, SSH_AUTH_SOCK: '' };
  const run = (args: string[], input?: string) => cli(data, args, { env, input });

  beforeAll(async () => {
    for (const d of [path.join(home, '.ssh'), remote, local]) fs.mkdirSync(d, { recursive: true });
    sshd = await startSshd({ stateDir: path.join(t.dir, 'lab') });
    expect(run(['creds', 'add', 'lab-key', '--kind', 'ssh_key', '--user', sshd.user], fs.readFileSync(sshd.privateKeyPath, 'utf8')).code).toBe(0);
    const file = path.join(t.dir, 'nodes.csv');
    fs.writeFileSync(file, csv(['name,hostname,ssh_host,ssh_port,ssh_user,ssh_credential,ssh_jump_host', `node001,127.0.0.1,127.0.0.1,${sshd.port},${sshd.user},lab-key,`]));
    expect(run(['nodes', 'import', file]).code).toBe(0);
    expect(run(['hostkeys', 'scan', 'node001']).code).toBe(0);
  });
  afterAll(async () => { await sshd?.stop(); t.cleanup(); });

  it('put, ls, mkdir, mv, get, rm', () => {
    fs.mkdirSync(path.join(local, 'tree', 'sub'), { recursive: true });
    fs.writeFileSync(path.join(local, 'tree', 'a.txt'), 'A\n');
    fs.writeFileSync(path.join(local, 'tree', 'sub', 'b.txt'), 'B\n');
    const put = run(['files', 'put', 'node001', path.join(local, 'tree'), remote]);
    expect(put.stderr).toContain('upload: 2 file(s), 4 bytes');
    expect(put.stdout).toBe(`${path.join(remote, 'tree')}\n`);
    expect(fs.readFileSync(path.join(remote, 'tree', 'sub', 'b.txt'), 'utf8')).toBe('B\n');
    const ls = run(['files', 'ls', 'node001', path.join(remote, 'tree')]);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(/^TYPE\s+MODE\s+SIZE\s+MODIFIED\s+NAME\ndir .* sub\nfile .* 2 .* a\.txt\n$/);
    expect(run(['files', 'mkdir', 'node001', '-p', path.join(remote, 'x', 'y')]).code).toBe(0);
    expect(run(['files', 'mv', 'node001', path.join(remote, 'tree', 'a.txt'), 'renamed.txt']).stdout).toBe(`${path.join(remote, 'tree', 'renamed.txt')}\n`);
    const out = path.join(t.dir, 'out');
    fs.mkdirSync(out);
    expect(run(['files', 'get', 'node001', path.join(remote, 'tree'), out]).code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'tree', 'renamed.txt'), 'utf8')).toBe('A\n');
    const rm = run(['files', 'rm', 'node001', path.join(remote, 'tree')]);
    expect(rm.code).toBe(1);
    expect(rm.stderr).toContain('is a folder that is not empty');
    expect(run(['files', 'rm', 'node001', '-r', path.join(remote, 'tree')]).code).toBe(0);
    expect(fs.existsSync(path.join(remote, 'tree'))).toBe(false);
    const denied = run(['files', 'ls', 'node001', path.join(remote, 'missing')]);
    expect(denied.stderr).toContain(`no such file or folder ${path.join(remote, 'missing')}`);
  });

  it('forward add prints the local URL, carries HTTP, and ends on Ctrl-C', async () => {
    const web = http.createServer((req, res) => res.end(`cli forward ${req.url}`));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
    const port = (web.address() as net.AddressInfo).port;
    const child = spawn(process.execPath, [BIN, '--data-dir', data, 'forward', 'add', 'node001', `127.0.0.1:${port}`], { env: { ...process.env, ...env, CLUSTERDECK_PASSPHRASE: 'test-passphrase' } });
    let out = '';
    let err = '';
    child.stderr.on('data', (b: Buffer) => { err += b; });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => { out += b; const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out); if (m) resolve(m[0]); });
      child.once('exit', () => reject(new Error(`exited early: ${err}`)));
    });
    const body = await new Promise<string>((resolve, reject) => http.get(`${url}x`, { agent: false }, (res) => { let b = ''; res.on('data', (c: Buffer) => { b += c; }); res.on('end', () => resolve(b)); }).on('error', reject));
    expect(body).toBe('cli forward /x');
    const code = await new Promise<number | null>((resolve) => { child.once('exit', (c) => resolve(c)); child.kill('SIGINT'); });
    expect(code).toBe(0);
    expect(err).toContain('stopped 1 forward(s)');
    await new Promise((r) => web.close(r));
  });
});
