// Password and keyboard-interactive logins. The lab sshd allows keys only, so these run against a
// small SSH server built on ssh2's own Server (a second, independent implementation of the
// protocol), which offers exactly the methods each test names.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server, type AuthContext } from 'ssh2';
import { SshPool, fingerprint, prepareAuth, runCommand, type AuthMethod } from '../../../main/protocols/ssh';
import { MemoryHostKeys, tempStateDir } from './helpers';

interface Fake { port: number; hostKey: Buffer; seen: string[]; close(): Promise<void> }

/** Accepts user "ops" with `password` by the methods listed; runs any command as `echo`. */
async function fakeServer({ pem: hostKeyPem, pub }: { pem: string; pub: string }, methods: ('password' | 'keyboard-interactive')[], password: string): Promise<Fake> {
  const seen: string[] = [];
  const server = new Server({ hostKeys: [hostKeyPem] }, (client) => {
    client.on('authentication', (ctx: AuthContext) => {
      seen.push(ctx.method);
      if (ctx.method === 'password' && methods.includes('password')) {
        return ctx.username === 'ops' && ctx.password === password ? ctx.accept() : ctx.reject(methods);
      }
      if (ctx.method === 'keyboard-interactive' && methods.includes('keyboard-interactive')) {
        return ctx.prompt([{ prompt: 'One-time code: ', echo: true }, { prompt: 'Password: ', echo: false }], 'Login', (answers) => {
          seen.push(`answers:${answers.length}:${answers[0] === '' ? 'blank' : 'filled'}`);
          return ctx.username === 'ops' && answers[1] === password ? ctx.accept() : ctx.reject(methods);
        });
      }
      ctx.reject(methods);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('exec', (acceptExec, _reject, info) => {
          const stream = acceptExec();
          stream.write(`ran: ${info.command}\n`);
          stream.exit(0);
          stream.end();
        });
      });
    });
    client.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    hostKey: Buffer.from(pub.trim().split(' ')[1], 'base64'),
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('password and keyboard-interactive logins (ssh2 Server peer)', () => {
  let dir: string;
  let hostKeyPem: { pem: string; pub: string };
  const pools: SshPool[] = [];
  const pool = () => {
    const p = new SshPool({ idleMs: 0 });
    pools.push(p);
    return p;
  };

  beforeAll(() => {
    dir = tempStateDir('pw');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host')]);
    hostKeyPem = { pem: fs.readFileSync(path.join(dir, 'host'), 'utf8'), pub: fs.readFileSync(path.join(dir, 'host.pub'), 'utf8') };
  });
  afterAll(async () => {
    for (const p of pools) await p.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const keysFor = (f: Fake) => {
    const keys = new MemoryHostKeys();
    keys.add('127.0.0.1', f.port, { type: 'ssh-ed25519', blob: f.hostKey });
    return keys;
  };

  it('logs in with a password', async () => {
    const f = await fakeServer(hostKeyPem, ['password'], 'pa55-word');
    try {
      const tried: AuthMethod[] = [];
      const r = await runCommand(pool(), { target: { host: '127.0.0.1', port: f.port, auth: prepareAuth({ username: 'ops', password: 'pa55-word' }) } }, 'uptime',
        { hostKeys: keysFor(f), policy: 'ask', connectTimeoutMs: 5000, onAuthAttempt: (m) => tried.push(m) });
      expect(r).toMatchObject({ exitCode: 0, stdout: 'ran: uptime\n' });
      expect(tried).toEqual(['password']);
      expect(fingerprint(f.hostKey)).toMatch(/^SHA256:/);
    } finally {
      await f.close();
    }
  });

  it('answers a keyboard-interactive password prompt with the password and leaves other prompts blank', async () => {
    const f = await fakeServer(hostKeyPem, ['keyboard-interactive'], 'kbd-secret');
    try {
      const tried: AuthMethod[] = [];
      const r = await runCommand(pool(), { target: { host: '127.0.0.1', port: f.port, auth: prepareAuth({ username: 'ops', password: 'kbd-secret' }) } }, 'id',
        { hostKeys: keysFor(f), policy: 'ask', connectTimeoutMs: 5000, onAuthAttempt: (m) => tried.push(m) });
      expect(r.stdout).toBe('ran: id\n');
      expect(tried).toEqual(['keyboard-interactive']); // password is not offered by this server, so not tried
      expect(f.seen).toContain('answers:2:blank');
    } finally {
      await f.close();
    }
  });

  it('a wrong password is SSH_AUTH_FAILED listing both methods tried, without the password', async () => {
    const f = await fakeServer(hostKeyPem, ['password', 'keyboard-interactive'], 'right-one');
    try {
      const e = await runCommand(pool(), { target: { host: '127.0.0.1', port: f.port, auth: prepareAuth({ username: 'ops', password: 'wrong-one' }) } }, 'true',
        { hostKeys: keysFor(f), policy: 'ask', connectTimeoutMs: 5000 }).catch((err: unknown) => err);
      expect(e).toMatchObject({ code: 'SSH_AUTH_FAILED', params: { methods: 'password,keyboard-interactive', user: 'ops' } });
      expect(JSON.stringify(e)).not.toContain('wrong-one');
      expect((e as Error).message).not.toContain('wrong-one');
    } finally {
      await f.close();
    }
  });
});
