import { EventEmitter } from 'node:events';

const OPEN = 1;
const CLOSED = 3;

/**
 * The one hand-written transport: tRPC's WebSocket adapter expects a `ws`-like socket, and the
 * desktop app speaks over Electron IPC instead. This object is that socket for one window —
 * messages in from `receive`, out through `post` — so the desktop and `serve` run the very same
 * connection handler (requests, subscriptions, cancellation). No Electron import: tested in Node.
 */
export class IpcSocket extends EventEmitter {
  readyState = OPEN;

  /** `post` gets tRPC's JSON as strings and console output frames as bytes (structured clone carries them as is). */
  constructor(private readonly post: (data: string | Uint8Array) => void) {
    super();
  }

  receive(data: string): void {
    if (this.readyState === OPEN) this.emit('message', Buffer.from(data, 'utf8'), false);
  }

  send(data: string | Uint8Array): void {
    if (this.readyState === OPEN) this.post(data);
  }

  close(): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.emit('close', 1000, Buffer.alloc(0));
  }

  terminate(): void {
    this.close();
  }

  ping(): void {}
}
