// The Files service over SFTP against a lab sshd (key auth). The lab sshd runs as this machine's
// user (root here), so the "remote" side is a temp folder on this machine and results are
// checked on disk.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../support/tmp';
import type { TransferEvent } from '../../../shared/contract/schemas/files';
import { labApp, type LabApp } from './setup';

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (error) {
    const e = error as { cause?: { code?: string; message?: string }; code?: string; message: string };
    const app = (e.cause && typeof e.cause.code === 'string' ? e.cause : e) as { code: string; message: string };
    return { code: app.code, message: app.message };
  }
  throw new Error('expected a failure');
}

async function collect(events: AsyncIterable<TransferEvent>): Promise<TransferEvent[]> {
  const out: TransferEvent[] = [];
  for await (const ev of events) out.push(ev);
  return out;
}

function tryMount(dir: string, opts: string): boolean {
  try {
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('Files over SFTP (lab sshd)', () => {
  const t = tempDir('cd-files-');
  const remote = path.join(t.dir, 'remote');
  const local = path.join(t.dir, 'local');
  const mounts: string[] = [];
  let lab: LabApp;

  beforeAll(async () => {
    fs.mkdirSync(remote);
    fs.mkdirSync(local);
    lab = await labApp(t.dir);
  }, 60_000);
  afterAll(async () => {
    for (const m of mounts) { try { execFileSync('umount', [m]); } catch { /* already gone */ } }
    await lab?.close();
    t.cleanup();
  });

  it('uploads a folder tree with progress, lists it and verifies it on disk', async () => {
    const tree = path.join(local, 'project');
    fs.mkdirSync(path.join(tree, 'src', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'README.md'), '# hello\n');
    fs.writeFileSync(path.join(tree, 'src', 'main.py'), 'print(42)\n');
    fs.writeFileSync(path.join(tree, 'src', 'deep', 'data.bin'), Buffer.alloc(3 * 1024 * 1024, 7));
    fs.mkdirSync(path.join(tree, 'empty'));
    const events = await collect(await lab.api.files.upload({ node: 'node001', localPath: tree, remoteDir: remote }));
    expect(events[0]).toMatchObject({ type: 'started', filesTotal: 3, bytesTotal: 3 * 1024 * 1024 + 18 });
    expect(events.filter((e) => e.type === 'progress').length).toBeGreaterThan(3);
    const done = events.at(-1)!;
    expect(done).toMatchObject({ type: 'done', target: path.join(remote, 'project'), progress: { filesDone: 3, bytesDone: 3 * 1024 * 1024 + 18 } });
    expect(fs.readFileSync(path.join(remote, 'project', 'src', 'main.py'), 'utf8')).toBe('print(42)\n');
    expect(fs.readFileSync(path.join(remote, 'project', 'src', 'deep', 'data.bin')).equals(Buffer.alloc(3 * 1024 * 1024, 7))).toBe(true);
    expect(fs.statSync(path.join(remote, 'project', 'empty')).isDirectory()).toBe(true);
    const listing = await lab.api.files.list({ node: 'node001', path: path.join(remote, 'project') });
    expect(listing.entries.map((e) => [e.name, e.type])).toEqual([['empty', 'dir'], ['src', 'dir'], ['README.md', 'file']]);
    expect(fs.readdirSync(path.join(remote, 'project', 'src', 'deep'))).toEqual(['data.bin']); // no temp names left
    // Uploading again without overwrite is refused, naming the path.
    const again = await failure(collect(await lab.api.files.upload({ node: 'node001', localPath: tree, remoteDir: remote })));
    expect(again).toMatchObject({ code: 'FILES_EXISTS' });
    expect(again.message).toContain(`${path.join(remote, 'project')} already exists`);
  });

  it('cancels a large upload mid-way and leaves no file under the final name nor a temp file', async () => {
    const big = path.join(local, 'big.bin');
    fs.writeFileSync(big, Buffer.alloc(200 * 1024 * 1024, 1));
    const ctrl = new AbortController();
    const api = (await import('../../../shared/contract/router')).appRouter.createCaller({ services: lab.app.services, actor: { user: 'tester', via: 'cli' } }, { signal: ctrl.signal });
    const dest = path.join(remote, 'cancel');
    fs.mkdirSync(dest);
    let progressSeen = 0;
    const err = await failure((async () => {
      for await (const ev of await api.files.upload({ node: 'node001', localPath: big, remoteDir: dest })) {
        if (ev.type === 'progress' && ++progressSeen === 3) ctrl.abort();
      }
    })());
    expect(progressSeen).toBeGreaterThanOrEqual(3);
    expect(err.code).toMatch(/CANCELLED|ABORT/i);
    expect(fs.readdirSync(dest)).toEqual([]);
    const audit = lab.app.db.prepare(`SELECT result FROM audit_log WHERE module = 'files' AND action = 'upload' ORDER BY id DESC LIMIT 1`).get() as { result: string };
    expect(audit.result).toBe('cancelled');
  });

  it('leaves no temp file when the consumer stops reading mid-transfer (upload and download)', async () => {
    const big = path.join(local, 'big3.bin');
    fs.writeFileSync(big, Buffer.alloc(100 * 1024 * 1024, 3));
    const dest = path.join(remote, 'abandon');
    fs.mkdirSync(dest);
    let seen = 0;
    for await (const ev of await lab.api.files.upload({ node: 'node001', localPath: big, remoteDir: dest })) if (ev.type === 'progress' && ++seen === 2) break;
    expect(seen).toBe(2);
    await expect.poll(() => fs.readdirSync(dest)).toEqual([]);
    fs.copyFileSync(big, path.join(dest, 'big3.bin'));
    const out = path.join(local, 'abandon-out');
    fs.mkdirSync(out);
    seen = 0;
    for await (const ev of await lab.api.files.download({ node: 'node001', path: path.join(dest, 'big3.bin'), localDir: out })) if (ev.type === 'progress' && ++seen === 2) break;
    await expect.poll(() => fs.readdirSync(out)).toEqual([]);
    const audit = lab.app.db.prepare(`SELECT action, result FROM audit_log WHERE module = 'files' ORDER BY id DESC LIMIT 2`).all();
    expect(audit).toEqual([{ action: 'download', result: 'cancelled' }, { action: 'upload', result: 'cancelled' }]);
  });

  it('a terminal on the same node keeps answering during a large upload', async () => {
    const big = path.join(local, 'big2.bin');
    fs.writeFileSync(big, Buffer.alloc(100 * 1024 * 1024, 2));
    const dest = path.join(remote, 'during');
    fs.mkdirSync(dest);
    const upload = (await lab.api.files.upload({ node: 'node001', localPath: big, remoteDir: dest }))[Symbol.asyncIterator]();
    // Start typing once bytes are moving.
    for (;;) { const r = await upload.next(); if (r.done || r.value.type === 'progress') break; }
    const streams = lab.app.services.streams;
    const term = streams.open({ user: 'tester', via: 'cli' }, { kind: 'ssh', target: 'node001', cols: 80, rows: 24 })[Symbol.asyncIterator]();
    let id = '';
    let screen = '';
    const echoes: string[] = [];
    const type = (i: number) => streams.write(id, Buffer.from(`echo ali""ve-${i}\n`).toString('base64'));
    while (echoes.length < 5) {
      const { value, done } = await term.next();
      if (done) throw new Error('terminal closed');
      if (value.type === 'opened') { id = value.id; type(0); continue; }
      if (value.type !== 'data') continue;
      const bytes = Buffer.from(value.data, 'base64');
      streams.ack(id, bytes.length);
      screen += bytes.toString('utf8');
      if (screen.includes(`alive-${echoes.length}`)) { echoes.push(`alive-${echoes.length}`); screen = ''; if (echoes.length < 5) type(echoes.length); }
    }
    const rest: TransferEvent[] = [];
    for (;;) { const r = await upload.next(); if (r.done) break; rest.push(r.value); }
    const done = rest.at(-1)!;
    streams.close(id);
    expect(echoes).toHaveLength(5);
    expect(done.type).toBe('done');
    expect(fs.statSync(path.join(dest, 'big2.bin')).size).toBe(100 * 1024 * 1024);
  });

  it('lists and downloads names with a newline and with invalid UTF-8, and renames and deletes them', async () => {
    const dir = path.join(remote, 'odd');
    fs.mkdirSync(dir);
    const nl = Buffer.from('two\nlines.txt');
    const bad = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9, 0xff]), Buffer.from('.txt')]);
    fs.writeFileSync(Buffer.concat([Buffer.from(dir + '/'), nl]), 'newline content\n');
    fs.writeFileSync(Buffer.concat([Buffer.from(dir + '/'), bad]), 'latin1 content\n');
    const listing = await lab.api.files.list({ node: 'node001', path: dir });
    const byB64 = new Map(listing.entries.map((e) => [e.nameB64, e]));
    expect(byB64.get(nl.toString('base64'))).toMatchObject({ name: 'two\\nlines.txt', escaped: true, type: 'file', size: 16 });
    expect(byB64.get(bad.toString('base64'))).toMatchObject({ name: 'caf\\xe9\\xff.txt', escaped: true, type: 'file', size: 15 });
    const out = path.join(local, 'odd-out');
    fs.mkdirSync(out);
    for (const e of listing.entries) {
      const ev = await collect(await lab.api.files.download({ node: 'node001', path: e.path, pathB64: e.pathB64, localDir: out }));
      expect(ev.at(-1)!.type).toBe('done');
    }
    expect(fs.readFileSync(Buffer.concat([Buffer.from(out + '/'), nl]), 'utf8')).toBe('newline content\n');
    expect(fs.readFileSync(Buffer.concat([Buffer.from(out + '/'), bad]), 'utf8')).toBe('latin1 content\n');
    // The whole folder, too.
    const all = await collect(await lab.api.files.download({ node: 'node001', path: dir, localDir: out }));
    expect(all.at(-1)).toMatchObject({ type: 'done', progress: { filesDone: 2 } });
    expect(fs.readdirSync(path.join(out, 'odd'), { encoding: 'buffer' }).map((b) => b.toString('base64')).sort()).toEqual([nl, bad].map((b) => b.toString('base64')).sort());
    const badEntry = byB64.get(bad.toString('base64'))!;
    expect(await lab.api.files.rename({ node: 'node001', path: badEntry.path, pathB64: badEntry.pathB64, to: 'fixed.txt' })).toEqual({ path: path.join(dir, 'fixed.txt') });
    const nlEntry = byB64.get(nl.toString('base64'))!;
    await lab.api.files.remove({ node: 'node001', path: nlEntry.path, pathB64: nlEntry.pathB64 });
    expect(fs.readdirSync(dir)).toEqual(['fixed.txt']);
    // And the other way: a local folder whose names are not UTF-8 arrives byte for byte.
    const src = path.join(local, 'odd-src');
    fs.mkdirSync(src);
    fs.writeFileSync(Buffer.concat([Buffer.from(src + '/'), bad]), 'up latin1\n');
    fs.writeFileSync(Buffer.concat([Buffer.from(src + '/'), nl]), 'up newline\n');
    const up = await collect(await lab.api.files.upload({ node: 'node001', localPath: src, remoteDir: dir }));
    expect(up.at(-1)).toMatchObject({ type: 'done', progress: { filesDone: 2 } });
    expect(fs.readFileSync(Buffer.concat([Buffer.from(path.join(dir, 'odd-src') + '/'), bad]), 'utf8')).toBe('up latin1\n');
    expect(fs.readFileSync(Buffer.concat([Buffer.from(path.join(dir, 'odd-src') + '/'), nl]), 'utf8')).toBe('up newline\n');
    expect(fs.readdirSync(path.join(dir, 'odd-src'))).toHaveLength(2);
  });

  it('mkdir, rename, read and write small text, delete with the recursive flag only', async () => {
    const base = path.join(remote, 'ops');
    await lab.api.files.mkdir({ node: 'node001', path: path.join(base, 'a', 'b'), parents: true });
    expect(fs.statSync(path.join(base, 'a', 'b')).isDirectory()).toBe(true);
    await lab.api.files.writeText({ node: 'node001', path: path.join(base, 'a', 'note.txt'), text: 'héllo\n' });
    expect(fs.readFileSync(path.join(base, 'a', 'note.txt'), 'utf8')).toBe('héllo\n');
    expect(await lab.api.files.readText({ node: 'node001', path: path.join(base, 'a', 'note.txt') })).toMatchObject({ text: 'héllo\n', size: 7 });
    await lab.api.files.rename({ node: 'node001', path: path.join(base, 'a', 'note.txt'), to: 'renamed.txt' });
    expect(fs.existsSync(path.join(base, 'a', 'renamed.txt'))).toBe(true);
    fs.writeFileSync(path.join(base, 'big.txt'), Buffer.alloc(2 * 1024 * 1024, 97));
    const tooBig = await failure(lab.api.files.readText({ node: 'node001', path: path.join(base, 'big.txt') }));
    expect(tooBig.code).toBe('FILES_TOO_LARGE');
    expect(tooBig.message).toContain('1 MiB');
    const notEmpty = await failure(lab.api.files.remove({ node: 'node001', path: path.join(base, 'a') }));
    expect(notEmpty.code).toBe('FILES_FOLDER_NOT_EMPTY');
    await lab.api.files.remove({ node: 'node001', path: path.join(base, 'a', 'b') }); // empty: no flag needed
    expect(fs.existsSync(path.join(base, 'a', 'b'))).toBe(false);
    await lab.api.files.remove({ node: 'node001', path: path.join(base, 'a'), recursive: true });
    expect(fs.existsSync(path.join(base, 'a'))).toBe(false);
    const audit = lab.app.db.prepare(`SELECT action, result FROM audit_log WHERE module = 'files' ORDER BY id`).all() as { action: string; result: string }[];
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['mkdir', 'write', 'rename', 'delete']));
  });

  it('says which path and why: missing, a file where a folder is expected, /proc, read-only and full file systems', async () => {
    const missing = await failure(lab.api.files.list({ node: 'node001', path: path.join(remote, 'nope') }));
    expect(missing).toMatchObject({ code: 'FILES_NOT_FOUND' });
    expect(missing.message).toContain(`node001:${path.join(remote, 'nope')}`);
    fs.writeFileSync(path.join(remote, 'plain'), 'x');
    const small = path.join(local, 'small.txt');
    fs.writeFileSync(small, 'small\n');
    const notDir = await failure(collect(await lab.api.files.upload({ node: 'node001', localPath: small, remoteDir: path.join(remote, 'plain') })));
    expect(notDir.code).toBe('FILES_NOT_A_FOLDER');
    expect(notDir.message).toContain(path.join(remote, 'plain'));
    // sysfs refuses new files even to root: EACCES, reported on the name the user chose.
    const sys = await failure(collect(await lab.api.files.upload({ node: 'node001', localPath: small, remoteDir: '/sys' })));
    expect(sys).toMatchObject({ code: 'FILES_PERMISSION_DENIED' });
    expect(sys.message).toContain('permission denied on /sys/small.txt');
    const proc = await failure(lab.api.files.mkdir({ node: 'node001', path: '/proc/clusterdeck-test' }));
    expect(proc.message).toContain('/proc/clusterdeck-test');
    expect(proc.code).toMatch(/FILES_(NOT_FOUND|PERMISSION_DENIED|FAILED)/);

    const ro = path.join(t.dir, 'ro');
    if (tryMount(ro, 'ro,size=1m')) {
      mounts.push(ro);
      const e = await failure(collect(await lab.api.files.upload({ node: 'node001', localPath: small, remoteDir: ro })));
      expect(e.code).toBe('FILES_READ_ONLY');
      expect(e.message).toContain(`${ro}/small.txt is on a read-only file system`);
    }
    const full = path.join(t.dir, 'full');
    if (tryMount(full, 'size=256k')) {
      mounts.push(full);
      const big = path.join(local, 'toobig.bin');
      fs.writeFileSync(big, Buffer.alloc(2 * 1024 * 1024, 3));
      const e = await failure(collect(await lab.api.files.upload({ node: 'node001', localPath: big, remoteDir: full })));
      expect(e.code).toBe('FILES_NO_SPACE');
      expect(e.message).toContain(`no space left on the device holding ${full}/toobig.bin`);
      expect(fs.readdirSync(full)).toEqual([]);
    }
    // The node's other operations still work after these failures.
    expect((await lab.api.files.list({ node: 'node001', path: remote })).entries.length).toBeGreaterThan(0);
    const noSsh = await failure(lab.api.files.list({ node: 'nossh1', path: '/' }));
    expect(noSsh.message).toContain('nossh1 has no SSH endpoint');
  });
});
