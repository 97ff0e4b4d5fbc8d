import { createTRPCClient, createWSClient, wsLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../../../shared/contract/router';
import type { AppErrorData } from '../../../shared/errors';
import type { PreloadBridge } from '../../../shared/ipc';
import { ipcWebSocketClass } from './ipcWebSocket';
import { FramedWebSocket } from './framedWebSocket';

// The renderer's only way out: the desktop preload's pipe, or the WebSocket of `clusterdeck serve`
// on the page's own origin (the session cookie carries the token). Both carry console output
// as binary frames beside tRPC's JSON (./streamFrames.ts).
const bridge = (window as unknown as { clusterdeck?: PreloadBridge }).clusterdeck;

export const wsClient = createWSClient({
  url: bridge ? 'ipc://clusterdeck' : `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/trpc`,
  WebSocket: bridge ? ipcWebSocketClass(bridge) : FramedWebSocket,
  retryDelayMs: (attempt) => Math.min(500 * 2 ** attempt, 5000),
});

export const api = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });

/** Any error from a call, as the contract's typed error. */
export function appErrorOf(error: unknown): AppErrorData {
  if (error instanceof TRPCClientError) {
    const data = (error.data as { appError?: AppErrorData } | undefined)?.appError;
    if (data) return data;
    return { code: 'CONNECTION', key: 'CONNECTION', params: {}, message: error.message };
  }
  return { code: 'INTERNAL', key: 'INTERNAL', params: {}, message: String((error as Error)?.message ?? error) };
}
