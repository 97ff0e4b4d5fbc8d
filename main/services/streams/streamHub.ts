import crypto from 'node:crypto';
import { AppError } from '../../../shared/errors';
import type { StreamService } from '../../../shared/contract/services';
import type { StreamEvent } from '../../../shared/contract/schemas/streams';
import type { CancelSignal } from '../../../shared/contract/signal';
import { encodeStreamFrame, type StreamFrameSink } from '../../../shared/contract/streamFrames';
import type { AuditLog } from '../audit/auditLog';
import type { ByteSession, SessionFactory } from './byteSession';

/** Output the renderer may hold unacknowledged before the source is paused, and where it resumes. */
export const HIGH_WATER = 4 * 1024 * 1024;
export const LOW_WATER = 2 * 1024 * 1024;
/** Chunks are coalesced up to this size: fewer, larger messages for floods, no delay for keystrokes. */
export const MAX_CHUNK = 256 * 1024;

interface Live {
  session: ByteSession;
  unacked: number;
  paused: boolean;
  wake: (() => void) | null;
  pending: Buffer[];
  pendingBytes: number;
  exit: { code: number | null; reason: string } | null;
}

/**
 * Terminal streams over the contract with acknowledgement flow control: the hub counts bytes
 * sent but not yet acknowledged and pauses the session above HIGH_WATER, so `yes` or `cat` of a
 * huge file costs bounded memory here and never floods the window. Output goes as binary frames
 * when the connection has a frame sink (both UI front doors), else as base64 `data` events.
 */
export class StreamHub implements StreamService {
  private readonly kinds = new Map<string, SessionFactory>();
  private readonly live = new Map<string, Live>();
  private nextChannel = 1;

  constructor(private readonly audit: AuditLog) {}

  register(kind: string, factory: SessionFactory): void {
    this.kinds.set(kind, factory);
  }

  get openCount(): number {
    return this.live.size;
  }

  async *open(actor: Parameters<StreamService['open']>[0], input: Parameters<StreamService['open']>[1], signal?: CancelSignal, frames?: StreamFrameSink): AsyncGenerator<StreamEvent> {
    const factory = this.kinds.get(input.kind);
    if (!factory) {
      const known = [...this.kinds.keys()];
      throw new AppError('STREAM_KIND_UNKNOWN', `No console of kind "${input.kind}"${known.length ? `; available: ${known.join(', ')}` : ' is available in this build yet'}.`, { kind: input.kind });
    }
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort);
    const auditId = this.audit.begin(actor, { module: 'console', action: `open-${input.kind}`, targets: input.target });
    let session: ByteSession;
    try {
      session = await factory({ target: input.target, cols: input.cols, rows: input.rows, signal: controller.signal });
    } catch (error) {
      this.audit.complete(auditId, 'failed', AppError.is(error) ? `${error.code}: ${error.message}` : String(error));
      signal?.removeEventListener('abort', onAbort);
      throw error;
    }
    const id = crypto.randomUUID();
    const s: Live = { session, unacked: 0, paused: false, wake: null, pending: [], pendingBytes: 0, exit: null };
    this.live.set(id, s);
    session.onData((chunk) => {
      s.pending.push(chunk);
      s.pendingBytes += chunk.length;
      if (s.unacked + s.pendingBytes > HIGH_WATER && !s.paused) { s.paused = true; session.pause(); }
      s.wake?.();
    });
    session.onExit((info) => { s.exit = info; s.wake?.(); });
    controller.signal.addEventListener('abort', () => s.wake?.());

    let seq = 0;
    const channel = frames ? this.nextChannel++ >>> 0 : undefined;
    try {
      yield channel === undefined ? { type: 'opened', id } : { type: 'opened', id, channel };
      while (!controller.signal.aborted) {
        if (s.pendingBytes > 0) {
          const chunk = take(s, MAX_CHUNK);
          s.unacked += chunk.length;
          if (frames) { frames(encodeStreamFrame(channel!, seq++, chunk)); continue; }
          yield { type: 'data', seq: seq++, data: chunk.toString('base64') };
          continue;
        }
        if (s.exit) { yield { type: 'exit', ...s.exit }; break; }
        await new Promise<void>((resolve) => { s.wake = resolve; });
        s.wake = null;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.live.delete(id);
      session.close();
      this.audit.complete(auditId, 'ok', s.exit ? `exit ${s.exit.code ?? ''} ${s.exit.reason}`.trim() : 'closed');
    }
  }

  write(id: string, base64: string): void {
    this.get(id).session.write(Buffer.from(base64, 'base64'));
  }

  resize(id: string, cols: number, rows: number): void {
    this.get(id).session.resize(cols, rows);
  }

  ack(id: string, bytes: number): void {
    const s = this.live.get(id);
    if (!s) return; // a late ack after close is harmless
    s.unacked = Math.max(0, s.unacked - bytes);
    if (s.paused && s.unacked + s.pendingBytes <= LOW_WATER) { s.paused = false; s.session.resume(); }
  }

  close(id: string): void {
    const s = this.live.get(id);
    if (!s) return;
    s.exit ??= { code: null, reason: 'closed' };
    s.session.close();
    s.wake?.();
  }

  /** Closes every console and waits (at most `capMs`) for their goodbyes to reach the nodes. */
  async closeAll(capMs = 3000): Promise<void> {
    const closing = [...this.live.values()].map((s) => {
      s.exit ??= { code: null, reason: 'ClusterDeck is shutting down' };
      s.wake?.();
      return Promise.resolve(s.session.close()).catch(() => undefined);
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closing), new Promise((r) => { timer = setTimeout(r, capMs); })]);
    clearTimeout(timer);
  }

  private get(id: string): Live {
    const s = this.live.get(id);
    if (!s) throw new AppError('STREAM_NOT_FOUND', 'That console is closed. Open it again.', { id });
    return s;
  }
}

function take(s: Live, max: number): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  while (s.pending.length && size < max) {
    const head = s.pending[0];
    const room = max - size;
    if (head.length <= room) { parts.push(head); size += head.length; s.pending.shift(); }
    else { parts.push(head.subarray(0, room)); s.pending[0] = head.subarray(room); size += room; }
  }
  s.pendingBytes -= size;
  return parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
}
