// The SSH client against real OpenSSH sshd peers from main/lab: logins, host keys, jump chains,
// failures, cancel and bounded output.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownHostsLine, startSshd, type SshServer } from '../../../main/lab';
import { SshPool, fetchHostKey, fingerprint, prepareAuth, runCommand, type AuthMethod, type PreparedAuth, type SshTarget } from '../../../main/protocols/ssh';
import { AppError } from '../../../shared/errors';
import { MemoryHostKeys, deadPort, run, silentListener, tempStateDir } from './helpers';

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (error) {
    if (AppError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('SSH client against lab sshds', () => {
  let dir: string;
  let a: SshServer;
  let b: SshServer;
  let c: SshServer;
  let known: string;
  let keyAuth: PreparedAuth;
  const pools: SshPool[] = [];
  const newPool = () => {
    const p = new SshPool({ idleMs: 0 });
    pools.push(p);
    return p;
  };
  const hop = (s: SshServer, auth = keyAuth) => ({ host: s.host, port: s.port, auth });
  const opts = (extra: Partial<Parameters<typeof runCommand>[3]> = {}) => ({ hostKeys: new MemoryHostKeys(known), policy: 'ask' as const, connectTimeoutMs: 10_000, ...extra });

  beforeAll(async () => {
    dir = tempStateDir('client');
    [a, b, c] = await Promise.all([startSshd({ stateDir: dir, name: 'a' }), startSshd({ stateDir: dir, name: 'b' }), startSshd({ stateDir: dir, name: 'c' })]);
    known = path.join(dir, 'known_hosts');
    fs.writeFileSync(known, [a, b, c].map((s) => knownHostsLine(s)).join('\n') + '\n');
    // All three authorize the same client key (each lab sshd makes its own; use a's everywhere).
    for (const s of [b, c]) fs.copyFileSync(path.join(dir, 'a', 'authorized_keys'), path.join(dir, s === b ? 'b' : 'c', 'authorized_keys'));
    keyAuth = prepareAuth({ username: a.user, privateKey: fs.readFileSync(a.privateKeyPath) });
  });

  afterAll(async () => {
    for (const p of pools) await p.close();
    await Promise.all([a?.stop(), b?.stop(), c?.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('logs in with an ed25519 key and returns stdout, stderr and the exit code', async () => {
    const r = await runCommand(newPool(), { target: hop(a) }, 'echo out; echo err >&2; exit 7', opts());
    expect(r).toMatchObject({ exitCode: 7, signal: null, stdout: 'out\n', stderr: 'err\n', truncated: false });
    const killed = await runCommand(newPool(), { target: hop(a) }, 'kill -KILL $$', opts());
    expect(killed).toMatchObject({ exitCode: null, signal: 'SIGKILL' });
  });

  it('decrypts a key with its passphrase; a wrong or missing passphrase is SSH_KEY_PASSPHRASE before any connection', async () => {
    const copy = path.join(dir, 'id_encrypted');
    fs.copyFileSync(a.privateKeyPath, copy);
    fs.chmodSync(copy, 0o600);
    await run('ssh-keygen', ['-q', '-p', '-N', 'correct horse', '-P', '', '-f', copy]);
    const text = fs.readFileSync(copy, 'utf8');
    expect(text).toMatch(/BEGIN OPENSSH PRIVATE KEY/);
    const auth = prepareAuth({ username: a.user, privateKey: text, passphrase: 'correct horse' });
    expect((await runCommand(newPool(), { target: hop(a, auth) }, 'echo ok', opts())).stdout).toBe('ok\n');

    let e: unknown;
    try {
      prepareAuth({ username: a.user, privateKey: text, passphrase: 'wrong' }, 'credential enc');
    } catch (error) {
      e = error;
    }
    expect(e).toMatchObject({ code: 'SSH_KEY_PASSPHRASE', params: { reason: 'wrong', credential: 'credential enc' } });
    expect((e as Error).message).not.toContain('wrong');
    expect(() => prepareAuth({ username: a.user, privateKey: text })).toThrow(expect.objectContaining({ code: 'SSH_KEY_PASSPHRASE', params: expect.objectContaining({ reason: 'missing' }) }));
    expect(() => prepareAuth({ username: a.user, privateKey: 'not a key' })).toThrow(expect.objectContaining({ code: 'SSH_BAD_KEY' }));
  });

  it('logs in through ssh-agent; an absent agent is SSH_AGENT_UNAVAILABLE', async () => {
    const sock = path.join(dir, 'agent.sock');
    const { stdout } = await run('ssh-agent', ['-a', sock, '-s']);
    const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(stdout)![1]);
    try {
      await run('ssh-add', [a.privateKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: sock } });
      const auth = prepareAuth({ username: a.user, agent: sock });
      expect(auth.methods).toEqual(['agent']);
      const tried: AuthMethod[] = [];
      const r = await runCommand(newPool(), { target: hop(a, auth) }, 'echo via-agent', opts({ onAuthAttempt: (m) => tried.push(m) }));
      expect(r.stdout).toBe('via-agent\n');
      expect(tried).toEqual(['agent']);
    } finally {
      process.kill(pid, 'SIGTERM');
    }
    expect(() => prepareAuth({ username: a.user, agent: path.join(dir, 'no-agent.sock') })).toThrow(expect.objectContaining({ code: 'SSH_AGENT_UNAVAILABLE', params: expect.objectContaining({ reason: 'absent' }) }));
    const saved = process.env.SSH_AUTH_SOCK;
    delete process.env.SSH_AUTH_SOCK;
    try {
      expect(() => prepareAuth({ username: a.user, agent: true })).toThrow(expect.objectContaining({ code: 'SSH_AGENT_UNAVAILABLE', params: expect.objectContaining({ reason: 'unset' }) }));
    } finally {
      if (saved !== undefined) process.env.SSH_AUTH_SOCK = saved;
    }
  });

  it('a key the server does not accept, or a password where only keys are allowed, is SSH_AUTH_FAILED naming the methods, never the secret', async () => {
    const other = path.join(dir, 'id_other');
    await run('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-f', other]);
    const wrongKey = prepareAuth({ username: a.user, privateKey: fs.readFileSync(other) });
    const e1 = await failure(runCommand(newPool(), { target: hop(a, wrongKey) }, 'true', opts()));
    expect(e1.code).toBe('SSH_AUTH_FAILED');
    expect(e1.params).toMatchObject({ methods: 'publickey', serverAllows: 'publickey', user: a.user });

    // The lab sshd has PasswordAuthentication and KbdInteractiveAuthentication off.
    const pw = prepareAuth({ username: a.user, password: 'hunter2-secret' });
    expect(pw.methods).toEqual(['password', 'keyboard-interactive']);
    const e2 = await failure(runCommand(newPool(), { target: hop(a, pw) }, 'true', opts()));
    expect(e2.code).toBe('SSH_AUTH_FAILED');
    expect(e2.message).toContain('the server accepts: publickey');
    expect(JSON.stringify(e2.toData())).not.toContain('hunter2');
  });

  it("'ask' refuses an unknown host key with its SHA256 fingerprint and attempts no login; 'accept-new' stores it", async () => {
    const keys = new MemoryHostKeys();
    let attempts = 0;
    const e = await failure(runCommand(newPool(), { target: hop(a) }, 'true', { hostKeys: keys, policy: 'ask', connectTimeoutMs: 10_000, onAuthAttempt: () => attempts++ }));
    expect(e.code).toBe('SSH_HOSTKEY_UNKNOWN');
    expect(e.params).toMatchObject({ host: a.host, port: a.port, keyType: 'ssh-ed25519', fingerprint: a.hostKeyFingerprint });
    expect(attempts).toBe(0);
    expect(keys.added).toEqual([]);

    const added: string[] = [];
    const r = await runCommand(newPool(), { target: hop(a) }, 'echo new', { hostKeys: keys, policy: 'accept-new', connectTimeoutMs: 10_000, onHostKeyAdded: (_h, _p, k) => added.push(fingerprint(k.blob)) });
    expect(r.stdout).toBe('new\n');
    expect(added).toEqual([a.hostKeyFingerprint]);
    // Now known: 'ask' goes through without adding anything.
    expect((await runCommand(newPool(), { target: hop(a) }, 'echo again', { hostKeys: keys, policy: 'ask', connectTimeoutMs: 10_000 })).stdout).toBe('again\n');
    expect(keys.added).toHaveLength(1);
  });

  it('refuses a changed host key (sshd restarted with a new key on the same port): both fingerprints named, no login attempted', async () => {
    const s1 = await startSshd({ stateDir: dir, name: 'changing' });
    fs.copyFileSync(path.join(dir, 'a', 'authorized_keys'), path.join(dir, 'changing', 'authorized_keys'));
    const keys = new MemoryHostKeys();
    await runCommand(newPool(), { target: hop(s1) }, 'true', { hostKeys: keys, policy: 'accept-new', connectTimeoutMs: 10_000 });
    await s1.stop();
    for (const f of ['ssh_host_ed25519_key', 'ssh_host_ed25519_key.pub']) fs.rmSync(path.join(dir, 'changing', f));
    const s2 = await startSshd({ stateDir: dir, name: 'changing', port: s1.port });
    try {
      expect(s2.hostKeyFingerprint).not.toBe(s1.hostKeyFingerprint);
      fs.copyFileSync(path.join(dir, 'a', 'authorized_keys'), path.join(dir, 'changing', 'authorized_keys'));
      const logBefore = fs.readFileSync(s2.log, 'utf8');
      let attempts = 0;
      for (const policy of ['ask', 'accept-new'] as const) {
        const e = await failure(runCommand(newPool(), { target: hop(s2) }, 'touch should-not-run', { hostKeys: keys, policy, connectTimeoutMs: 10_000, onAuthAttempt: () => attempts++ }));
        expect(e.code).toBe('SSH_HOSTKEY_CHANGED');
        expect(e.params).toMatchObject({ host: s2.host, port: s2.port, fingerprint: s2.hostKeyFingerprint, storedFingerprint: s1.hostKeyFingerprint });
        expect(e.message).toContain(`127.0.0.1:${s2.port}`);
        expect(e.message).toContain(s1.hostKeyFingerprint);
        expect(e.message).toContain(s2.hostKeyFingerprint);
      }
      expect(attempts).toBe(0);
      expect(keys.added).toHaveLength(1); // accept-new never replaces a key
      await new Promise((r) => setTimeout(r, 200));
      const newLines = fs.readFileSync(s2.log, 'utf8').slice(logBefore.length);
      expect(newLines).not.toMatch(/Accepted|Failed|Invalid user|userauth/i);
    } finally {
      await s2.stop();
    }
  });

  it('connects through a jump host and through a two-hop chain, checking every hop\'s host key; one jump connection serves many targets', async () => {
    const pool = newPool();
    const r = await runCommand(pool, { jumps: [hop(a)], target: hop(b) }, 'echo via-a', opts());
    expect(r.stdout).toBe('via-a\n');
    const r2 = await runCommand(pool, { jumps: [hop(a), hop(b)], target: hop(c) }, 'echo via-a-b', opts());
    expect(r2.stdout).toBe('via-a-b\n');

    // Several nodes behind one jump host: a single login on the jump host.
    const before = (fs.readFileSync(a.log, 'utf8').match(/Accepted publickey/g) ?? []).length;
    const shared = newPool();
    const outs = await Promise.all(['n1', 'n2', 'n3', 'n4'].map((tag) => runCommand(shared, { jumps: [hop(a)], target: hop(b), tag }, `echo ${tag}`, opts())));
    expect(outs.map((o) => o.stdout)).toEqual(['n1\n', 'n2\n', 'n3\n', 'n4\n']);
    await new Promise((res) => setTimeout(res, 200));
    expect((fs.readFileSync(a.log, 'utf8').match(/Accepted publickey/g) ?? []).length - before).toBe(1);

    // The jump host's key unknown: refused at hop 0, the target never reached.
    const onlyB = new MemoryHostKeys();
    onlyB.add(b.host, b.port, { type: 'ssh-ed25519', blob: Buffer.from(b.hostPublicKey.split(' ')[1], 'base64') });
    const e = await failure(runCommand(newPool(), { jumps: [hop(a)], target: hop(b) }, 'true', { hostKeys: onlyB, policy: 'ask', connectTimeoutMs: 10_000 }));
    expect(e.code).toBe('SSH_HOSTKEY_UNKNOWN');
    expect(e.params).toMatchObject({ port: a.port, hop: 0, fingerprint: a.hostKeyFingerprint });
  });

  it('a jump host that fails is SSH_JUMP_FAILED naming the hop; a dead node behind a working jump host is SSH_UNREACHABLE', async () => {
    const dead = await deadPort();
    const e = await failure(runCommand(newPool(), { jumps: [hop(a), { host: '127.0.0.1', port: dead, auth: keyAuth }], target: hop(b) }, 'true', opts()));
    expect(e.code).toBe('SSH_JUMP_FAILED');
    expect(e.params).toMatchObject({ hop: 2, port: dead });
    expect(e.message).toContain(`127.0.0.1:${dead}`);

    const first = await failure(runCommand(newPool(), { jumps: [{ host: '127.0.0.1', port: dead, auth: keyAuth }], target: hop(b) }, 'true', opts()));
    expect(first).toMatchObject({ code: 'SSH_JUMP_FAILED', params: expect.objectContaining({ hop: 1, cause: 'SSH_UNREACHABLE' }) });

    const behind = await failure(runCommand(newPool(), { jumps: [hop(a)], target: { host: '127.0.0.1', port: dead, auth: keyAuth } }, 'true', opts()));
    expect(behind.code).toBe('SSH_UNREACHABLE');
    expect(behind.message).toContain(`127.0.0.1:${dead}`);
  });

  it('a refused port and an unknown host are SSH_UNREACHABLE saying which', async () => {
    const dead = await deadPort();
    const refused = await failure(runCommand(newPool(), { target: { host: '127.0.0.1', port: dead, auth: keyAuth } }, 'true', opts()));
    expect(refused).toMatchObject({ code: 'SSH_UNREACHABLE', params: expect.objectContaining({ reason: 'refused', cause: 'ECONNREFUSED' }) });
    expect(refused.message).toContain(`connection refused by 127.0.0.1:${dead}`);
    const unknown = await failure(runCommand(newPool(), { target: { host: 'no-such-node.invalid', port: 22, auth: keyAuth } }, 'true', opts()));
    expect(unknown).toMatchObject({ code: 'SSH_UNREACHABLE', params: expect.objectContaining({ reason: 'unknown-host' }) });
    expect(unknown.message).toContain('unknown host no-such-node.invalid');
  });

  it('a TCP listener that never speaks is SSH_TIMEOUT after the connect timeout', async () => {
    const silent = await silentListener();
    try {
      const t0 = performance.now();
      const e = await failure(runCommand(newPool(), { target: { host: '127.0.0.1', port: silent.port, auth: keyAuth } }, 'true', opts({ connectTimeoutMs: 700 })));
      const took = performance.now() - t0;
      expect(e).toMatchObject({ code: 'SSH_TIMEOUT', params: expect.objectContaining({ phase: 'connect', timeoutMs: 700 }) });
      expect(took).toBeGreaterThanOrEqual(650);
      expect(took).toBeLessThan(3000);
      // A banner-less host does not stall fetchHostKey either.
      await expect(fetchHostKey('127.0.0.1', silent.port, { timeoutMs: 300 })).rejects.toMatchObject({ code: 'SSH_TIMEOUT' });
    } finally {
      await silent.close();
    }
  });

  it('cancel mid-command ends at once with SSH_CANCELLED and asks sshd to kill the command; a command timeout is SSH_TIMEOUT', async () => {
    const ctrl = new AbortController();
    const t0 = performance.now();
    const logBefore = fs.readFileSync(a.log, 'utf8').length;
    const p = runCommand(newPool(), { target: hop(a) }, 'sleep 30.5', opts({ signal: ctrl.signal }));
    setTimeout(() => ctrl.abort(), 500);
    const e = await failure(p);
    expect(e.code).toBe('SSH_CANCELLED');
    expect(performance.now() - t0).toBeLessThan(3000);
    await new Promise((r) => setTimeout(r, 300));
    // sshd got our signal request. It kills the command for ordinary users; for a root login
    // (no privilege separation after login) OpenSSH refuses to signal and says so in its log.
    const { stdout } = await run('pgrep', ['-f', 'sleep 30.5']).catch(() => ({ stdout: '' }));
    const log = fs.readFileSync(a.log, 'utf8').slice(logBefore);
    expect(stdout.trim() === '' || /session_signal_req/.test(log)).toBe(true);

    const t = await failure(runCommand(newPool(), { target: hop(a) }, 'sleep 20.25', opts({ commandTimeoutMs: 400 })));
    expect(t).toMatchObject({ code: 'SSH_TIMEOUT', params: expect.objectContaining({ phase: 'command', timeoutMs: 400 }) });
    // Already cancelled before starting: no connection at all.
    const pre = new AbortController();
    pre.abort();
    expect((await failure(runCommand(newPool(), { target: hop(a) }, 'true', opts({ signal: pre.signal })))).code).toBe('SSH_CANCELLED');
  });

  it('bounds a flood of output: 1 MiB kept, the rest read and dropped, truncated flagged, exit code kept', async () => {
    const r = await runCommand(newPool(), { target: hop(a) }, "head -c 6000000 /dev/zero | tr '\\0' a; echo tail >&2", opts());
    expect(r.exitCode).toBe(0);
    expect(r.truncated).toBe(true);
    expect(r.stdoutBytes).toBe(6_000_000);
    expect(r.stdout.length + r.stderr.length).toBeLessThanOrEqual(1024 * 1024);
    expect(r.stdout.length).toBe(1024 * 1024);
    expect(r.stdout).toMatch(/^a+$/);
    const small = await runCommand(newPool(), { target: hop(a) }, 'seq 1 1000', opts({ maxOutputBytes: 100 }));
    expect(small.stdout.length).toBe(100);
    expect(small.truncated).toBe(true);
  });

  it('a connection shared by two commands outlives the one that timed out; keepConnection false closes it after the command', async () => {
    const pool = new SshPool({ idleMs: 30_000 });
    pools.push(pool);
    const target: SshTarget = { target: hop(a) }; // no tag: both commands share one connection
    await runCommand(pool, target, 'true', opts());
    expect(pool.size).toBe(1); // kept for the next command by default
    const [timedOut, fine] = await Promise.allSettled([
      runCommand(pool, target, 'sleep 5.5', opts({ commandTimeoutMs: 300 })),
      runCommand(pool, target, 'sleep 0.8; echo fine', opts()),
    ]);
    expect(timedOut).toMatchObject({ status: 'rejected', reason: { code: 'SSH_TIMEOUT' } });
    expect(fine).toMatchObject({ status: 'fulfilled', value: { stdout: 'fine\n' } });
    expect(pool.size).toBe(0); // the timed-out command's connection left the pool, and closed after "fine"
    await runCommand(pool, target, 'true', opts({ keepConnection: false }));
    expect(pool.size).toBe(0);
  });

  it('a pooled connection whose host key was forgotten since is not reused: the key is checked (and asked about) again', async () => {
    const pool = new SshPool({ idleMs: 30_000 });
    pools.push(pool);
    const keys = new MemoryHostKeys();
    await runCommand(pool, { target: hop(a) }, 'true', { hostKeys: keys, policy: 'accept-new', connectTimeoutMs: 10_000 });
    expect(pool.size).toBe(1);
    expect((await runCommand(pool, { target: hop(a) }, 'echo reused', { hostKeys: keys, policy: 'ask', connectTimeoutMs: 10_000 })).stdout).toBe('reused\n');
    keys.added.splice(0); // what `hostkeys forget` does to the store
    const e = await failure(runCommand(pool, { target: hop(a) }, 'touch should-not-run', { hostKeys: keys, policy: 'ask', connectTimeoutMs: 10_000 }));
    expect(e.code).toBe('SSH_HOSTKEY_UNKNOWN');
    expect(pool.size).toBe(0); // the old connection went with its key
  });

  it('keepalive ends a connection whose server stopped answering, and the pool forgets it', async () => {
    const s = await startSshd({ stateDir: dir, name: 'keepalive' });
    fs.copyFileSync(path.join(dir, 'a', 'authorized_keys'), path.join(dir, 'keepalive', 'authorized_keys'));
    const keys = new MemoryHostKeys();
    const pool = new SshPool({ idleMs: 60_000 });
    pools.push(pool);
    let frozen: number[] = [];
    try {
      const lease = await pool.connect({ target: hop(s) }, { hostKeys: keys, policy: 'accept-new', timeoutMs: 10_000, keepaliveIntervalMs: 150 });
      lease.release();
      expect(pool.size).toBe(1);
      // Freeze the server side of this connection (sshd's per-connection processes), not the listener.
      const { stdout } = await run('pgrep', ['-P', String(s.pid)]);
      frozen = stdout.split(/\s+/).filter(Boolean).map(Number);
      expect(frozen.length).toBeGreaterThan(0);
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
      const t0 = performance.now();
      await new Promise<void>((res) => lease.client.once('close', () => res()));
      // 3 unanswered keepalives at 150 ms: gone well before any TCP timeout would notice.
      expect(performance.now() - t0).toBeLessThan(3000);
      expect(pool.size).toBe(0);
    } finally {
      for (const pid of frozen) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // gone
        }
      }
      await s.stop();
    }
  });

  it('reuses a pooled connection for the next command and replaces one that died', async () => {
    const pool = new SshPool({ idleMs: 30_000 });
    pools.push(pool);
    const target: SshTarget = { target: hop(a), tag: 'reuse' };
    const first = await pool.connect(target, { ...opts(), timeoutMs: 10_000 });
    expect(first.fresh).toBe(true);
    first.release();
    const second = await pool.connect(target, { ...opts(), timeoutMs: 10_000 });
    expect(second.fresh).toBe(false);
    expect(second.client).toBe(first.client);
    second.release();
    expect(pool.size).toBe(1);
    // The connection dies (server side gone, keepalive or here: ended): the pool forgets it.
    await new Promise<void>((res) => {
      second.client.once('close', () => res());
      second.client.end();
    });
    expect(pool.size).toBe(0);
    const third = await pool.connect(target, { ...opts(), timeoutMs: 10_000 });
    expect(third.fresh).toBe(true);
    third.release();
    await pool.close();
    expect(pool.size).toBe(0);
    await expect(pool.connect(target, { ...opts(), timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'SSH_CLOSED' });
  });
});
