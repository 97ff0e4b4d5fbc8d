// The Power page's per-node rows and how they read: kept outside React so a thousand events a
// second change plain objects, and React sees at most one new array per animation frame.
import { foldNodeSet } from '../../../../shared/nodeset';
import type { AppErrorData } from '../../../../shared/errors';
import type { BatchStatusName, PowerAction, PowerState } from '../../../../shared/contract/schemas/power';

export type RowState = 'pending' | 'running' | BatchStatusName;

export interface PowerRow {
  name: string;
  protocol: 'ipmi' | 'redfish' | null;
  state: RowState;
  /** The action this row's state is about (a retry may run another one on some rows). */
  action: PowerAction;
  power: PowerState | null;
  startedAt: number | null;
  elapsedMs: number | null;
  attempts: number;
  error: AppErrorData | null;
}

export const isFinal = (s: RowState): boolean => s !== 'pending' && s !== 'running';

/** i18n key (under power:labels) of a finished row, as the folded summary groups it. */
export function labelOf(r: PowerRow): string {
  if (r.state !== 'ok') return r.state;
  switch (r.action) {
    case 'status':
      return r.power ?? 'unknown';
    case 'on':
    case 'off':
      return r.action;
    case 'cycle':
      return 'cycled';
    case 'reset':
      return 'reset';
    case 'soft':
      return 'shutdownRequested';
    case 'identify':
      return 'identifying';
    case 'bootdev':
      return 'bootSet';
  }
}

export interface SummaryPart {
  label: string;
  count: number;
  /** Folded names, for the groups that did not end ok (the ones to act on). */
  nodes: string | null;
}

/** `120 on, 6 off, 2 timeout: gpu[007,091]` as parts: successes largest first, then failures with their nodes. */
export function summaryParts(rows: readonly PowerRow[], foldNames = true): SummaryPart[] {
  const groups = new Map<string, { names: string[]; failed: boolean }>();
  for (const r of rows) {
    if (!isFinal(r.state)) continue;
    const key = labelOf(r);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { names: [], failed: r.state !== 'ok' }));
    g.names.push(r.name);
  }
  const order = (a: [string, { names: string[] }], b: [string, { names: string[] }]) => b[1].names.length - a[1].names.length || a[0].localeCompare(b[0]);
  const all = [...groups];
  return [
    ...all.filter(([, g]) => !g.failed).sort(order).map(([label, g]) => ({ label, count: g.names.length, nodes: null })),
    ...all.filter(([, g]) => g.failed).sort(order).map(([label, g]) => ({ label, count: g.names.length, nodes: foldNames ? foldNodeSet(g.names) : null })),
  ];
}

export function failedNodeset(rows: readonly PowerRow[]): string {
  const names = rows.filter((r) => isFinal(r.state) && r.state !== 'ok').map((r) => r.name);
  return names.length ? foldNodeSet(names) : '';
}

/** Untrusted Redfish certificates seen in the results: node and the fingerprint its BMC showed. */
export function untrusted(rows: readonly PowerRow[]): { name: string; fingerprint: string; host: string; port: number }[] {
  return rows
    .filter((r) => r.error?.code === 'REDFISH_CERT_UNKNOWN' && typeof r.error.params.fingerprint === 'string')
    .map((r) => ({ name: r.name, fingerprint: String(r.error!.params.fingerprint), host: String(r.error!.params.host), port: Number(r.error!.params.port) }));
}
