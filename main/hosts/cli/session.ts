import os from 'node:os';
import type { App } from '../../app';
import type { Services } from '../../../shared/contract/services';
import type { PrederivedKey } from '../../services/vault/vaultService';
import { resolveDataDir } from '../../store/dataDir';
import type { appRouter } from '../../../shared/contract/router';
import { readPassphrase } from './prompt';

export type Caller = ReturnType<typeof appRouter.createCaller>;

// The services and the router are imported when a command first needs them, not at startup:
// `clusterdeck --help` or `nodeset` never load them (they are most of the bundle).
const loadApp = () => import('../../app');
const loadBmcApp = () => import('./bmcApp');
const loadRouter = () => import('../../../shared/contract/router');
const loadBmcRouter = () => import('./bmcRouter');
const loadPrederive = () => import('../../services/vault/prederive');

export interface GlobalOptions { dataDir?: string; json?: boolean }

/**
 * Which services the command's callers get: every one (createApp), or only what the BMC commands
 * (power, sensors, sel) use (./bmcApp.ts, a fraction of the code to load). open() is always the full app.
 */
export type Composition = 'full' | 'bmc';

interface Composed { services: Services; close(): void }

export interface EarlyUnlock { passphrase: string; dataDir: string; derivation: Promise<PrederivedKey | undefined> }

/**
 * Starts deriving the vault key at once when the passphrase is in the environment: the BMC
 * commands call this before their modules load (`dataDir`: --data-dir read ahead from argv). A
 * session uses it only if the passphrase and the data folder are the ones it was started for.
 */
export async function startEarlyUnlock(dataDir: string | undefined): Promise<EarlyUnlock | undefined> {
  const passphrase = process.env.CLUSTERDECK_PASSPHRASE;
  if (!passphrase) return undefined;
  const dir = resolveDataDir(dataDir);
  // Awaited by the caller: scrypt is under way before the next module loads.
  const { prederiveVaultKey } = await loadPrederive();
  return { passphrase, dataDir: dir, derivation: prederiveVaultKey(dir, passphrase) };
}

/**
 * One CLI invocation's view of ClusterDeck: the same services and the same router as the other
 * front doors, called in-process, so input validation and auditing are identical.
 */
export class CliSession {
  private app?: App;
  private bmc?: Composed;
  private callerInstance?: Caller;

  /** `early`: a derivation started before the command's modules loaded (startEarlyUnlock). */
  constructor(private readonly opts: GlobalOptions, readonly composition: Composition = 'full', private early?: EarlyUnlock) {}

  get dataDir(): string {
    return resolveDataDir(this.opts.dataDir);
  }

  /** Opens the store; `needVault` asks for the passphrase (env or prompt) before the first secret is touched. */
  async open(needVault = false): Promise<App> {
    return this.openApp(needVault, false);
  }

  private async openApp(needVault: boolean, withRouter: boolean): Promise<App> {
    if (!this.app) {
      const { passphrase, derivation } = await this.startUnlock(needVault);
      const [{ createApp }] = await Promise.all([loadApp(), withRouter ? loadRouter() : undefined]);
      const vaultKey = await derivation;
      this.app ??= createApp({ dataDir: this.dataDir, passphrase, vaultKey });
    }
    return this.app;
  }

  /**
   * The passphrase, and its vault key being derived on libuv's thread pool (scrypt, ~0.1 s) while
   * the caller goes on loading the services' modules on the main thread.
   */
  private async startUnlock(needVault: boolean): Promise<{ passphrase?: string; derivation?: Promise<PrederivedKey | undefined> }> {
    const passphrase = needVault ? await readPassphrase() : process.env.CLUSTERDECK_PASSPHRASE;
    if (!passphrase) return { passphrase };
    const early = this.early;
    this.early = undefined;
    if (early && early.passphrase === passphrase && early.dataDir === this.dataDir) return { passphrase, derivation: early.derivation };
    void early?.derivation.then((k) => k?.key.fill(0)); // started for another folder: not kept in memory
    const { prederiveVaultKey } = await loadPrederive();
    return { passphrase, derivation: prederiveVaultKey(this.dataDir, passphrase) };
  }

  private async services(needVault: boolean): Promise<Services> {
    if (this.app) return this.app.services;
    if (this.composition === 'full') return (await this.openApp(needVault, true)).services;
    if (!this.bmc) {
      const { passphrase, derivation } = await this.startUnlock(needVault);
      const [{ createBmcApp }] = await Promise.all([loadBmcApp(), loadBmcRouter()]);
      const prederived = await derivation;
      this.bmc ??= createBmcApp({ dataDir: this.dataDir, passphrase, prederived });
    }
    return this.bmc.services;
  }

  async caller(needVault = false): Promise<Caller> {
    this.callerInstance ??= await this.newCaller(needVault);
    return this.callerInstance;
  }

  /** A caller of its own, whose procedures see `signal` (Ctrl-C cancels a batch or a transfer through it). */
  async newCaller(needVault = false, signal?: AbortSignal): Promise<Caller> {
    const services = await this.services(needVault);
    const ctx = { services, actor: { user: os.userInfo().username, via: 'cli' as const } };
    // The BMC commands call only the power and inventory procedures (./bmcRouter.ts): typed as the
    // whole contract's caller, any other path fails with tRPC's "No procedure found".
    if (!this.app) return (await loadBmcRouter()).bmcRouter.createCaller(ctx, { signal }) as unknown as Caller;
    return (await loadRouter()).appRouter.createCaller(ctx, { signal });
  }

  close(): void {
    this.bmc?.close();
    this.app?.close();
  }
}
