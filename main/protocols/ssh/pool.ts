// Connections kept by endpoint: a jump host is logged into once and shared by every node behind
// it (like OpenSSH's ControlMaster), and a node's own connection is reused by later commands until
// it has been idle for `idleMs`. Callers take a lease and release it; an abandoned connect (every
// waiter cancelled) is aborted rather than left running.
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { AppError } from '../../../shared/errors';
import { connectHop, type HopOptions, type SshHop } from './connect';
import { SSH_ERROR, cancelledError, hostPort, sshError } from './errors';

export interface PoolHop extends SshHop {
  /** Identity of the credential used (e.g. its name), so two logins to one host are two connections. */
  authId?: string;
}

export interface SshTarget {
  /** Jump hosts, outermost first (ProxyJump a,b,c). */
  jumps?: PoolHop[];
  target: PoolHop;
  /**
   * Extra key for the target's own connection. Nodes that are aliases of one sshd give their name
   * here so each gets its own connection, as separate hosts would.
   */
  tag?: string;
}

export type ConnectOptions = Omit<HopOptions, 'sock' | 'hop'>;

export interface Lease {
  client: Client;
  /** True when this lease opened the connection (false: reused from the pool). */
  fresh: boolean;
  release(): void;
  /** Release and close the connection (after a timeout or a broken channel). */
  discard(): void;
}

interface Entry {
  key: string;
  ctrl: AbortController;
  promise: Promise<Client>;
  client?: Client;
  waiters: number;
  leases: number;
  parent?: Entry;
  idle?: ReturnType<typeof setTimeout>;
  /** Discarded while others still held it: out of the pool, ended when the last lease goes. */
  retired?: boolean;
}

export class SshPool {
  private readonly entries = new Map<string, Entry>();
  private closed = false;
  private readonly idleMs: number;

  constructor(opts: { idleMs?: number } = {}) {
    this.idleMs = opts.idleMs ?? 30_000;
  }

  get size(): number {
    return this.entries.size;
  }

  /** A logged-in connection to `t.target`, through its jump hosts. */
  async connect(t: SshTarget, opts: ConnectOptions): Promise<Lease> {
    if (this.closed) throw sshError(SSH_ERROR.CLOSED, 'The SSH connection pool is closed.');
    const chain = [...(t.jumps ?? []), t.target];
    let parent: Entry | undefined;
    let fresh = false;
    const taken: Entry[] = [];
    try {
      for (let i = 0; i < chain.length; i++) {
        const key = chain.slice(0, i + 1).map(hopKey).join(' > ') + (i === chain.length - 1 && t.tag ? ` #${t.tag}` : '');
        const opener = (signal: AbortSignal) => this.open(chain, i, parent, { ...opts, signal });
        let { entry, created } = this.entryFor(key, parent, opener);
        if (!created && entry.client && !this.stillKnown(chain[i], opts)) {
          // Its host key was forgotten (`hostkeys forget`) since this connection was checked: connect again, so the
          // key is checked (and asked about) anew. Leases in use finish on the old connection.
          this.retire(entry);
          ({ entry, created } = this.entryFor(key, parent, opener));
        }
        fresh = created;
        await this.wait(entry, opts.signal);
        entry.leases++;
        taken.push(entry);
        parent = entry;
      }
    } catch (error) {
      for (const e of taken) this.unlease(e);
      throw error;
    }
    const last = taken[taken.length - 1];
    let done = false;
    return {
      client: last.client!,
      fresh,
      release: () => {
        if (done) return;
        done = true;
        for (const e of taken) this.unlease(e);
      },
      discard: () => {
        if (done) return;
        done = true;
        // No new lease gets it; callers still using it (same endpoint, no tag) finish first.
        this.forget(last);
        last.retired = true;
        for (const e of taken) this.unlease(e);
      },
    };
  }

  /** Ends every connection (idle or not) and refuses new ones. */
  async close(): Promise<void> {
    this.closed = true;
    for (const e of [...this.entries.values()].reverse()) this.drop(e);
  }

  private entryFor(key: string, parent: Entry | undefined, open: (signal: AbortSignal) => Promise<Client>): { entry: Entry; created: boolean } {
    const existing = this.entries.get(key);
    if (existing) return { entry: existing, created: false };
    const ctrl = new AbortController();
    const entry: Entry = { key, ctrl, waiters: 0, leases: 0, parent, promise: undefined as unknown as Promise<Client> };
    entry.promise = open(ctrl.signal).then(
      (client) => {
        entry.client = client;
        client.on('close', () => this.forget(entry));
        client.on('error', () => undefined); // keepalive timeouts end in 'close'
        if (this.closed) this.drop(entry);
        return client;
      },
      (error: unknown) => {
        this.forget(entry);
        throw error;
      },
    );
    entry.promise.catch(() => undefined);
    this.entries.set(key, entry);
    return { entry, created: true };
  }

  /** Waits for the entry's connect; if every waiter gives up first, the connect is aborted. */
  private wait(entry: Entry, signal?: AbortSignal): Promise<Client> {
    if (entry.client) {
      if (entry.idle) clearTimeout(entry.idle);
      entry.idle = undefined;
      return Promise.resolve(entry.client);
    }
    if (signal?.aborted) return Promise.reject(cancelledError(entry.key));
    entry.waiters++;
    return new Promise<Client>((resolve, reject) => {
      const onAbort = (): void => {
        entry.waiters--;
        if (entry.waiters === 0 && !entry.client) entry.ctrl.abort();
        reject(cancelledError(entry.key));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      entry.promise.then(
        (c) => {
          signal?.removeEventListener('abort', onAbort);
          if (signal?.aborted) return;
          entry.waiters--;
          resolve(c);
        },
        (e: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          if (signal?.aborted) return;
          entry.waiters--;
          reject(e);
        },
      );
    });
  }

  private async open(chain: PoolHop[], i: number, parent: Entry | undefined, opts: HopOptions): Promise<Client> {
    const hop = chain[i];
    const isJump = i < chain.length - 1;
    let sock: Duplex | undefined;
    if (parent) {
      sock = await forward(parent.client!, chain[i - 1], hop, i === chain.length - 1, i - 1);
    }
    try {
      return await connectHop(hop, { ...opts, sock, hop: isJump ? i : undefined });
    } catch (error) {
      if (!isJump || !AppError.is(error)) throw error;
      // Host key problems keep their code (the fix is the same: check and accept the key);
      // everything else names the hop that failed.
      if (error.code === SSH_ERROR.HOSTKEY_CHANGED || error.code === SSH_ERROR.HOSTKEY_UNKNOWN || error.code === SSH_ERROR.CANCELLED) throw error;
      throw jumpFailed(i, chain.length - 1, hop, error);
    }
  }

  private unlease(e: Entry): void {
    e.leases = Math.max(0, e.leases - 1);
    if (e.leases === 0 && e.retired) return this.drop(e);
    if (e.leases === 0 && e.client && this.entries.get(e.key) === e) {
      if (this.closed || this.idleMs <= 0) return this.drop(e);
      e.idle = setTimeout(() => this.drop(e), this.idleMs);
      e.idle.unref?.();
    }
  }

  private stillKnown(hop: PoolHop, opts: ConnectOptions): boolean {
    try {
      return opts.hostKeys.lookup(hop.host, hop.port).length > 0;
    } catch {
      return false;
    }
  }

  private retire(e: Entry): void {
    this.forget(e);
    e.retired = true;
    if (e.leases === 0) this.drop(e);
  }

  private forget(e: Entry): void {
    if (e.idle) clearTimeout(e.idle);
    if (this.entries.get(e.key) === e) this.entries.delete(e.key);
  }

  private drop(e: Entry): void {
    this.forget(e);
    e.ctrl.abort();
    e.client?.end();
    // Connections that went through this one die with it.
    for (const child of [...this.entries.values()]) if (child.parent === e) this.drop(child);
  }
}

function hopKey(h: PoolHop): string {
  return `${h.auth.username}@${hostPort(h.host, h.port)}${h.authId ? `/${h.authId}` : ''}`;
}

function jumpFailed(index: number, jumps: number, hop: PoolHop, cause: AppError): AppError {
  return sshError(
    SSH_ERROR.JUMP_FAILED,
    `Jump host ${index + 1} of ${jumps} (${hop.auth.username}@${hostPort(hop.host, hop.port)}) failed: ${cause.message}`,
    { hop: index + 1, host: hop.host, port: hop.port, cause: cause.code },
  );
}

/** A TCP stream to `to`, opened by the already logged-in `via` (direct-tcpip). */
function forward(via: Client, viaHop: PoolHop, to: PoolHop, toIsTarget: boolean, viaIndex: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    try {
      via.forwardOut('127.0.0.1', 0, to.host, to.port, (err, stream) => {
        if (!err) return resolve(stream);
        const reason = `${hostPort(viaHop.host, viaHop.port)} could not open a connection to ${hostPort(to.host, to.port)} (${err.message})`;
        if (toIsTarget) {
          // The jump host worked; the node behind it is the one that cannot be reached.
          reject(sshError(SSH_ERROR.UNREACHABLE, `SSH: via jump host ${reason}.`, { host: to.host, port: to.port, cause: 'FORWARD', reason: 'refused', via: viaHop.host }));
        } else {
          reject(sshError(SSH_ERROR.JUMP_FAILED, `Jump host ${viaIndex + 1}: ${reason}.`, { hop: viaIndex + 2, host: to.host, port: to.port, cause: 'FORWARD' }));
        }
      });
    } catch (error) {
      reject(sshError(SSH_ERROR.JUMP_FAILED, `Jump host ${hostPort(viaHop.host, viaHop.port)} is disconnected: ${(error as Error).message}.`, { hop: viaIndex + 1, host: viaHop.host, port: viaHop.port, cause: 'CLOSED' }));
    }
  });
}

/** A TCP stream to host:port opened by a logged-in client (for a host key scan behind a jump host). */
export function forwardTo(via: Client, host: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    try {
      via.forwardOut('127.0.0.1', 0, host, port, (err, stream) => {
        if (err) reject(sshError(SSH_ERROR.UNREACHABLE, `SSH: the jump host could not open a connection to ${hostPort(host, port)} (${err.message}).`, { host, port, cause: 'FORWARD', reason: 'refused' }));
        else resolve(stream);
      });
    } catch (error) {
      reject(sshError(SSH_ERROR.CLOSED, `The jump host connection is closed: ${(error as Error).message}.`, { host, port }));
    }
  });
}
