import os from 'node:os';
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { getWSConnectionHandler } from '@trpc/server/adapters/ws';
import { appRouter } from '../../shared/contract/router';
import type { Services } from '../../shared/contract/services';
import type { FrontDoor } from '../../shared/contract/trpc';

/**
 * The one connection handler both remote front doors use: `serve` feeds it WebSockets and the
 * desktop app feeds it IpcSockets. Requests, subscriptions and cancellation come from tRPC.
 */
export function contractConnectionHandler(services: Services, via: Exclude<FrontDoor, 'cli'>, keepAlive = false) {
  const user = os.userInfo().username;
  return getWSConnectionHandler({
    // Only used by tRPC to broadcast reconnect notices; each front door owns its sockets.
    wss: new WebSocketServer({ noServer: true }),
    router: appRouter,
    createContext: () => ({ services, actor: { user, via } }),
    keepAlive: { enabled: keepAlive, pingMs: 30_000, pongWaitMs: 10_000 },
  }) as (client: WebSocket, req: IncomingMessage) => void;
}
