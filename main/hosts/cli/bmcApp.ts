// The services `clusterdeck power|sensors|sel` use, composed without the rest of main/app.ts:
// store, audit, vault, inventory and power only, wired as createApp wires them. A run of
// `power status` then loads neither SSH, jobs, queues, files, forwards nor datasets (most of the
// main bundle: main/hosts/cli/commandTable.ts marks the commands, test/integration/cli/cliStartup.test.ts
// checks what loads). Keep the wiring below in step with createApp.
import { openDatabase } from '../../store/db';
import type { Services } from '../../../shared/contract/services';
import { AuditLog } from '../../services/audit/auditLog';
import { ChangeFeed } from '../../services/events/changeFeed';
import { createInventory } from '../../services/inventory/inventoryService';
import { createVault, type PrederivedKey } from '../../services/vault/vaultService';
import { createPowerService } from '../../services/power';

export interface BmcAppOptions {
  dataDir: string;
  passphrase?: string;
  /** The passphrase's key, derived while the modules loaded (main/services/vault/prederive.ts). */
  prederived?: PrederivedKey;
}

export interface BmcApp {
  /** inventory, vault and power; any other service is a programming error that names itself. */
  services: Services;
  close(): void;
}

export const BMC_SERVICES = ['inventory', 'vault', 'power'] as const;

export function createBmcApp(opts: BmcAppOptions): BmcApp {
  const db = openDatabase(opts.dataDir);
  const audit = new AuditLog(db);
  const feed = new ChangeFeed(db);
  audit.onComplete = () => feed.notify();
  try {
    const vault = createVault(db, audit, { passphrase: opts.passphrase, prederived: opts.prederived });
    const inventory = createInventory(db, audit);
    const power = createPowerService({ db, audit, inventory, reveal: (name) => vault.reveal(name) });
    const present: Pick<Services, (typeof BMC_SERVICES)[number]> = { inventory, vault, power };
    const services = new Proxy(present, {
      get(target, key, receiver) {
        if (typeof key === 'string' && key !== 'then' && !(key in target)) {
          throw new Error(`The ${key} service is not part of the CLI's BMC composition (main/hosts/cli/bmcApp.ts); add it there or run the command with the full app.`);
        }
        return Reflect.get(target, key, receiver);
      },
    }) as Services;
    return {
      services,
      close() {
        void power.close(); // cancels running batches; their sessions close on the pool's socket
        vault.lock(); // the data key leaves memory (the vault agent keeps this app open for hours)
        feed.close();
        if (db.open) db.close();
      },
    };
  } catch (error) {
    feed.close();
    db.close();
    throw error;
  }
}
