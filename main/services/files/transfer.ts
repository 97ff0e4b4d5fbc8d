// Uploads and downloads of files and whole folders, as async generators of progress. Every file
// is written under a temporary name in its final folder and renamed at the end, so a cancelled or
// failed transfer never leaves a half file under the real name. Names are bytes on both sides.
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import type { TransferProgress } from '../../../shared/contract/schemas/files';
import type { CancelSignal } from '../../../shared/contract/signal';
import { FILES_ERROR, cancelled, filesError, localError, remoteError } from './errors';
import { baseBytes, display, joinBytes } from './names';
import type { RemoteFs } from './remoteFs';

/** A progress event at least every this many bytes (and after every file). */
const PROGRESS_EVERY = 256 * 1024;
const MAX_ENTRIES = 200_000;

export interface PlanItem { rel: Buffer[]; dir: boolean; size: number }

const tempName = (): Buffer => Buffer.from(`.clusterdeck-part-${randomBytes(6).toString('hex')}`);
const bufPath = (root: Buffer, rel: Buffer[]): Buffer => rel.reduce((acc, n) => joinBytes(acc, n), root);

/** The local file or folder as a list (folders first, parents before children). */
export function planLocal(root: Buffer): PlanItem[] {
  const items: PlanItem[] = [];
  const visit = (rel: Buffer[]): void => {
    const full = bufPath(root, rel);
    let st: fs.Stats;
    try {
      st = fs.statSync(full);
    } catch (error) {
      throw localError(display(full), 'read', error);
    }
    if (items.length >= MAX_ENTRIES) throw filesError(FILES_ERROR.TOO_LARGE, `${display(root)} holds more than ${MAX_ENTRIES} files and folders; transfer it in parts.`, { path: display(root) });
    if (st.isDirectory()) {
      items.push({ rel, dir: true, size: 0 });
      let names: Buffer[];
      try {
        names = fs.readdirSync(full, { encoding: 'buffer' });
      } catch (error) {
        throw localError(display(full), 'list', error);
      }
      for (const n of names.sort(Buffer.compare)) visit([...rel, n]);
    } else if (st.isFile()) items.push({ rel, dir: false, size: st.size });
  };
  visit([]);
  return items;
}

/** The remote file or folder as a list. */
export async function planRemote(rfs: RemoteFs, root: Buffer, signal?: CancelSignal): Promise<PlanItem[]> {
  const items: PlanItem[] = [];
  const top = await rfs.lstat(root);
  if (top.type === 'file') return [{ rel: [], dir: false, size: top.size }];
  if (top.type !== 'dir') throw filesError(FILES_ERROR.FAILED, `${rfs.node}:${display(root)} is neither a file nor a folder.`, { node: rfs.node, path: display(root), op: 'download', reason: 'neither a file nor a folder' });
  const visit = async (rel: Buffer[]): Promise<void> => {
    if (signal?.aborted) throw cancelled(`Download of ${display(root)}`);
    items.push({ rel, dir: true, size: 0 });
    const entries = await rfs.list(bufPath(root, rel));
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    for (const e of entries) {
      if (items.length >= MAX_ENTRIES) throw filesError(FILES_ERROR.TOO_LARGE, `${display(root)} holds more than ${MAX_ENTRIES} entries; transfer it in parts.`, { path: display(root) });
      if (e.type === 'dir') await visit([...rel, e.name]);
      else if (e.type === 'file') items.push({ rel: [...rel, e.name], dir: false, size: e.size });
    }
  };
  await visit([]);
  return items;
}

/** Copies one stream into another, reporting bytes; aborting `signal` destroys both. */
async function* pump(src: Readable, dst: Writable, signal: CancelSignal | undefined, what: string): AsyncGenerator<number> {
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const fail = (e: Error): void => { failure ??= e; wake?.(); };
  const onAbort = (): void => fail(cancelled(what));
  dst.on('error', fail);
  src.on('error', fail);
  signal?.addEventListener('abort', onAbort);
  let ending = false;
  // ssh2's write stream closes itself on a failed write without emitting 'error': a close before
  // we ended is SFTP's generic failure (the caller asks the file system why).
  dst.once('close', () => { if (!ending) fail(Object.assign(new Error('Failure'), { code: 4 })); });
  const closed = new Promise<void>((resolve) => {
    dst.once('close', resolve);
    dst.once('finish', () => setImmediate(resolve));
  });
  // Resolves on `p` or on the first failure, whichever comes first (also one that came before).
  const waitFor = (p: Promise<unknown>): Promise<void> => new Promise<void>((resolve) => {
    if (failure) return resolve();
    wake = resolve;
    void p.then(() => resolve());
  });
  let finished = false;
  try {
    if (signal?.aborted) throw cancelled(what);
    for await (const chunk of src as AsyncIterable<Buffer>) {
      if (failure) throw failure;
      if (!dst.write(chunk)) await waitFor(new Promise((r) => dst.once('drain', r)));
      if (failure) throw failure;
      yield chunk.length;
    }
    if (failure) throw failure;
    ending = true;
    dst.end();
    await waitFor(closed);
    if (failure) throw failure;
    finished = true;
  } catch (error) {
    throw failure ?? error;
  } finally {
    // Also reached when the consumer stops iterating (return()), which skips catch blocks.
    signal?.removeEventListener('abort', onAbort);
    if (!finished) {
      src.destroy();
      dst.destroy();
    }
  }
}

interface Counter { progress: TransferProgress; lastSent: number }

async function* copyFile(src: Readable, dst: Writable, c: Counter, signal: CancelSignal | undefined, what: string): AsyncGenerator<TransferProgress> {
  for await (const n of pump(src, dst, signal, what)) {
    c.progress.bytesDone += n;
    if (c.progress.bytesDone - c.lastSent >= PROGRESS_EVERY) {
      c.lastSent = c.progress.bytesDone;
      yield { ...c.progress };
    }
  }
}

/** Local file or folder → remote folder `destDir`. Yields progress; returns the remote path. */
export async function* uploadTree(rfs: RemoteFs, localRoot: Buffer, destDir: Buffer, plan: PlanItem[], overwrite: boolean, signal?: CancelSignal): AsyncGenerator<TransferProgress, Buffer> {
  const dest = await rfs.lstat(destDir);
  if (dest.type !== 'dir') throw remoteError(rfs.node, display(destDir), 'upload into', null, 'not-dir');
  const top = joinBytes(destDir, baseBytes(localRoot));
  const topExists = await rfs.exists(top);
  if (topExists && !overwrite) throw remoteError(rfs.node, display(top), 'upload to', null, 'exists');
  const c: Counter = { progress: { bytesDone: 0, bytesTotal: plan.reduce((s, i) => s + i.size, 0), filesDone: 0, filesTotal: plan.filter((i) => !i.dir).length, current: display(top) }, lastSent: 0 };
  for (const item of plan) {
    const remote = bufPath(top, item.rel);
    c.progress.current = display(remote);
    if (signal?.aborted) throw cancelled(`Upload of ${display(localRoot)}`);
    if (item.dir) {
      if (!(await rfs.exists(remote))) await rfs.mkdir(remote);
      continue;
    }
    const local = bufPath(localRoot, item.rel);
    const parent = item.rel.length ? bufPath(top, item.rel.slice(0, -1)) : destDir;
    const temp = joinBytes(parent, tempName());
    const src = fs.createReadStream(local, { highWaterMark: 256 * 1024 });
    src.on('error', () => undefined);
    const dst = rfs.writeStream(temp);
    let placed = false;
    try {
      yield* copyFile(wrapLocalErrors(src, display(local)), dst, c, signal, `Upload of ${display(localRoot)}`);
      await rfs.rename(temp, remote, true);
      placed = true;
    } catch (error) {
      const explained = AppErrorLike(error) ? error : await rfs.explain(temp, 'write', error);
      throw renamed(explained, temp, remote);
    } finally {
      // Never leave the temporary file behind: not on failure, cancel, or an abandoned iteration.
      if (!placed) await rfs.unlink(temp).catch(() => undefined);
    }
    c.progress.filesDone++;
    yield { ...c.progress };
  }
  return top;
}

/** Remote file or folder → local folder `localDir`. Yields progress; returns the local path. */
export async function* downloadTree(rfs: RemoteFs, remoteRoot: Buffer, localDir: Buffer, plan: PlanItem[], overwrite: boolean, signal?: CancelSignal): AsyncGenerator<TransferProgress, Buffer> {
  try {
    if (!fs.statSync(localDir).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
  } catch (error) {
    throw localError(display(localDir), 'download into', error);
  }
  const top = joinBytes(localDir, baseBytes(remoteRoot));
  if (fs.existsSync(top) && !overwrite) throw localError(display(top), 'download to', Object.assign(new Error('exists'), { code: 'EEXIST' }));
  const c: Counter = { progress: { bytesDone: 0, bytesTotal: plan.reduce((s, i) => s + i.size, 0), filesDone: 0, filesTotal: plan.filter((i) => !i.dir).length, current: display(remoteRoot) }, lastSent: 0 };
  for (const item of plan) {
    const remote = bufPath(remoteRoot, item.rel);
    const local = bufPath(top, item.rel);
    c.progress.current = display(remote);
    if (signal?.aborted) throw cancelled(`Download of ${display(remoteRoot)}`);
    if (item.dir) {
      try {
        fs.mkdirSync(local, { recursive: true });
      } catch (error) {
        throw localError(display(local), 'create folder', error);
      }
      continue;
    }
    const parent = item.rel.length ? bufPath(top, item.rel.slice(0, -1)) : localDir;
    const temp = joinBytes(parent, tempName());
    const dst = fs.createWriteStream(temp, { mode: 0o644 });
    let placed = false;
    try {
      yield* copyFile(rfs.readStream(remote), wrapLocalWriteErrors(dst, display(local)), c, signal, `Download of ${display(remoteRoot)}`);
      fs.renameSync(temp, local);
      placed = true;
    } catch (error) {
      throw AppErrorLike(error) ? error : remoteError(rfs.node, display(remote), 'download', error);
    } finally {
      if (!placed) fs.rmSync(temp, { force: true });
    }
    c.progress.filesDone++;
    yield { ...c.progress };
  }
  return top;
}

function AppErrorLike(e: unknown): e is Error & { code: string } {
  return typeof (e as { code?: unknown })?.code === 'string' && String((e as { code: string }).code).startsWith('FILES_');
}

/** A failure on the temporary name is reported on the name the user chose. */
function renamed(error: Error, temp: Buffer, final: Buffer): Error {
  const t = display(temp);
  if (!error.message.includes(t)) return error;
  const e = error as Error & { params?: Record<string, unknown> };
  e.message = e.message.split(t).join(display(final));
  if (e.params && e.params.path === t) e.params.path = display(final);
  return e;
}

function wrapLocalErrors(src: Readable, path: string): Readable {
  const orig = src.emit.bind(src);
  src.emit = ((event: string, ...args: unknown[]) => orig(event, ...(event === 'error' ? [localError(path, 'read', args[0])] : args))) as typeof src.emit;
  return src;
}

function wrapLocalWriteErrors(dst: Writable, path: string): Writable {
  const orig = dst.emit.bind(dst);
  dst.emit = ((event: string, ...args: unknown[]) => orig(event, ...(event === 'error' ? [localError(path, 'write', args[0])] : args))) as typeof dst.emit;
  return dst;
}
