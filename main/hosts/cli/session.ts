import os from 'node:os';
import type { App } from '../../app';
import type { Services } from '../../../shared/contract/services';
import type { PrederivedKey } from '../../services/vault/vaultService';
import { resolveDataDir } from '../../store/dataDir';
import type { appRouter } from '../../../shared/contract/router';
import { readPassphrase } from './prompt';
import { keyFromAgent } from '../../services/vault/agentClient';

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

export interface EarlyUnlock {
  passphrase?: string;
  dataDir: string;
  /** The vault agent's key (clusterdeck agent start), asked for first: no scrypt when it answers. */
  agent: Promise<PrederivedKey | undefined>;
  /** The passphrase's key, derived only when no agent answered. */
  derivation: Promise<PrederivedKey | undefined>;
}

/**
 * Starts unlocking the vault at once: asks the data folder's vault agent for the key and, when
 * none answers and the passphrase is in the environment, starts deriving it. The BMC commands
 * call this before their modules load (`dataDir`: --data-dir read ahead from argv). A session
 * uses it only if the data folder is the one it was started for.
 */
export async function startEarlyUnlock(dataDir: string | undefined): Promise<EarlyUnlock> {
  const passphrase = process.env.CLUSTERDECK_PASSPHRASE;
  const dir = resolveDataDir(dataDir);
  const agent = keyFromAgent(dir);
  if (!passphrase) return { dataDir: dir, agent, derivation: Promise.resolve(undefined) };
  // Awaited by the caller: the agent was asked and, without one, scrypt is under way before the next module loads.
  const { prederiveVaultKey } = await loadPrederive();
  const derivation = agent.then((k) => (k ? undefined : prederiveVaultKey(dir, passphrase)));
  return { passphrase, dataDir: dir, agent, derivation };
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
   * The passphrase, and the vault key: from the vault agent when one runs for this data folder,
   * else being derived on libuv's thread pool (scrypt, ~0.1 s) while the caller goes on loading
   * the services' modules on the main thread. No prompt when the agent answered.
   */
  private async startUnlock(needVault: boolean): Promise<{ passphrase?: string; derivation?: Promise<PrederivedKey | undefined> }> {
    let early = this.early;
    this.early = undefined;
    if (early && early.dataDir !== this.dataDir) {
      // started for another folder: not kept in memory
      void early.agent.then((k) => k?.key.fill(0));
      void early.derivation.then((k) => k?.key.fill(0));
      early = undefined;
    }
    const envPassphrase = process.env.CLUSTERDECK_PASSPHRASE;
    const agent = early?.agent ?? keyFromAgent(this.dataDir);
    if (needVault && !envPassphrase) {
      const fromAgent = await agent; // asked before prompting
      if (fromAgent) return { derivation: Promise.resolve(fromAgent) };
    }
    const passphrase = needVault ? await readPassphrase() : envPassphrase;
    if (!passphrase) return { passphrase, derivation: agent };
    if (early && early.passphrase === passphrase) return { passphrase, derivation: early.agent.then(async (k) => k ?? (await early.derivation)) };
    void early?.derivation.then((k) => k?.key.fill(0));
    const { prederiveVaultKey } = await loadPrederive();
    return { passphrase, derivation: agent.then((k) => k ?? prederiveVaultKey(this.dataDir, passphrase)) };
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
