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

  constructor(private readonly post: (data: string) => void) {
    super();
  }

  receive(data: string): void {
    if (this.readyState === OPEN) this.emit('message', Buffer.from(data, 'utf8'), false);
  }

  send(data: string | Buffer): void {
    if (this.readyState === OPEN) this.post(typeof data === 'string' ? data : data.toString('utf8'));
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
