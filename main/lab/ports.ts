// Free loopback ports (by bind probe) and who owns a bound port (via /proc/net and /proc/<pid>/fd).

import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { AppError } from '../../shared/errors';

export type Proto = 'udp' | 'tcp';

// Below the kernel's ephemeral range (32768+), so a client socket cannot take a port between
// the probe and the moment the server binds it.
const LOW = 20000;
const HIGH = 32000;

function tryBind(proto: Proto, port: number): Promise<UdpSocket | Server | null> {
  return new Promise((resolve) => {
    if (proto === 'udp') {
      const s = createSocket('udp4');
      s.once('error', () => {
        s.close();
        resolve(null);
      });
      s.bind(port, '127.0.0.1', () => resolve(s));
    } else {
      const s = createServer();
      s.once('error', () => resolve(null));
      s.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(s));
    }
  });
}

function closeHandle(h: UdpSocket | Server): Promise<void> {
  return new Promise((resolve) => {
    if ('send' in h) h.close(() => resolve());
    else h.close(() => resolve());
  });
}

/**
 * `count` distinct ports on 127.0.0.1 that could be bound just now. All probes are held open
 * until the set is complete, so the ports are distinct; `exclude` skips ports already handed out.
 */
export async function pickFreePorts(proto: Proto, count: number, exclude: Iterable<number> = []): Promise<number[]> {
  const skip = new Set(exclude);
  const held: (UdpSocket | Server)[] = [];
  const ports: number[] = [];
  const span = HIGH - LOW;
  let candidate = LOW + Math.floor(Math.random() * span);
  try {
    for (let tries = 0; ports.length < count && tries < span; tries++) {
      candidate = candidate + 1 >= HIGH ? LOW : candidate + 1;
      if (skip.has(candidate)) continue;
      const h = await tryBind(proto, candidate);
      if (h) {
        held.push(h);
        ports.push(candidate);
      }
    }
  } finally {
    await Promise.all(held.map(closeHandle));
  }
  if (ports.length < count) {
    throw new AppError('LAB_NO_FREE_PORTS', `found only ${ports.length} of ${count} free ${proto} ports on 127.0.0.1`);
  }
  return ports;
}

/** Local port -> socket inode of sockets bound on 127.0.0.1 or 0.0.0.0 (TCP: listening only). */
export function boundPorts(proto: Proto): Map<number, string> {
  const out = new Map<number, string>();
  let text = '';
  try {
    text = readFileSync(`/proc/net/${proto}`, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [addr, portHex] = f[1].split(':');
    if (addr !== '0100007F' && addr !== '00000000') continue;
    if (proto === 'tcp' && f[3] !== '0A') continue;
    out.set(parseInt(portHex, 16), f[9]);
  }
  return out;
}

/** Inodes of the sockets process `pid` has open (readable for our own processes). */
export function socketInodes(pid: number): Set<string> {
  const out = new Set<string>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return out;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) out.add(m[1]);
    } catch {
      // fd closed meanwhile
    }
  }
  return out;
}

export type PortOwner = 'pid' | 'other' | 'unbound';

/** Who holds each port: the given process, someone else, or nobody yet. */
export function portOwners(proto: Proto, ports: number[], pid: number): Map<number, PortOwner> {
  const bound = boundPorts(proto);
  const mine = socketInodes(pid);
  const res = new Map<number, PortOwner>();
  for (const p of ports) {
    const inode = bound.get(p);
    res.set(p, inode === undefined ? 'unbound' : mine.has(inode) ? 'pid' : 'other');
  }
  return res;
}

/** Ports in the list that nothing has bound on loopback (used to check a stopped lab let go). */
export function unboundOf(proto: Proto, ports: number[]): number[] {
  const bound = boundPorts(proto);
  return ports.filter((p) => !bound.has(p));
}
