import { api, appErrorOf } from '../../api/client';
import { listenStreamFrames } from '../../api/streamFrames';
import type { StreamEvent } from '../../../../shared/contract/schemas/streams';
import type { AppErrorData } from '../../../../shared/errors';

export function bytesFromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function base64FromText(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export interface StreamHandlers {
  /** The session is open on the node. */
  onOpened?(): void;
  /** Called with each chunk; call `done` once the chunk is rendered (xterm's write callback). */
  onData(bytes: Uint8Array, done: () => void): void;
  onExit(code: number | null, reason: string): void;
  onError(error: AppErrorData): void;
}

/**
 * One console stream from main. Output arrives as binary frames on the channel the `opened`
 * event names (or, from an older main, as base64 `data` events). Acknowledgements go back in
 * batches once the terminal has *rendered* the bytes, which is what lets main pause a flooding
 * source instead of the window.
 */
export class ConsoleStream {
  id: string | null = null;
  private unacked = 0;
  private ackTimer: ReturnType<typeof setTimeout> | null = null;
  private subscription: { unsubscribe(): void };
  private queued: string[] = [];
  private unlisten: (() => void) | null = null;
  /** A resize before the session opened: sent once it has. */
  private size: { cols: number; rows: number } | null = null;

  constructor(kind: string, target: string, cols: number, rows: number, h: StreamHandlers) {
    this.subscription = api.streams.open.subscribe({ kind, target, cols, rows }, {
      onData: (e: StreamEvent) => {
        if (e.type === 'opened') {
          this.id = e.id;
          if (e.channel !== undefined) this.unlisten = listenStreamFrames(e.channel, ({ bytes }) => h.onData(bytes, () => this.rendered(bytes.length)));
          if (this.size) void api.streams.resize.mutate({ id: e.id, ...this.size });
          for (const d of this.queued.splice(0)) void api.streams.write.mutate({ id: e.id, data: d });
          h.onOpened?.();
        } else if (e.type === 'data') {
          const bytes = bytesFromBase64(e.data);
          h.onData(bytes, () => this.rendered(bytes.length));
        } else h.onExit(e.code, e.reason);
      },
      onError: (err) => h.onError(appErrorOf(err)),
    });
  }

  write(text: string): void {
    const data = base64FromText(text);
    if (this.id) void api.streams.write.mutate({ id: this.id, data });
    else this.queued.push(data);
  }

  resize(cols: number, rows: number): void {
    if (this.id) void api.streams.resize.mutate({ id: this.id, cols, rows });
    else this.size = { cols, rows };
  }

  close(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.unlisten?.();
    this.subscription.unsubscribe();
  }

  private rendered(n: number): void {
    this.unacked += n;
    if (this.unacked >= 256 * 1024) this.flushAck();
    else this.ackTimer ??= setTimeout(() => this.flushAck(), 30);
  }

  private flushAck(): void {
    if (this.ackTimer) { clearTimeout(this.ackTimer); this.ackTimer = null; }
    if (this.id && this.unacked) void api.streams.ack.mutate({ id: this.id, bytes: this.unacked });
    this.unacked = 0;
  }
}
