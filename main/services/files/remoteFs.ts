// One node's file system over one SFTP session on a connection of the files pool (never the
// terminals' pool, so a big transfer cannot starve a shell). Paths are Buffers throughout: valid
// UTF-8 paths go through SFTP; other byte strings (which ssh2 cannot encode) go through a shell
// command on the same connection.
import { PassThrough, type Readable, type Writable } from 'node:stream';
import type { Client, SFTPWrapper, Stats } from 'ssh2';
import { FILES_ERROR, filesError, remoteError } from './errors';
import { assignShell, display, utf8OrNull } from './names';

export type EntryType = 'file' | 'dir' | 'symlink' | 'other';
export interface RawEntry { name: Buffer; type: EntryType; size: number; mode: number; mtime: number }

const S_IFMT = 0o170000;
function typeOfMode(mode: number): EntryType {
  const t = mode & S_IFMT;
  return t === 0o100000 ? 'file' : t === 0o040000 ? 'dir' : t === 0o120000 ? 'symlink' : 'other';
}

function cb<T>(fn: (done: (err: Error | null | undefined, v?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v as T))));
}

/**
 * ssh2's SFTP streams close their handle after the consumer is done; if the connection goes away
 * first, that late close fails and the stream emits 'error' with nobody listening, which would
 * crash the process. Consumers attach their own listeners for the errors that matter.
 */
function lateErrorsIgnored<T extends Readable | Writable>(stream: T): T {
  stream.on('error', () => undefined);
  return stream;
}

export class RemoteFs {
  constructor(readonly node: string, private readonly client: Client, private readonly sftp: SFTPWrapper) {}

  static async open(node: string, client: Client): Promise<RemoteFs> {
    const sftp = await cb<SFTPWrapper>((done) => client.sftp(done));
    return new RemoteFs(node, client, sftp);
  }

  close(): void {
    this.sftp.end();
  }

  async lstat(p: Buffer): Promise<RawEntry> {
    const s = utf8OrNull(p);
    try {
      if (s !== null) {
        const st = await cb<Stats>((d) => this.sftp.lstat(s, d));
        return { name: Buffer.alloc(0), type: typeOfMode(st.mode), size: st.size, mode: st.mode & 0o7777, mtime: st.mtime };
      }
      const out = (await this.shell(`${assignShell('p', p)}; stat -c '%f %s %Y' -- "$p"`, p, 'stat')).toString('latin1').trim().split(' ');
      const mode = parseInt(out[0], 16);
      return { name: Buffer.alloc(0), type: typeOfMode(mode), size: Number(out[1]), mode: mode & 0o7777, mtime: Number(out[2]) };
    } catch (error) {
      throw remoteError(this.node, display(p), 'read', error);
    }
  }

  async exists(p: Buffer): Promise<boolean> {
    try {
      await this.lstat(p);
      return true;
    } catch {
      return false;
    }
  }

  /** The folder's entries with exact name bytes. */
  async list(dir: Buffer): Promise<RawEntry[]> {
    const s = utf8OrNull(dir);
    if (s !== null) {
      let names;
      try {
        names = await cb<{ filename: string; attrs: Stats }[]>((d) => this.sftp.readdir(s, d));
      } catch (error) {
        throw await this.explain(dir, 'list', error);
      }
      // U+FFFD may stand for bytes ssh2 could not decode: then ask the node for the exact names.
      if (!names.some((n) => n.filename.includes('\ufffd'))) {
        return names.map((n) => ({ name: Buffer.from(n.filename, 'utf8'), type: typeOfMode(n.attrs.mode), size: n.attrs.size, mode: n.attrs.mode & 0o7777, mtime: n.attrs.mtime }));
      }
    }
    const out = await this.shell(`${assignShell('p', dir)}; find "$p" -mindepth 1 -maxdepth 1 -printf '%y %s %T@ %m %f\\0'`, dir, 'list');
    const entries: RawEntry[] = [];
    for (let start = 0; start < out.length;) {
      const end = out.indexOf(0, start);
      const rec = out.subarray(start, end < 0 ? out.length : end);
      start = end < 0 ? out.length : end + 1;
      let idx = 0;
      const fields: string[] = [];
      for (let k = 0; k < 4; k++) {
        const sp = rec.indexOf(0x20, idx);
        fields.push(rec.subarray(idx, sp).toString('latin1'));
        idx = sp + 1;
      }
      const y = fields[0];
      entries.push({ name: Buffer.from(rec.subarray(idx)), type: y === 'f' ? 'file' : y === 'd' ? 'dir' : y === 'l' ? 'symlink' : 'other', size: Number(fields[1]), mode: parseInt(fields[3], 8), mtime: Math.floor(Number(fields[2])) });
    }
    return entries;
  }

  async mkdir(p: Buffer): Promise<void> {
    const s = utf8OrNull(p);
    try {
      if (s !== null) await cb<void>((d) => this.sftp.mkdir(s, d));
      else await this.shell(`${assignShell('p', p)}; mkdir -- "$p"`, p, 'create folder');
    } catch (error) {
      throw await this.explain(p, 'create folder', error);
    }
  }

  async unlink(p: Buffer): Promise<void> {
    const s = utf8OrNull(p);
    try {
      if (s !== null) await cb<void>((d) => this.sftp.unlink(s, d));
      else await this.shell(`${assignShell('p', p)}; rm -f -- "$p"`, p, 'delete');
    } catch (error) {
      throw await this.explain(p, 'delete', error);
    }
  }

  /** Removes an empty folder (refused by the node when it is not empty). */
  async rmdir(p: Buffer): Promise<void> {
    const s = utf8OrNull(p);
    try {
      if (s !== null) await cb<void>((d) => this.sftp.rmdir(s, d));
      else await this.shell(`${assignShell('p', p)}; rmdir -- "$p"`, p, 'delete');
    } catch (error) {
      throw await this.explain(p, 'delete', error);
    }
  }

  /** Removes a folder and everything in it. */
  async removeTree(p: Buffer): Promise<void> {
    await this.shell(`${assignShell('p', p)}; rm -rf -- "$p"`, p, 'delete');
  }

  /** Renames; `overwrite` replaces an existing file atomically (posix-rename). */
  async rename(from: Buffer, to: Buffer, overwrite: boolean): Promise<void> {
    if (!overwrite && (await this.exists(to))) throw remoteError(this.node, display(to), 'rename to', null, 'exists');
    const a = utf8OrNull(from);
    const b = utf8OrNull(to);
    try {
      if (a !== null && b !== null) await cb<void>((d) => this.sftp.ext_openssh_rename(a, b, d));
      else await this.shell(`${assignShell('a', from)}; ${assignShell('b', to)}; mv -f -T -- "$a" "$b"`, from, 'rename');
    } catch (error) {
      throw await this.explain(from, 'rename', error);
    }
  }

  readStream(p: Buffer): Readable {
    const s = utf8OrNull(p);
    if (s !== null) return lateErrorsIgnored(this.sftp.createReadStream(s));
    return this.shellStream(`${assignShell('p', p)}; exec cat -- "$p"`, p, 'read').stdout;
  }

  /** A stream that creates (or truncates) the file; 'close' or 'error' tells how it ended. */
  writeStream(p: Buffer): Writable {
    const s = utf8OrNull(p);
    if (s !== null) return lateErrorsIgnored(this.sftp.createWriteStream(s, { flags: 'w', mode: 0o644 }));
    return this.shellStream(`${assignShell('p', p)}; exec cat > "$p"`, p, 'write').stdin;
  }

  /**
   * Turns SFTP's generic "Failure" into the real reason by looking at the file system: read-only,
   * full, the name taken, or a file where a folder was expected.
   */
  async explain(p: Buffer, op: string, error: unknown): Promise<Error> {
    const code = (error as { code?: unknown })?.code;
    if (code === 4 || code === 'FAILURE') {
      const s = utf8OrNull(p);
      const parent = s !== null ? s.replace(/\/[^/]*\/?$/, '') || '/' : null;
      if (parent !== null) {
        try {
          const v = await cb<{ f_flag: number; f_bavail: number; f_bfree: number }>((d) => this.sftp.ext_openssh_statvfs(parent, d));
          if (Number(v.f_flag) & 1) return remoteError(this.node, display(p), op, error, 'read-only');
          if (Number(v.f_bfree) === 0 || Number(v.f_bavail) === 0) return remoteError(this.node, display(p), op, error, 'no-space');
        } catch (statError) {
          if ((statError as { code?: unknown }).code === 2) return remoteError(this.node, display(p), op, error, 'not-dir');
        }
        if (op === 'create folder' && (await this.exists(p))) return remoteError(this.node, display(p), op, error, 'exists');
        try {
          const st = await cb<Stats>((d) => this.sftp.stat(parent, d));
          if (!st.isDirectory()) return remoteError(this.node, display(p), op, error, 'not-dir');
        } catch {
          // fall through to the generic message
        }
      }
    }
    return remoteError(this.node, display(p), op, error);
  }

  /** Runs a shell command, collecting stdout bytes; a non-zero exit becomes an error from stderr. */
  async shell(command: string, p: Buffer, op: string): Promise<Buffer> {
    const { stdout, done } = this.shellStream(command, p, op);
    const chunks: Buffer[] = [];
    stdout.on('data', (b: Buffer) => chunks.push(b));
    await done;
    return Buffer.concat(chunks);
  }

  private shellStream(command: string, p: Buffer, op: string): { stdout: Readable; stdin: Writable; done: Promise<void> } {
    const stdout = new PassThrough();
    const stdin = new PassThrough();
    const done = new Promise<void>((resolve, reject) => {
      this.client.exec(command, (err, ch) => {
        if (err) {
          const e = filesError(FILES_ERROR.FAILED, `Cannot ${op} ${this.node}:${display(p)}: the node refused a command channel (${err.message}).`, { node: this.node, path: display(p), op, reason: `the node refused a command channel (${err.message})` });
          stdout.destroy(e);
          stdin.destroy(e);
          return reject(e);
        }
        let stderr = '';
        let exit: number | null = null;
        ch.stderr.on('data', (b: Buffer) => { stderr += b.toString('utf8'); });
        ch.on('exit', (code: number | null) => { exit = code; });
        ch.pipe(stdout, { end: false });
        stdin.pipe(ch);
        ch.on('close', () => {
          if (exit === 0) {
            stdout.end();
            stdin.emit('close');
            return resolve();
          }
          const e = shellFailure(this.node, display(p), op, stderr);
          stdout.destroy(e);
          stdin.destroy(e);
          reject(e);
        });
      });
    });
    done.catch(() => undefined);
    return { stdout, stdin, done };
  }
}

function shellFailure(node: string, path: string, op: string, stderr: string): Error {
  const why = /Permission denied|Operation not permitted/i.test(stderr) ? { code: 'EACCES' }
    : /No such file/i.test(stderr) ? { code: 'ENOENT' }
      : null;
  if (why) return remoteError(node, path, op, why);
  if (/Read-only file system/i.test(stderr)) return remoteError(node, path, op, null, 'read-only');
  if (/No space left/i.test(stderr)) return remoteError(node, path, op, null, 'no-space');
  if (/Not a directory/i.test(stderr)) return remoteError(node, path, op, null, 'not-dir');
  if (/File exists/i.test(stderr)) return remoteError(node, path, op, null, 'exists');
  return remoteError(node, path, op, { message: stderr.trim().split('\n').pop() || 'the command failed' });
}
