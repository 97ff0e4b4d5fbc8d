// Redfish trust on first use. `probeCertificates` shows what each BMC presents next to its pin;
// `trustCertificates` pins exactly the fingerprints the user saw, and only if the BMC still
// presents them (what was looked at is what gets trusted).
import { AppError } from '../../../shared/errors';
import type { Actor } from '../../../shared/contract/trpc';
import type { CancelSignal } from '../../../shared/contract/signal';
import type { InventoryService } from '../../../shared/contract/services';
import type { CertificateStatus, TrustInput, TrustResult } from '../../../shared/contract/schemas/power';
import type { z } from 'zod';
import { normalizeFingerprint, probeCertificate, type CertificateInfo } from '../../protocols/redfish';
import type { AuditLog } from '../audit/auditLog';
import { fold } from '../inventory/nodesets';
import { powerError } from './errors';
import type { PinStore } from './pins';

const PROBE_TIMEOUT_MS = 10_000;
const PROBES_AT_ONCE = 32;

interface Endpoint {
  name: string;
  host: string;
  port: number;
}

function redfishEndpoints(inventory: InventoryService, nodeset: string): (Endpoint | { name: string; error: AppError })[] {
  const names = inventory.expandNodeSet(nodeset);
  const nodes = new Map(inventory.listNodes({ nodeset, offset: 0, limit: 10_000_000 }).items.map((n) => [n.name, n]));
  const unknown = names.filter((n) => !nodes.has(n));
  if (unknown.length) throw new AppError('NODES_NOT_FOUND', `${fold(unknown)} ${unknown.length === 1 ? 'is' : 'are'} not in the inventory. Check the node set.`, { nodes: fold(unknown), count: unknown.length });
  return names.map((name) => {
    const bmc = nodes.get(name)!.bmc;
    if (!bmc || bmc.protocol !== 'redfish') {
      return { name, error: powerError('POWER_NOT_REDFISH', `Node ${name} has no Redfish BMC: only Redfish BMCs have certificates to trust.`, { node: name }) };
    }
    return { name, host: bmc.host, port: bmc.port };
  });
}

function abortSignalOf(signal?: CancelSignal): AbortSignal | undefined {
  if (!signal) return undefined;
  const c = new AbortController();
  if (signal.aborted) c.abort();
  else signal.addEventListener('abort', () => c.abort());
  return c.signal;
}

/** One probe per BMC endpoint (nodes may share one), a few at a time. */
async function probeAll(endpoints: Endpoint[], signal?: AbortSignal): Promise<Map<string, CertificateInfo | AppError>> {
  const byKey = new Map<string, CertificateInfo | AppError>();
  const keys = [...new Map(endpoints.map((e) => [`${e.host}|${e.port}`, e])).values()];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const e = keys[next++];
      try {
        byKey.set(`${e.host}|${e.port}`, await probeCertificate({ host: e.host, port: e.port }, { timeoutMs: PROBE_TIMEOUT_MS, signal }));
      } catch (error) {
        byKey.set(`${e.host}|${e.port}`, AppError.is(error) ? error : new AppError('REDFISH_UNREACHABLE', String((error as Error)?.message ?? error)));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PROBES_AT_ONCE, keys.length) }, worker));
  return byKey;
}

export async function probeCertificates(deps: { inventory: InventoryService; pins: PinStore }, nodeset: string, signal?: CancelSignal): Promise<CertificateStatus[]> {
  const all = redfishEndpoints(deps.inventory, nodeset);
  const probed = await probeAll(all.filter((e): e is Endpoint => !('error' in e)), abortSignalOf(signal));
  return all.map((e): CertificateStatus => {
    if ('error' in e) return { name: e.name, host: '', port: 0, status: 'error', fingerprint: null, pinned: null, subject: null, issuer: null, validTo: null, error: e.error.toData() };
    const pin = deps.pins.get(e.host, e.port)?.fingerprint ?? null;
    const c = probed.get(`${e.host}|${e.port}`)!;
    if (AppError.is(c)) return { name: e.name, host: e.host, port: e.port, status: 'error', fingerprint: null, pinned: pin, subject: null, issuer: null, validTo: null, error: c.toData() };
    const status = pin === null ? 'new' : pin === c.fingerprint ? 'pinned' : 'changed';
    return { name: e.name, host: e.host, port: e.port, status, fingerprint: c.fingerprint, pinned: pin, subject: c.subject, issuer: c.issuer, validTo: c.validTo, error: null };
  });
}

export async function trustCertificates(
  deps: { inventory: InventoryService; pins: PinStore; audit: AuditLog },
  actor: Actor,
  input: z.output<typeof TrustInput>,
  signal?: CancelSignal,
): Promise<TrustResult[]> {
  const names = input.entries.map((e) => e.name);
  const id = deps.audit.begin(actor, {
    module: 'power',
    action: 'trust',
    targets: fold(names),
    params: { replace: input.replace, fingerprints: Object.fromEntries(input.entries.map((e) => [e.name, e.fingerprint])) },
  });
  try {
    const endpoints = new Map(redfishEndpoints(deps.inventory, names.join(',')).map((e) => [e.name, e]));
    const probed = await probeAll([...endpoints.values()].filter((e): e is Endpoint => !('error' in e)), abortSignalOf(signal));
    const results = input.entries.map((entry): TrustResult => {
      const fail = (error: AppError): TrustResult => ({ name: entry.name, ok: false, fingerprint: null, error: error.toData() });
      const e = endpoints.get(entry.name)!;
      if ('error' in e) return fail(e.error);
      const wanted = normalizeFingerprint(entry.fingerprint);
      if (!wanted) return fail(powerError('POWER_FINGERPRINT_MISMATCH', `${entry.fingerprint} is not a SHA-256 fingerprint.`, { node: entry.name, host: e.host, port: e.port, wanted: entry.fingerprint, presented: null }));
      const c = probed.get(`${e.host}|${e.port}`)!;
      if (AppError.is(c)) return fail(c);
      if (c.fingerprint !== wanted) {
        return fail(powerError('POWER_FINGERPRINT_MISMATCH', `The BMC of ${entry.name} (${e.host}:${e.port}) now presents ${c.fingerprint}, not the ${wanted} you confirmed. Nothing was pinned; look at the certificate again.`, { node: entry.name, host: e.host, port: e.port, wanted, presented: c.fingerprint }));
      }
      const pin = deps.pins.get(e.host, e.port);
      if (pin && pin.fingerprint !== wanted && !input.replace) {
        return fail(powerError('POWER_PIN_EXISTS', `The BMC of ${entry.name} (${e.host}:${e.port}) is pinned to another certificate (${pin.fingerprint}). If it was replaced on purpose, trust the new one with replace.`, { node: entry.name, host: e.host, port: e.port, pinned: pin.fingerprint, presented: wanted }));
      }
      deps.pins.put({ host: e.host, port: e.port, fingerprint: wanted, subject: c.subject, pinnedBy: actor.user });
      return { name: entry.name, ok: true, fingerprint: wanted, error: null };
    });
    const pinned = results.filter((r) => r.ok).length;
    deps.audit.complete(id, pinned === results.length ? 'ok' : pinned === 0 ? 'failed' : 'partial', `${pinned} of ${results.length} pinned`);
    return results;
  } catch (error) {
    deps.audit.complete(id, 'failed', AppError.is(error) ? `${error.code}: ${error.message}` : String(error));
    throw error;
  }
}
