// The composition root: one data folder, one database, the services every front door shares.
import type { Db } from './store/db';
import { openDatabase } from './store/db';
import type { Services } from '../shared/contract/services';
import { AuditLog } from './services/audit/auditLog';
import { createAuditService } from './services/audit/auditService';
import { createInventory } from './services/inventory/inventoryService';
import { createVault, type PrederivedKey, type Vault } from './services/vault/vaultService';
import type { OsKeychain } from './services/vault/osKeychain';
import { createSystemService } from './services/system/systemService';
import { ChangeFeed } from './services/events/changeFeed';
import { StreamHub } from './services/streams/streamHub';
import { sshShellFactory } from './services/consoles/sshShell';
import { solConsoleFactory } from './services/consoles/solConsole';
import { SshPool } from './protocols/ssh';
import { DbHostKeyStore } from './services/hostkeys/hostKeyStore';
import { createHostKeysService } from './services/hostkeys/hostKeysService';
import { createSshConfigService } from './services/consoles/sshConfigImport';
import { createExecService } from './services/exec/execService';
import { createPowerService } from './services/power';
import { JobStore, createJobsService, createTemplatesService } from './services/jobs';
import { createFilesService } from './services/files/filesService';
import { createForwardsService } from './services/forwards/forwardsService';
import { createDatasetsService } from './services/datasets/datasetsService';
import { createQueuesService, slurmRunnerFor } from './services/queues';

export interface AppOptions {
  dataDir: string;
  /** Vault passphrase (CLUSTERDECK_PASSPHRASE or a prompt); optional, the UI can unlock later. */
  passphrase?: string;
  /** That passphrase's key, derived while the modules loaded (services/vault/prederive.ts); optional. */
  vaultKey?: PrederivedKey;
  osKeychain?: OsKeychain;
}

export interface App {
  dataDir: string;
  db: Db;
  services: Services;
  vault: Vault;
  audit: AuditLog;
  /** Console kinds (ssh, sol) register their session factories here. */
  streams: StreamHub;
  close(): void;
  /** close() after the consoles said goodbye (SOL deactivation); use before the process exits. */
  shutdown(): Promise<void>;
}

export function createApp(opts: AppOptions): App {
  const db = openDatabase(opts.dataDir);
  const audit = new AuditLog(db);
  const feed = new ChangeFeed(db);
  audit.onComplete = () => feed.notify();
  const vault = createVault(db, audit, { passphrase: opts.passphrase, osKeychain: opts.osKeychain, prederived: opts.vaultKey });
  const streams = new StreamHub(audit);
  const inventory = createInventory(db, audit);
  const hostKeys = new DbHostKeyStore(db);
  const exec = createExecService({ inventory, vault, audit, hostKeys });
  // Terminals get their own connections: a long interactive session never holds an exec slot.
  const consolePool = new SshPool();
  streams.register('ssh', sshShellFactory({ inventory, vault, hostKeys, pool: consolePool }));
  streams.register('sol', solConsoleFactory({ inventory, reveal: (name) => vault.reveal(name) }));
  // Files and forwards get connections of their own too: a big upload never slows a terminal.
  const filesPool = new SshPool();
  const forwardPool = new SshPool();
  const forwards = createForwardsService({ inventory, vault, audit, hostKeys, pool: forwardPool });
  const power = createPowerService({ db, audit, inventory, reveal: (name) => vault.reveal(name) });
  const jobStore = new JobStore(db);
  const templates = createTemplatesService(jobStore, audit);
  // Slurm login nodes over SSH get their own pool too.
  const jobsPool = new SshPool();
  const jobs = createJobsService({ store: jobStore, audit, vault, templates, ssh: { pool: jobsPool, hostKeys } });
  const queues = createQueuesService({
    jobs, audit,
    slurmRunner: (b) => slurmRunnerFor(b, vault, { pool: jobsPool, hostKeys }),
    kube: (b) => jobs.kubeClient(b),
    kubeUsageJobs: (actor, b, since, signal) => jobs.kubeUsageJobs(actor, b.name, since, signal),
  });
  const files = createFilesService({ inventory, vault, audit, hostKeys, pool: filesPool });
  const services: Services = {
    inventory,
    vault,
    audit: createAuditService(db),
    system: createSystemService(db, opts.dataDir, feed),
    power,
    streams,
    exec,
    hostkeys: createHostKeysService({ inventory, vault, audit, store: hostKeys }),
    sshconfig: createSshConfigService({ inventory, vault, audit, atomically: (write) => db.transaction(write)() }),
    jobs,
    templates,
    files,
    forwards,
    datasets: createDatasetsService({ db, audit, dataDir: opts.dataDir, upload: (actor, input, signal) => files.upload(actor, input, signal) }),
    queues,
  };
  let streamsClosed = false;
  const app: App = {
    dataDir: opts.dataDir,
    db,
    services,
    vault,
    audit,
    streams,
    shutdown: async () => {
      await streams.closeAll();
      streamsClosed = true;
      app.close();
    },
    close: () => {
      // Without shutdown() first (the CLI, which opens no consoles), live consoles are only told to end.
      if (!streamsClosed) void streams.closeAll();
      void consolePool.close();
      void forwards.closeAll().then(() => forwardPool.close());
      void filesPool.close();
      jobs.close(); // Kubernetes watches
      void jobsPool.close();
      void exec.close();
      void power.close(); // cancels running batches; their sessions close on the pool's socket
      feed.close();
      if (db.open) db.close();
    },
  };
  return app;
}
