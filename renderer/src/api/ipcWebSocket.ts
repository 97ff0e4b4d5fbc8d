import type { PreloadBridge } from '../../../shared/ipc';
import { deliverStreamFrame } from './streamFrames';

/**
 * A WebSocket look-alike over the desktop preload's pipe, so the renderer uses tRPC's wsLink
 * unchanged in both the desktop app and `clusterdeck serve`. Byte messages are console frames:
 * they go to their console, never to tRPC.
 */
export function ipcWebSocketClass(bridge: PreloadBridge): typeof WebSocket {
  class IpcWebSocket extends EventTarget {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    readonly CONNECTING = 0;
    readonly OPEN = 1;
    readonly CLOSING = 2;
    readonly CLOSED = 3;
    readyState = 0;
    binaryType: 'blob' | 'arraybuffer' = 'blob';
    private unsubscribe: () => void;

    constructor(_url: string | URL) {
      super();
      this.unsubscribe = bridge.onMessage((data) => {
        if (typeof data === 'string') this.dispatchEvent(new MessageEvent('message', { data }));
        else deliverStreamFrame(data);
      });
      // Open on a later task, as a real socket would: clients attach listeners after construction
      // and a few awaits (tRPC's wsClient does), and must not miss the event.
      setTimeout(() => {
        this.readyState = 1;
        this.dispatchEvent(new Event('open'));
      }, 0);
    }

    send(data: string): void {
      if (this.readyState !== 1) throw new DOMException('not open', 'InvalidStateError');
      bridge.send(data);
    }

    close(): void {
      if (this.readyState >= 2) return;
      this.readyState = 3;
      this.unsubscribe();
      // A plain Event carrying `code`: CloseEvent is missing in some runtimes (Node < 23, where this is tested).
      this.dispatchEvent(Object.assign(new Event('close'), { code: 1000, reason: '', wasClean: true }));
    }
  }
  return IpcWebSocket as unknown as typeof WebSocket;
}
