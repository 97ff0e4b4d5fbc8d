// The CLI's BMC composition (main/hosts/cli/bmcApp.ts): the services `power`, `sensors` and `sel`
// use, wired like createApp, over the same store and vault; any other service names itself.
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../main/app';
import { BMC_SERVICES, createBmcApp, type BmcApp } from '../../../main/hosts/cli/bmcApp';
import { bmcRouter } from '../../../main/hosts/cli/bmcRouter';
import { prederiveVaultKey } from '../../../main/services/vault/prederive';
import { appRouter } from '../../../shared/contract/router';
import { tempDir } from '../../support/tmp';

const actor = { user: 'tester', via: 'cli' as const };

describe('CLI BMC composition', () => {
  const open: BmcApp[] = [];
  const dirs: { cleanup(): void }[] = [];
  afterEach(() => { open.splice(0).forEach((a) => a.close()); dirs.splice(0).forEach((d) => d.cleanup()); });

  /** A data folder with one node whose BMC credential is in the vault (written by the full app). */
  const folder = () => {
    const t = tempDir(); dirs.push(t);
    const app = createApp({ dataDir: t.dir, passphrase: 'pp' });
    app.services.vault.add(actor, { name: 'bmc', kind: 'password', username: 'admin', secret: 's3cret', passphrase: null, replace: false });
    app.services.inventory.importNodes(actor, { format: 'csv', text: 'name,hostname,bmc_host,bmc_port,bmc_protocol,bmc_credential\nn1,127.0.0.1,127.0.0.1,1,ipmi,bmc\n', update: false, createMissing: false });
    app.close();
    return t.dir;
  };

  it('reads the same inventory and vault as the full app, unlocking with a key derived ahead', async () => {
    const dir = folder();
    const bmc = createBmcApp({ dataDir: dir, passphrase: 'pp', prederived: await prederiveVaultKey(dir, 'pp') });
    open.push(bmc);
    expect(bmc.services.vault.status()).toMatchObject({ initialized: true, unlocked: true });
    expect(bmc.services.inventory.previewNodeSet('n1')).toMatchObject({ count: 1 });
    expect(bmc.services.power.lastStates({ nodeset: 'n1' })).toEqual([]); // no batch ran yet
    expect(bmc.services.vault.list().map((c) => [c.name, c.usedBy])).toEqual([['bmc', 1]]);
    expect(Object.keys(bmc.services).sort()).toEqual([...BMC_SERVICES].sort());
  });

  it('names a service it does not hold instead of failing later on undefined', () => {
    const bmc = createBmcApp({ dataDir: folder(), passphrase: 'pp' });
    open.push(bmc);
    expect(() => bmc.services.jobs).toThrow(/jobs service is not part of the CLI's BMC composition \(main\/hosts\/cli\/bmcApp\.ts\)/);
  });

  it('refuses a wrong passphrase', async () => {
    const dir = folder();
    const prederived = await prederiveVaultKey(dir, 'nope');
    expect(() => createBmcApp({ dataDir: dir, passphrase: 'nope', prederived })).toThrow(/Wrong vault passphrase/);
  });

  it('calls the very procedures of the whole contract (same validation), power and inventory only', async () => {
    const procs = (r: { _def: { procedures: object } }) => r._def.procedures as Record<string, unknown>;
    const bmcPaths = Object.keys(procs(bmcRouter));
    expect(bmcPaths.length).toBeGreaterThan(0);
    expect(bmcPaths.every((p) => p.startsWith('power.') || p.startsWith('inventory.'))).toBe(true);
    expect(bmcPaths.sort()).toEqual(Object.keys(procs(appRouter)).filter((p) => /^(power|inventory)\./.test(p)).sort());
    for (const p of bmcPaths) expect(procs(bmcRouter)[p], p).toBe(procs(appRouter)[p]);
    // Input validation is the contract's: a bad node set is refused before any service runs.
    const bmc = createBmcApp({ dataDir: folder(), passphrase: 'pp' });
    open.push(bmc);
    const caller = bmcRouter.createCaller({ services: bmc.services, actor });
    await expect(caller.inventory.previewNodeSet({ expr: 'n'.repeat(100_001) })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await caller.inventory.previewNodeSet({ expr: 'n1' })).toMatchObject({ count: 1, folded: 'n1' });
  });
});
