// Shared fixture of the power tests: an in-process app on a temp data folder with BMC nodes
// written into the inventory through a CSV import (as a user would), and the contract's caller.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { createApp, type App } from '../../../main/app';
import { appRouter } from '../../../shared/contract/router';
import type { BatchSummary } from '../../../shared/contract/schemas/power';
import { tempDir } from '../../support/tmp';

export const PASSPHRASE = 'test-passphrase';
export const HEADER = 'name,hostname,groups,bmc_host,bmc_port,bmc_protocol,bmc_credential';

export interface NodeRow {
  name: string;
  host?: string;
  port?: number;
  protocol?: 'ipmi' | 'redfish';
  credential?: string;
  groups?: string[];
}

export interface PowerFixture {
  dir: string;
  dataDir: string;
  app: App;
  addCredential(name: string, username: string, secret: string): void;
  addNodes(rows: NodeRow[]): void;
  caller(signal?: AbortSignal): ReturnType<typeof appRouter.createCaller>;
  close(): Promise<void>;
}

export function powerFixture(tag: string): PowerFixture {
  const t = tempDir(`clusterdeck-power-${tag}-`);
  const dataDir = path.join(t.dir, 'data');
  const app = createApp({ dataDir, passphrase: PASSPHRASE });
  const actor = { user: 'tester', via: 'cli' as const };
  return {
    dir: t.dir,
    dataDir,
    app,
    addCredential(name, username, secret) {
      app.services.vault.add(actor, { name, kind: 'password', username, secret, passphrase: null, replace: true });
    },
    addNodes(rows) {
      const lines = [HEADER];
      for (const r of rows) {
        lines.push([r.name, '127.0.0.1', (r.groups ?? []).join(';'), r.host ?? '', r.port ?? '', r.host ? (r.protocol ?? 'ipmi') : '', r.credential ?? ''].join(','));
      }
      const res = app.services.inventory.importNodes(actor, { format: 'csv', text: `${lines.join('\n')}\n`, update: true, createMissing: true });
      expect(res.problems).toEqual([]);
    },
    caller: (signal) => appRouter.createCaller({ services: app.services, actor }, { signal }),
    async close() {
      await (app.services.power as unknown as { close(): Promise<void> }).close();
      app.close();
      t.cleanup();
    },
  };
}

export interface Collected<R> {
  events: { type: string }[];
  results: Map<string, R>;
  /** Results per node, to prove there is exactly one. */
  perNode: Map<string, number>;
  summary: BatchSummary;
  started: number;
  ms: number;
}

/** Drains a batch subscription; `onEvent` may cancel mid-way. */
export async function collect<R extends { type: 'result'; name: string }>(
  events: AsyncIterable<{ type: string }>,
  onEvent?: (e: { type: string }, seen: number) => void,
): Promise<Collected<R>> {
  const t0 = performance.now();
  const out: Collected<R> = { events: [], results: new Map(), perNode: new Map(), summary: undefined as unknown as BatchSummary, started: 0, ms: 0 };
  for await (const e of events) {
    out.events.push(e);
    if (e.type === 'result') {
      const r = e as unknown as R;
      out.results.set(r.name, r);
      out.perNode.set(r.name, (out.perNode.get(r.name) ?? 0) + 1);
    } else if (e.type === 'started') out.started++;
    else if (e.type === 'done') out.summary = (e as unknown as { summary: BatchSummary }).summary;
    onEvent?.(e, out.events.length);
  }
  out.ms = performance.now() - t0;
  return out;
}

/** The audit entries of the power module, newest first. */
export function powerAudit(app: App): { action: string; result: string | null; detail: string; targets: string; params: string }[] {
  return app.db.prepare("SELECT action, result, detail, targets, params FROM audit_log WHERE module = 'power' ORDER BY id DESC").all() as never;
}

export function writeFile(dir: string, name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}
