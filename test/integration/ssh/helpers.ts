import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { HostKey, HostKeyStore, KnownHostKey } from '../../../main/protocols/ssh';
import { KnownHostsFile } from '../../../main/protocols/ssh';

export const run = promisify(execFile);

export function tempStateDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cd-ssh-${name}-`));
}

/** An in-memory store over an optional known_hosts file; counts what was added. */
export class MemoryHostKeys implements HostKeyStore {
  readonly added: { host: string; port: number; key: HostKey }[] = [];
  private readonly file?: KnownHostsFile;
  constructor(knownHostsPath?: string) {
    if (knownHostsPath) this.file = new KnownHostsFile(knownHostsPath);
  }
  lookup(host: string, port: number): KnownHostKey[] {
    const fromStore = this.added.filter((a) => a.host === host && a.port === port).map((a) => ({ ...a.key, source: 'memory' }));
    return [...(this.file?.lookup(host, port) ?? []), ...fromStore];
  }
  add(host: string, port: number, key: HostKey): void {
    this.added.push({ host, port, key });
  }
}

/** A TCP listener on 127.0.0.1 that accepts and never says a word (for connect timeouts). */
export async function silentListener(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

/** A port on 127.0.0.1 with nothing listening (bound then released). */
export async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
