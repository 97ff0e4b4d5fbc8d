// The Files service: browse and change one node's files over SFTP, and move files and folders
// between this machine and the node. Connections come from a pool of its own (see app.ts).
import path from 'node:path';
import type { FilesService } from '../../../shared/contract/services';
import type { Actor } from '../../../shared/contract/trpc';
import type * as f from '../../../shared/contract/schemas/files';
import { MAX_TEXT_BYTES } from '../../../shared/contract/schemas/files';
import type { CancelSignal } from '../../../shared/contract/signal';
import { AppError } from '../../../shared/errors';
import type { HostKeyStore, SshPool } from '../../protocols/ssh';
import type { AuditLog } from '../audit/auditLog';
import { resolveTargets, type TargetDeps } from '../exec/targets';
import { FILES_ERROR, filesError } from './errors';
import { baseBytes, dirBytes, display, displayName, isAbsolute, isPlainName, joinBytes, pathBytes, utf8OrNull } from './names';
import { RemoteFs, type RawEntry } from './remoteFs';
import { downloadTree, planLocal, planRemote, uploadTree } from './transfer';

const CONNECT_TIMEOUT_MS = 15_000;

export interface FilesDeps extends TargetDeps {
  hostKeys: HostKeyStore;
  audit: AuditLog;
  pool: SshPool;
}

export function createFilesService(deps: FilesDeps): FilesService {
  /** Runs `fn` with an SFTP session on `node`; the connection goes back to the pool after. */
  async function withFs<T>(node: string, fn: (rfs: RemoteFs) => Promise<T>, signal?: CancelSignal): Promise<T> {
    const [resolved] = resolveTargets(deps, node);
    if (!resolved || resolved.name !== node) {
      throw filesError(FILES_ERROR.ONE_NODE, `Files work on one node at a time; "${node}" is not a single node name.`, { node });
    }
    if (!resolved.ssh) throw resolved.problem!;
    const lease = await deps.pool.connect(resolved.ssh, { hostKeys: deps.hostKeys, policy: 'ask', timeoutMs: CONNECT_TIMEOUT_MS, signal: signal as AbortSignal | undefined });
    let rfs: RemoteFs;
    try {
      rfs = await RemoteFs.open(node, lease.client);
    } catch (error) {
      lease.discard();
      throw filesError(FILES_ERROR.FAILED, `${node} refused an SFTP session: ${(error as Error).message}. Is the sftp subsystem enabled in its sshd_config?`, { node, path: '', op: 'open SFTP on', reason: (error as Error).message });
    }
    try {
      return await fn(rfs);
    } finally {
      rfs.close();
      lease.release();
    }
  }

  const entryOf = (dir: Buffer, e: RawEntry): f.FileEntry => {
    const full = joinBytes(dir, e.name);
    const shown = displayName(e.name);
    return { name: shown.text, nameB64: e.name.toString('base64'), path: display(full), pathB64: full.toString('base64'), escaped: shown.escaped, type: e.type, size: e.size, mode: e.mode, mtime: e.mtime };
  };

  const absolute = (p: Buffer, node: string): Buffer => {
    if (!isAbsolute(p)) throw filesError(FILES_ERROR.BAD_NAME, `Remote paths are absolute: "${display(p)}" on ${node} does not start with /.`, { node, path: display(p) });
    if (p.includes(0)) throw filesError(FILES_ERROR.BAD_NAME, `A path cannot hold a NUL byte ("${display(p)}").`, { node, path: display(p) });
    return p;
  };
  const refOf = (r: { node: string; path: string; pathB64?: string }): Buffer => absolute(pathBytes(r.path, r.pathB64), r.node);

  function audited<T>(actor: Actor, action: string, node: string, params: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
    const id = deps.audit.begin(actor, { module: 'files', action, targets: node, params });
    return fn().then(
      (v) => { deps.audit.complete(id, 'ok'); return v; },
      (error: unknown) => { deps.audit.complete(id, 'failed', AppError.is(error) ? `${error.code}: ${error.message}` : String(error)); throw error; },
    );
  }

  async function* transfer(actor: Actor, action: 'upload' | 'download', node: string, params: Record<string, unknown>, signal: CancelSignal | undefined,
    run: (rfs: RemoteFs, auditId: number) => AsyncGenerator<f.TransferEvent>): AsyncGenerator<f.TransferEvent> {
    const id = deps.audit.begin(actor, { module: 'files', action, targets: node, params });
    const [resolved] = resolveTargets(deps, node);
    let outcome: 'ok' | 'failed' | 'cancelled' = 'cancelled';
    let detail = '';
    try {
      if (!resolved || resolved.name !== node) throw filesError(FILES_ERROR.ONE_NODE, `Files work on one node at a time; "${node}" is not a single node name.`, { node });
      if (!resolved.ssh) throw resolved.problem!;
      const lease = await deps.pool.connect(resolved.ssh, { hostKeys: deps.hostKeys, policy: 'ask', timeoutMs: CONNECT_TIMEOUT_MS, signal: signal as AbortSignal | undefined });
      let rfs: RemoteFs | undefined;
      try {
        rfs = await RemoteFs.open(node, lease.client);
        for await (const ev of run(rfs, id)) {
          if (ev.type === 'done') { outcome = 'ok'; detail = ev.target; }
          yield ev;
        }
      } finally {
        rfs?.close();
        lease.release();
      }
    } catch (error) {
      const code = AppError.is(error) ? error.code : '';
      outcome = code === FILES_ERROR.CANCELLED || code === 'SSH_CANCELLED' || signal?.aborted ? 'cancelled' : 'failed';
      detail = AppError.is(error) ? `${error.code}: ${error.message}` : String(error);
      throw error;
    } finally {
      // Also reached when the subscriber goes away (return() on the generator): cancelled.
      deps.audit.complete(id, outcome, detail);
    }
  }

  return {
    list: (input) => withFs(input.node, async (rfs) => {
      const dir = refOf(input);
      const entries = await rfs.list(dir);
      entries.sort((a, b) => (a.type === 'dir') === (b.type === 'dir') ? Buffer.compare(a.name, b.name) : a.type === 'dir' ? -1 : 1);
      return { node: input.node, path: display(dir), pathB64: dir.toString('base64'), entries: entries.map((e) => entryOf(dirBytes(joinBytes(dir, e.name)), e)) };
    }),

    stat: (input) => withFs(input.node, async (rfs) => {
      const p = refOf(input);
      return entryOf(dirBytes(p), { ...(await rfs.lstat(p)), name: baseBytes(p) });
    }),

    mkdir: (actor, input) => audited(actor, 'mkdir', input.node, { path: input.path, parents: input.parents }, () => withFs(input.node, async (rfs) => {
      const p = refOf(input);
      if (input.parents) {
        const parts = p.toString('latin1').split('/').filter(Boolean);
        let cur: Buffer = Buffer.from('');
        for (const part of parts) {
          cur = joinBytes(cur.length ? cur : Buffer.from('/'), Buffer.from(part, 'latin1'));
          if (!(await rfs.exists(cur))) await rfs.mkdir(cur);
        }
      } else await rfs.mkdir(p);
      return { path: display(p) };
    })),

    rename: (actor, input) => audited(actor, 'rename', input.node, { path: input.path, to: input.to, overwrite: input.overwrite }, () => withFs(input.node, async (rfs) => {
      const from = refOf(input);
      const toRaw = Buffer.from(input.to, 'utf8');
      if (!isAbsolute(toRaw) && !isPlainName(toRaw)) throw filesError(FILES_ERROR.BAD_NAME, `"${input.to}" is neither an absolute path nor a plain name (no /, not . or ..).`, { node: input.node, path: input.to });
      const to = isAbsolute(toRaw) ? absolute(toRaw, input.node) : joinBytes(dirBytes(from), toRaw);
      await rfs.rename(from, to, input.overwrite);
      return { path: display(to) };
    })),

    remove: (actor, input) => audited(actor, 'delete', input.node, { path: input.path, recursive: input.recursive }, () => withFs(input.node, async (rfs) => {
      const p = refOf(input);
      if (p.toString('latin1').replace(/\/+$/, '') === '') throw filesError(FILES_ERROR.BAD_NAME, 'Refusing to delete /.', { node: input.node, path: '/' });
      const st = await rfs.lstat(p);
      if (st.type === 'dir') {
        if (!input.recursive && (await rfs.list(p)).length > 0) {
          throw filesError(FILES_ERROR.NOT_EMPTY, `${input.node}:${display(p)} is a folder that is not empty; delete it recursively to remove everything in it.`, { node: input.node, path: display(p) });
        }
        if (input.recursive) await rfs.removeTree(p);
        else await rfs.rmdir(p);
      } else await rfs.unlink(p);
      return { path: display(p) };
    })),

    readText: (input) => withFs(input.node, async (rfs) => {
      const p = refOf(input);
      const st = await rfs.lstat(p);
      if (st.type === 'dir') throw filesError(FILES_ERROR.IS_DIR, `${input.node}:${display(p)} is a folder, not a text file.`, { node: input.node, path: display(p) });
      if (st.size > MAX_TEXT_BYTES) throw tooLarge(input.node, display(p), st.size);
      const chunks: Buffer[] = [];
      for await (const c of rfs.readStream(p) as AsyncIterable<Buffer>) chunks.push(c);
      const bytes = Buffer.concat(chunks);
      const text = utf8OrNull(bytes);
      if (text === null || bytes.includes(0)) throw filesError(FILES_ERROR.NOT_TEXT, `${input.node}:${display(p)} is not UTF-8 text; download it instead.`, { node: input.node, path: display(p) });
      return { path: display(p), text, size: bytes.length, mtime: st.mtime };
    }),

    writeText: (actor, input) => audited(actor, 'write', input.node, { path: input.path, bytes: Buffer.byteLength(input.text) }, () => withFs(input.node, async (rfs) => {
      const p = refOf(input);
      const bytes = Buffer.from(input.text, 'utf8');
      if (bytes.length > MAX_TEXT_BYTES) throw tooLarge(input.node, display(p), bytes.length);
      // Written beside the file and renamed over it: a failed save keeps the old content.
      const temp = joinBytes(dirBytes(p), Buffer.from(`.clusterdeck-part-${Date.now().toString(36)}`));
      const { Readable } = await import('node:stream');
      const gen = uploadBytes(rfs, Readable.from([bytes]), temp);
      try {
        await gen;
        await rfs.rename(temp, p, true);
      } catch (error) {
        const explained = AppError.is(error) ? error : await rfs.explain(temp, 'write', error);
        await rfs.unlink(temp).catch(() => undefined);
        if (AppError.is(explained) && explained.message.includes(display(temp))) {
          throw new AppError(explained.code, explained.message.split(display(temp)).join(display(p)), { ...explained.params, path: display(p) });
        }
        throw explained;
      }
      return { path: display(p), size: bytes.length };
    })),

    upload: (actor, input, signal) => transfer(actor, 'upload', input.node, { localPath: input.localPath, remoteDir: input.remoteDir, overwrite: input.overwrite }, signal, async function* (rfs, auditId) {
      const localRoot = Buffer.from(path.resolve(input.localPath));
      const plan = planLocal(localRoot);
      const files = plan.filter((i) => !i.dir);
      yield { type: 'started', auditId, bytesTotal: files.reduce((s, i) => s + i.size, 0), filesTotal: files.length };
      const destDir = absolute(pathBytes(input.remoteDir, input.remoteDirB64), input.node);
      const gen = uploadTree(rfs, localRoot, destDir, plan, input.overwrite, signal);
      yield* relay(gen, plan, files.length);
    }),

    download: (actor, input, signal) => transfer(actor, 'download', input.node, { path: input.path, localDir: input.localDir, overwrite: input.overwrite }, signal, async function* (rfs, auditId) {
      const remoteRoot = refOf(input);
      const plan = await planRemote(rfs, remoteRoot, signal);
      const files = plan.filter((i) => !i.dir);
      yield { type: 'started', auditId, bytesTotal: files.reduce((s, i) => s + i.size, 0), filesTotal: files.length };
      const gen = downloadTree(rfs, remoteRoot, Buffer.from(path.resolve(input.localDir)), plan, input.overwrite, signal);
      yield* relay(gen, plan, files.length);
    }),
  };
}

/** Progress events from a copy, then `done`; if our consumer stops early, the copy is stopped too (its cleanup runs). */
async function* relay(gen: AsyncGenerator<f.TransferProgress, Buffer>, plan: { dir: boolean; size: number }[], files: number): AsyncGenerator<f.TransferEvent> {
  let finished = false;
  try {
    for (;;) {
      const r = await gen.next();
      if (r.done) {
        finished = true;
        yield { type: 'done', progress: last(plan, files), target: display(r.value) };
        return;
      }
      yield { type: 'progress', progress: r.value };
    }
  } finally {
    if (!finished) await gen.return(Buffer.alloc(0));
  }
}

function last(plan: { dir: boolean; size: number }[], files: number): f.TransferProgress {
  const bytes = plan.reduce((s, i) => s + i.size, 0);
  return { bytesDone: bytes, bytesTotal: bytes, filesDone: files, filesTotal: files, current: '' };
}

function tooLarge(node: string, p: string, size: number): AppError {
  return filesError(FILES_ERROR.TOO_LARGE, `${node}:${p} is ${size} bytes; the editor opens files up to ${MAX_TEXT_BYTES} bytes (1 MiB). Download it instead.`, { node, path: p, size, max: MAX_TEXT_BYTES });
}

async function uploadBytes(rfs: RemoteFs, src: import('node:stream').Readable, to: Buffer): Promise<void> {
  const dst = rfs.writeStream(to);
  await new Promise<void>((resolve, reject) => {
    dst.once('error', (e: unknown) => reject(e));
    dst.once('close', () => resolve());
    src.pipe(dst);
  });
}
