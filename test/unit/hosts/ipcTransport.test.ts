import { afterEach, describe, expect, it } from 'vitest';
import { createTRPCClient, createWSClient, wsLink, TRPCClientError } from '@trpc/client';
import { IpcSocket } from '../../../main/hosts/electron/ipcSocket';
import { contractConnectionHandler } from '../../../main/hosts/contractConnection';
import { ipcWebSocketClass } from '../../../renderer/src/api/ipcWebSocket';
import { createApp, type App } from '../../../main/app';
import type { AppRouter } from '../../../shared/contract/router';
import type { PreloadBridge } from '../../../shared/ipc';
import { tempDir } from '../../support/tmp';

// The desktop transport without Electron: the renderer's WebSocket look-alike and main's
// IpcSocket joined by a stand-in for the preload pipe, carrying the real contract.
describe('desktop IPC transport', () => {
  let app: App | undefined;
  let cleanup: (() => void) | undefined;
  afterEach(() => { app?.close(); cleanup?.(); });

  function connect() {
    const t = tempDir();
    cleanup = t.cleanup;
    app = createApp({ dataDir: t.dir, passphrase: 'pp' });
    const toRenderer = new Set<(m: string) => void>();
    const sent: string[] = [];
    const socket = new IpcSocket((data) => { sent.push(data); for (const l of toRenderer) setImmediate(() => l(data)); });
    contractConnectionHandler(app.services, 'app')(socket as never, { url: '/trpc', headers: {} } as never);
    const bridge: PreloadBridge = {
      send: (m) => setImmediate(() => socket.receive(m)),
      onMessage: (l) => { toRenderer.add(l); return () => toRenderer.delete(l); },
    };
    const ws = createWSClient({ url: 'ipc://clusterdeck', WebSocket: ipcWebSocketClass(bridge) });
    return { client: createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] }), ws, sent };
  }

  it('carries queries and mutations with validation and typed errors', async () => {
    const { client, ws, sent } = connect();
    const group = await client.inventory.addGroup.mutate({ name: 'gpu', description: 'GPU nodes' });
    expect(group).toMatchObject({ name: 'gpu', size: 0 });
    expect(await client.inventory.listGroups.query()).toHaveLength(1);

    const err = await client.inventory.addGroup.mutate({ name: 'gpu', description: '' }).catch((e) => e);
    expect(err).toBeInstanceOf(TRPCClientError);
    expect((err as TRPCClientError<AppRouter>).data?.appError).toMatchObject({ code: 'GROUP_EXISTS' });

    const bad = await client.inventory.addGroup.mutate({ name: 'bad name!', description: '' }).catch((e) => e);
    expect((bad as TRPCClientError<AppRouter>).data?.appError.code).toBe('INVALID_INPUT');

    await client.vault.add.mutate({ name: 'bmc', kind: 'password', secret: 'hunter2-very-secret', username: 'admin' });
    expect(sent.join('\n')).not.toContain('hunter2-very-secret');
    await ws.close();
  });
});
