// Terminals against real lab sshds: first contact with an unknown host key (refused before any
// login, accepted through hostkeys.accept only with the fingerprint the user saw), a changed key
// (refused, both fingerprints named), a session whose sshd child is killed (the stream ends,
// a new one opens on a fresh connection), and closing a terminal ends the program running in it.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSshd, type SshServer } from '../../../main/lab';
import { createApp, type App } from '../../../main/app';
import { appRouter } from '../../../shared/contract/router';
import type { StreamEvent } from '../../../shared/contract/schemas/streams';
import { AppError } from '../../../shared/errors';
import { cli, csv } from '../../support/cli';
import { tempDir } from '../../support/tmp';

const actor = { user: 'tester', via: 'cli' as const };

async function errorOf(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (error) {
    if (AppError.is(error)) return error;
    const cause = (error as { cause?: unknown }).cause;
    if (AppError.is(cause)) return cause;
    throw error;
  }
  throw new Error('expected an error');
}

/** Opens a terminal, runs `command`, and returns the iterator and id once `expect` shows up. */
async function openAndRun(app: App, node: string, command: string, until: RegExp) {
  const it = app.services.streams.open(actor, { kind: 'ssh', target: node, cols: 80, rows: 24 })[Symbol.asyncIterator]();
  let id = '';
  let screen = '';
  for (;;) {
    const { value, done } = await it.next();
    if (done) throw new Error(`terminal closed early: ${screen}`);
    const e = value as StreamEvent;
    if (e.type === 'opened') { id = e.id; app.services.streams.write(id, Buffer.from(command + '\n').toString('base64')); continue; }
    if (e.type === 'exit') throw new Error(`terminal exited: ${e.reason}`);
    const bytes = Buffer.from(e.data, 'base64');
    app.services.streams.ack(id, bytes.length);
    screen += bytes.toString('utf8');
    if (until.test(screen)) return { it, id, screen };
  }
}

describe('terminals: host key first contact, changed keys, dropped sessions', () => {
  const t = tempDir();
  const data = path.join(t.dir, 'data');
  const home = path.join(t.dir, 'home');
  let a: SshServer;
  let b: SshServer;
  let c: SshServer;
  let app: App;
  let api: ReturnType<typeof appRouter.createCaller>;
  const oldHome = process.env.HOME;

  beforeAll(async () => {
    fs.mkdirSync(path.join(home, '.ssh'), { recursive: true });
    a = await startSshd({ stateDir: path.join(t.dir, 'lab'), name: 'a' });
    b = await startSshd({ stateDir: path.join(t.dir, 'lab'), name: 'b' });
    c = await startSshd({ stateDir: path.join(t.dir, 'lab'), name: 'c' });
    // b's endpoint is "known" with a's key: b presents a changed key.
    fs.writeFileSync(path.join(home, '.ssh', 'known_hosts'), `[127.0.0.1]:${b.port} ${a.hostPublicKey}\n`);
    const run = (args: string[], input?: string) => cli(data, args, { env: { HOME: home, SSH_AUTH_SOCK: '' }, input });
    expect(run(['creds', 'add', 'lab-key', '--kind', 'ssh_key', '--user', a.user], fs.readFileSync(a.privateKeyPath, 'utf8')).code).toBe(0);
    const file = path.join(t.dir, 'nodes.csv');
    fs.writeFileSync(file, csv(['name,hostname,ssh_host,ssh_port,ssh_user,ssh_credential,ssh_jump_host',
      `node001,127.0.0.1,127.0.0.1,${a.port},${a.user},lab-key,`, `node002,127.0.0.1,127.0.0.1,${b.port},${a.user},lab-key,`,
      `node003,127.0.0.1,127.0.0.1,${c.port},${a.user},lab-key,node001`]));
    expect(run(['nodes', 'import', file]).code).toBe(0);
    process.env.HOME = home; // the store reads ~/.ssh/known_hosts of this HOME
    app = createApp({ dataDir: data, passphrase: 'test-passphrase' });
    api = appRouter.createCaller({ services: app.services, actor });
  }, 60_000);

  afterAll(async () => {
    process.env.HOME = oldHome;
    await app?.shutdown();
    await a?.stop();
    await b?.stop();
    await c?.stop();
    t.cleanup();
  });

  it('refuses an unknown key before any login and reports its type and SHA256 fingerprint', async () => {
    const err = await errorOf(app.services.streams.open(actor, { kind: 'ssh', target: 'node001', cols: 80, rows: 24 })[Symbol.asyncIterator]().next());
    expect(err.code).toBe('SSH_HOSTKEY_UNKNOWN');
    expect(err.params).toMatchObject({ host: '127.0.0.1', port: a.port, keyType: 'ssh-ed25519', fingerprint: a.hostKeyFingerprint });
    expect(fs.readFileSync(a.log, 'utf8')).not.toMatch(/Accepted publickey|Failed publickey|Invalid user/);
    expect(await api.hostkeys.list({})).toEqual([]);
  });

  it('stores nothing when the fingerprint accepted is not the one presented, or the endpoint is not the node\'s', async () => {
    const wrong = 'SHA256:' + 'A'.repeat(43);
    const mismatch = await errorOf(api.hostkeys.accept({ target: 'node001', host: '127.0.0.1', port: a.port, fingerprint: wrong }));
    expect(mismatch.code).toBe('HOSTKEY_ACCEPT_MISMATCH');
    expect(mismatch.message).toContain(a.hostKeyFingerprint);
    expect(mismatch.message).toContain(wrong);
    const elsewhere = await errorOf(api.hostkeys.accept({ target: 'node001', host: '127.0.0.1', port: b.port, fingerprint: b.hostKeyFingerprint }));
    expect(elsewhere.code).toBe('HOSTKEY_ACCEPT_NOT_IN_CHAIN');
    const notNode = await errorOf(api.hostkeys.accept({ target: 'node00[1-2]', host: '127.0.0.1', port: a.port, fingerprint: a.hostKeyFingerprint }));
    expect(notNode.code).toBe('HOSTKEY_ACCEPT_TARGET');
    await expect(api.hostkeys.accept({ target: 'node001', host: '127.0.0.1', port: a.port, fingerprint: 'MD5:aa:bb' })).rejects.toThrow(/SHA256 fingerprint as ssh-keygen -l prints it/);
    expect(await api.hostkeys.list({})).toEqual([]);
  });

  it('accepts the key the user saw, then the terminal opens and logs in', async () => {
    const r = await api.hostkeys.accept({ target: 'node001', host: '127.0.0.1', port: a.port, fingerprint: a.hostKeyFingerprint });
    expect(r).toEqual({ host: '127.0.0.1', port: a.port, keyType: 'ssh-ed25519', fingerprint: a.hostKeyFingerprint, status: 'new' });
    const list = await api.hostkeys.list({});
    expect(list.map((k) => [k.port, k.fingerprint, k.nodes])).toEqual([[a.port, a.hostKeyFingerprint, 'node001']]);
    expect((await api.hostkeys.accept({ target: 'node001', host: '127.0.0.1', port: a.port, fingerprint: a.hostKeyFingerprint })).status).toBe('known');
    const { it: term, id } = await openAndRun(app, 'node001', 'echo first-$((20+22))', /first-42/);
    app.services.streams.close(id);
    await term.return?.(undefined);
    expect(fs.readFileSync(a.log, 'utf8')).toMatch(/Accepted publickey/);
  });

  it('scans and accepts a key behind a trusted jump host, reaching it through the jump', async () => {
    const [scanned] = await api.hostkeys.scan({ nodeset: 'node003', fanout: 4, connectTimeoutS: 10 });
    expect(scanned).toMatchObject({ port: c.port, status: 'new', fingerprint: c.hostKeyFingerprint, nodes: 'node003' });
    const r = await api.hostkeys.accept({ target: 'node003', host: '127.0.0.1', port: c.port, fingerprint: c.hostKeyFingerprint });
    expect(r.status).toBe('known');
    // c was reached through a's sshd (a forward from a's login), never logged into
    expect(fs.readFileSync(c.log, 'utf8')).not.toMatch(/Accepted publickey|Failed publickey/);
    expect((await api.hostkeys.forget({ nodeset: 'node003' })).removed).toBe(1);
  });

  it('refuses a changed key, naming the host and both fingerprints, and accept will not store it', async () => {
    const err = await errorOf(app.services.streams.open(actor, { kind: 'ssh', target: 'node002', cols: 80, rows: 24 })[Symbol.asyncIterator]().next());
    expect(err.code).toBe('SSH_HOSTKEY_CHANGED');
    expect(err.message).toContain(`127.0.0.1:${b.port}`);
    expect(err.message).toContain(a.hostKeyFingerprint);
    expect(err.message).toContain(b.hostKeyFingerprint);
    const again = await errorOf(api.hostkeys.accept({ target: 'node002', host: '127.0.0.1', port: b.port, fingerprint: b.hostKeyFingerprint }));
    expect(again.code).toBe('SSH_HOSTKEY_CHANGED');
    expect((await api.hostkeys.list({})).some((k) => k.port === b.port)).toBe(false);
    expect(fs.readFileSync(b.log, 'utf8')).not.toMatch(/Accepted publickey|Failed publickey/);
  });

  it('closing a terminal (root login, where sshd will not pass signals) ends the program running in it', async () => {
    const running = () => { try { return execFileSync('pgrep', ['-f', 'sleep 31.625'], { encoding: 'utf8' }).trim(); } catch { return ''; } };
    expect(running()).toBe('');
    const { it: term, id } = await openAndRun(app, 'node001', 'sleep 31.625; echo "done-$((1+1))"', /sleep 31\.625/);
    await vi.waitFor(() => expect(running()).not.toBe(''), { timeout: 10_000 });
    app.services.streams.close(id);
    await term.return?.(undefined);
    // The channel's close hangs up the pty: the shell and its foreground job get SIGHUP.
    await vi.waitFor(() => expect(running()).toBe(''), { timeout: 10_000 });
  });

  it('ends the stream when the session\'s sshd process is killed, and a new stream reconnects', async () => {
    const { it: term, id } = await openAndRun(app, 'node001', 'echo pid-$PPID', /pid-\d+/);
    app.services.streams.write(id, Buffer.from('kill -9 $PPID\n').toString('base64'));
    let exit: StreamEvent | null = null;
    for (;;) {
      const { value, done } = await term.next();
      if (done) break;
      if (value.type === 'data') app.services.streams.ack(id, Buffer.from(value.data, 'base64').length);
      if (value.type === 'exit') { exit = value; break; }
    }
    expect(exit?.type).toBe('exit');
    const again = await openAndRun(app, 'node001', 'echo back-$((1+1))', /back-2/);
    expect(again.screen).toMatch(/back-2/);
    app.services.streams.close(again.id);
    await again.it.return?.(undefined);
  });
});
