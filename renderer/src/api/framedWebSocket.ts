import { deliverStreamFrame } from './streamFrames';

// Its own module: the desktop transport (tested in Node, which may lack a WebSocket) never loads it.
/**
 * The browser's WebSocket for `serve`: binary messages are console frames and go to their
 * console before tRPC's listeners (which expect JSON) see them.
 */
export class FramedWebSocket extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    this.binaryType = 'arraybuffer';
    this.addEventListener('message', (event) => {
      if (typeof event.data === 'string') return;
      event.stopImmediatePropagation();
      deliverStreamFrame(event.data as ArrayBuffer);
    });
  }
}
