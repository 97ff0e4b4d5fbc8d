import os from 'node:os';
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { getWSConnectionHandler } from '@trpc/server/adapters/ws';
import { appRouter } from '../../shared/contract/router';
import type { Services } from '../../shared/contract/services';
import type { FrontDoor } from '../../shared/contract/trpc';

/** What both kinds of socket offer: tRPC's JSON as strings, console frames as bytes. */
interface FrameSocket {
  readyState: number;
  send(data: string | Uint8Array): void;
}

/**
 * The one connection handler both remote front doors use: `serve` feeds it WebSockets and the
 * desktop app feeds it IpcSockets. Requests, subscriptions and cancellation come from tRPC;
 * console output goes on the same socket as binary frames (shared/contract/streamFrames.ts).
 */
export function contractConnectionHandler(services: Services, via: Exclude<FrontDoor, 'cli'>, keepAlive = false) {
  const user = os.userInfo().username;
  return getWSConnectionHandler({
    // Only used by tRPC to broadcast reconnect notices; each front door owns its sockets.
    wss: new WebSocketServer({ noServer: true }),
    router: appRouter,
    createContext: ({ res }: { res: FrameSocket }) => ({
      services,
      actor: { user, via },
      frames: (frame: Uint8Array) => { if (res.readyState === 1) res.send(frame); },
    }),
    keepAlive: { enabled: keepAlive, pingMs: 30_000, pongWaitMs: 10_000 },
  }) as (client: WebSocket, req: IncomingMessage) => void;
}
