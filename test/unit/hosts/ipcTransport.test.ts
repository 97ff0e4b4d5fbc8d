import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTRPCClient, createWSClient, wsLink, TRPCClientError } from '@trpc/client';
import { IpcSocket } from '../../../main/hosts/electron/ipcSocket';
import { contractConnectionHandler } from '../../../main/hosts/contractConnection';
import { ipcWebSocketClass } from '../../../renderer/src/api/ipcWebSocket';
import { createApp, type App } from '../../../main/app';
import type { AppRouter } from '../../../shared/contract/router';
import type { PreloadBridge } from '../../../shared/ipc';
import { listenStreamFrames } from '../../../renderer/src/api/streamFrames';
import type { ByteSession } from '../../../main/services/streams/byteSession';
import type { StreamEvent } from '../../../shared/contract/schemas/streams';
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
    const toRenderer = new Set<(m: string | Uint8Array) => void>();
    const sent: (string | Uint8Array)[] = [];
    const socket = new IpcSocket((data) => { sent.push(data); for (const l of toRenderer) setImmediate(() => l(data)); });
    contractConnectionHandler(app.services, 'app')(socket as never, { url: '/trpc', headers: {} } as never);
    const bridge: PreloadBridge = {
      send: (m) => setImmediate(() => socket.receive(m)),
      onMessage: (l) => { toRenderer.add(l); return () => toRenderer.delete(l); },
    };
    const ws = createWSClient({ url: 'ipc://clusterdeck', WebSocket: ipcWebSocketClass(bridge) });
    return { client: createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] }), ws, sent, app };
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
    expect(sent.filter((m) => typeof m === 'string').join('\n')).not.toContain('hunter2-very-secret');
    await ws.close();
  });

  it('carries console output as binary frames beside the JSON, in order, with acknowledgements', async () => {
    const { client, ws, sent, app } = connect();
    // A console that prints three chunks of every byte value, then exits.
    const chunks = [0, 1, 2].map((k) => Uint8Array.from({ length: 70_000 }, (_, i) => (i + k) % 256));
    const acked: number[] = [];
    app.streams.register('fake', async () => {
      let data: (b: Buffer) => void = () => {};
      let exit: (i: { code: number | null; reason: string }) => void = () => {};
      const session: ByteSession = {
        onData: (l) => { data = l; },
        onExit: (l) => { exit = l; setTimeout(() => { for (const c of chunks) data(Buffer.from(c)); setTimeout(() => exit({ code: 0, reason: 'exited' }), 20); }, 20); },
        write: () => {}, resize: () => {}, pause: () => {}, resume: () => {}, close: () => {},
      };
      return session;
    });
    const origAck = app.streams.ack.bind(app.streams);
    app.streams.ack = (id, bytes) => { acked.push(bytes); origAck(id, bytes); };

    const received: Uint8Array[] = [];
    const events: StreamEvent[] = [];
    await new Promise<void>((resolve, reject) => {
      let unlisten = () => {};
      const sub = client.streams.open.subscribe({ kind: 'fake', target: 'n1', cols: 80, rows: 24 }, {
        onData: (e) => {
          events.push(e);
          if (e.type === 'opened') unlisten = listenStreamFrames(e.channel!, ({ bytes }) => { received.push(bytes.slice()); void client.streams.ack.mutate({ id: e.id, bytes: bytes.length }); });
          if (e.type === 'exit') { unlisten(); sub.unsubscribe(); resolve(); }
        },
        onError: reject,
      });
    });
    expect(events.map((e) => e.type)).toEqual(['opened', 'exit']);
    expect(events[0]).toMatchObject({ type: 'opened', channel: expect.any(Number) });
    // Every byte arrived, in order, and none of it travelled as JSON.
    expect(Buffer.concat(received)).toEqual(Buffer.concat(chunks.map((c) => Buffer.from(c))));
    expect(sent.some((m) => m instanceof Uint8Array)).toBe(true);
    expect(sent.filter((m) => typeof m === 'string').join('').length).toBeLessThan(10_000);
    await vi.waitFor(() => expect(acked.reduce((a, b) => a + b, 0)).toBe(3 * 70_000));
    await ws.close();
  });
});
