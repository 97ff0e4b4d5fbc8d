// `hostkeys list|scan|forget NODESET`. Scan fetches each endpoint's host key without logging in
// to the node (jump hosts are logged into, their own keys checked), stores new keys, and reports
// changed ones without touching them. Nodes that are aliases of one endpoint share one scan.
import type { HostKeysService, InventoryService } from '../../../shared/contract/services';
import type { Actor } from '../../../shared/contract/trpc';
import type { CancelSignal } from '../../../shared/contract/signal';
import type { HostKeyEntry, HostKeyScanResult } from '../../../shared/contract/schemas/hostkeys';
import { AppError } from '../../../shared/errors';
import type { AuditLog } from '../audit/auditLog';
import type { Vault } from '../vault/vaultService';
import { runBatch, toErrorData } from '../batch';
import { SshPool, fetchHostKey, fingerprint, forwardTo, hostKeyChangedError, hostKeyRevokedError, hostPort, judgeHostKey, type HostKey, type SshTarget } from '../../protocols/ssh';
import { resolveTargets } from '../exec/targets';
import { fold } from '../exec/fold';
import type { DbHostKeyStore } from './hostKeyStore';

export interface HostKeysDeps {
  inventory: InventoryService;
  vault: Pick<Vault, 'reveal'>;
  audit: AuditLog;
  store: DbHostKeyStore;
}

interface Endpoint {
  host: string;
  port: number;
  names: string[];
  /** Jump chain of the first node using the endpoint (nodes of one endpoint share it in practice). */
  ssh: SshTarget | null;
}

/**
 * The host key `host:port` presents, reached through `hops` (jump hosts, in order; none: directly).
 * The hops are logged into, so their own keys must already be trusted; the host itself is not.
 */
async function keyThrough(pool: SshPool, store: DbHostKeyStore, hops: readonly SshTarget['target'][], host: string, port: number, opts: { timeoutMs: number; signal: AbortSignal }): Promise<HostKey> {
  if (hops.length === 0) return fetchHostKey(host, port, opts);
  const lease = await pool.connect({ jumps: hops.slice(0, -1), target: hops[hops.length - 1] }, { hostKeys: store, policy: 'ask', ...opts });
  try {
    return await fetchHostKey(host, port, { ...opts, sock: await forwardTo(lease.client, host, port) });
  } finally {
    lease.release();
  }
}

export function createHostKeysService(deps: HostKeysDeps): HostKeysService {
  const { store } = deps;

  /** The nodes of `nodeset` (or all) grouped by SSH endpoint ("host\0port"), and those without one. */
  function byEndpoint(nodeset?: string): { endpoints: Map<string, Endpoint>; skipped: string[] } {
    const endpoints = new Map<string, Endpoint>();
    const skipped: string[] = [];
    for (const n of deps.inventory.listNodes({ nodeset, offset: 0, limit: 100_000_000 }).items) {
      if (!n.ssh) {
        skipped.push(n.name);
        continue;
      }
      const key = `${n.ssh.host}\u0000${n.ssh.port}`;
      const e = endpoints.get(key);
      if (e) e.names.push(n.name);
      else endpoints.set(key, { host: n.ssh.host, port: n.ssh.port, names: [n.name], ssh: null });
    }
    return { endpoints, skipped };
  }

  /** The SSH endpoints of a node set's nodes, each with the nodes that use it. */
  function endpointsOf(nodeset: string): { endpoints: Endpoint[]; skipped: string[] } {
    const { endpoints, skipped } = byEndpoint(nodeset);
    return { endpoints: [...endpoints.values()], skipped };
  }

  return {
    list(input) {
      if (!input.nodeset?.trim()) {
        const { endpoints } = byEndpoint();
        const nodes = (host: string, port: number) => { const e = endpoints.get(`${host}\u0000${port}`); return e ? fold(e.names) : ''; };
        return store.stored().map((k) => ({ host: k.host, port: k.port, keyType: k.keyType, fingerprint: k.fingerprint, source: 'clusterdeck', addedAt: k.addedAt, nodes: nodes(k.host, k.port) }));
      }
      const out: HostKeyEntry[] = [];
      for (const e of endpointsOf(input.nodeset).endpoints) {
        const nodes = fold(e.names);
        const stored = new Map(store.stored(e.host, e.port).map((k) => [k.keyType, k.addedAt]));
        for (const k of store.lookup(e.host, e.port)) {
          out.push({ host: e.host, port: e.port, keyType: k.type, fingerprint: fingerprint(k.blob), source: k.revoked ? `${k.source} (@revoked)` : k.source, addedAt: k.source === 'clusterdeck' ? (stored.get(k.type) ?? null) : null, nodes });
        }
      }
      return out;
    },

    async scan(actor: Actor, input, signal?: CancelSignal) {
      const { endpoints, skipped } = endpointsOf(input.nodeset);
      if (endpoints.length === 0) {
        throw new AppError('HOSTKEY_NO_ENDPOINTS', `None of the nodes in ${input.nodeset} has an SSH endpoint${skipped.length ? ` (${fold(skipped)} have none)` : ''}.`, { nodeset: input.nodeset });
      }
      // Jump chains come from the nodes' own settings; the first node of each endpoint speaks for it.
      const firstNames = new Map(endpoints.map((e) => [e.names[0], e]));
      for (const r of resolveTargets(deps, fold([...firstNames.keys()]))) {
        const e = firstNames.get(r.name);
        if (e) e.ssh = r.ssh;
      }
      const id = deps.audit.begin(actor, { module: 'hostkeys', action: 'scan', targets: fold(endpoints.flatMap((e) => e.names)), params: { endpoints: endpoints.length, expectFingerprint: input.expectFingerprint ?? null } });
      const pool = new SshPool({ idleMs: 0 });
      const ctrl = new AbortController();
      const onAbort = (): void => ctrl.abort();
      signal?.addEventListener('abort', onAbort);
      const results: HostKeyScanResult[] = [];
      const byName = new Map(endpoints.map((e) => [`${e.host}:${e.port}`, e]));
      try {
        const timeoutMs = Math.round(input.connectTimeoutS * 1000);
        const batch = runBatch<HostKey, Endpoint & { name: string }>({
          targets: endpoints.map((e) => ({ ...e, name: `${e.host}:${e.port}` })),
          fanout: input.fanout,
          perTargetTimeoutMs: timeoutMs * 10 + 5000,
          signal: ctrl.signal,
          operation: (e, ctx) => keyThrough(pool, store, e.ssh?.jumps ?? [], e.host, e.port, { timeoutMs, signal: ctx.signal }),
        });
        for await (const ev of batch) {
          if (ev.type !== 'result') continue;
          const e = byName.get(ev.name)!;
          const base = { host: e.host, port: e.port, nodes: fold(e.names) };
          if (ev.outcome.status !== 'ok') {
            results.push({ ...base, status: 'error', keyType: null, fingerprint: null, storedFingerprint: null, error: ev.outcome.error });
            continue;
          }
          const key = ev.outcome.value;
          const fp = fingerprint(key.blob);
          const verdict = judgeHostKey(key, store.lookup(e.host, e.port));
          if (verdict.status === 'known') {
            results.push({ ...base, status: 'known', keyType: key.type, fingerprint: fp, storedFingerprint: fp, error: null });
          } else if (verdict.status === 'unknown') {
            if (input.expectFingerprint && input.expectFingerprint !== fp) {
              results.push({ ...base, status: 'mismatch', keyType: key.type, fingerprint: fp, storedFingerprint: null, error: null });
              continue;
            }
            try {
              store.add(e.host, e.port, key);
              results.push({ ...base, status: 'new', keyType: key.type, fingerprint: fp, storedFingerprint: null, error: null });
            } catch (error) {
              results.push({ ...base, status: 'error', keyType: key.type, fingerprint: fp, storedFingerprint: null, error: toErrorData(error) });
            }
          } else {
            const stored = verdict.status === 'changed' ? verdict.stored.map((k) => fingerprint(k.blob)).join(',') : fp;
            results.push({ ...base, status: 'changed', keyType: key.type, fingerprint: fp, storedFingerprint: stored, error: null });
          }
        }
        const count = (s: HostKeyScanResult['status']) => results.filter((r) => r.status === s).length;
        const bad = count('changed') + count('error') + count('mismatch');
        deps.audit.complete(id, ctrl.signal.aborted ? 'cancelled' : bad === 0 ? 'ok' : bad === results.length ? 'failed' : 'partial',
          `${count('new')} new, ${count('known')} known, ${count('changed')} changed, ${count('mismatch')} mismatch, ${count('error')} error`);
        return results;
      } catch (error) {
        deps.audit.complete(id, 'failed', String((error as Error).message));
        throw error;
      } finally {
        signal?.removeEventListener('abort', onAbort);
        await pool.close();
      }
    },

    async accept(actor: Actor, input, signal?: CancelSignal) {
      const where = hostPort(input.host, input.port);
      const [node] = resolveTargets(deps, input.target);
      if (!node || node.name !== input.target) {
        throw new AppError('HOSTKEY_ACCEPT_TARGET', `"${input.target}" is not a single inventory node; accept host keys from its terminal or with \`clusterdeck hostkeys scan\`.`, { target: input.target });
      }
      if (!node.ssh) throw node.problem!;
      const chain = [...(node.ssh.jumps ?? []), node.ssh.target];
      const index = chain.findIndex((h) => h.host === input.host && h.port === input.port);
      if (index < 0) {
        throw new AppError('HOSTKEY_ACCEPT_NOT_IN_CHAIN', `${where} is neither ${input.target} nor one of its jump hosts; nothing was stored.`, { target: input.target, host: input.host, port: input.port });
      }
      const id = deps.audit.begin(actor, { module: 'hostkeys', action: 'accept', targets: input.target, params: { host: input.host, port: input.port, fingerprint: input.fingerprint } });
      const pool = new SshPool({ idleMs: 0 });
      const ctrl = new AbortController();
      const onAbort = (): void => ctrl.abort();
      signal?.addEventListener('abort', onAbort);
      try {
        const timeoutMs = Math.round(input.connectTimeoutS * 1000);
        const key = await keyThrough(pool, store, chain.slice(0, index), input.host, input.port, { timeoutMs, signal: ctrl.signal });
        const fp = fingerprint(key.blob);
        const verdict = judgeHostKey(key, store.lookup(input.host, input.port));
        if (verdict.status === 'changed') throw hostKeyChangedError(input.host, input.port, key, verdict.stored);
        if (verdict.status === 'revoked') throw hostKeyRevokedError(input.host, input.port, verdict.key);
        if (fp !== input.fingerprint) {
          throw new AppError('HOSTKEY_ACCEPT_MISMATCH', `${where} now presents ${key.type} ${fp}, not the ${input.fingerprint} you accepted; nothing was stored. Check the host before trusting it.`, { host: input.host, port: input.port, fingerprint: fp, expected: input.fingerprint });
        }
        const status = verdict.status === 'known' ? 'known' as const : 'new' as const;
        if (status === 'new') store.add(input.host, input.port, key);
        deps.audit.complete(id, 'ok', `${status} ${key.type} ${fp} for ${where}`);
        return { host: input.host, port: input.port, keyType: key.type, fingerprint: fp, status };
      } catch (error) {
        deps.audit.complete(id, ctrl.signal.aborted ? 'cancelled' : 'failed', AppError.is(error) ? `${error.code}: ${error.message}` : String((error as Error).message));
        throw error;
      } finally {
        signal?.removeEventListener('abort', onAbort);
        await pool.close();
      }
    },

    forget(actor: Actor, input) {
      const { endpoints } = endpointsOf(input.nodeset);
      return deps.audit.record(actor, { module: 'hostkeys', action: 'forget', targets: fold(endpoints.flatMap((e) => e.names)) }, () => {
        let removed = 0;
        const knownHostsLeft: string[] = [];
        for (const e of endpoints) {
          removed += store.forget(e.host, e.port);
          for (const k of store.inFiles(e.host, e.port)) knownHostsLeft.push(`${e.host}:${e.port} ${k.type} ${fingerprint(k.blob)} (${k.source})`);
        }
        return { removed, endpoints: endpoints.length, knownHostsLeft };
      }, (r) => ({ detail: `${r.removed} key(s) removed for ${r.endpoints} endpoint(s)${r.knownHostsLeft.length ? `; ${r.knownHostsLeft.length} left in known_hosts files` : ''}` }));
    },
  };
}
