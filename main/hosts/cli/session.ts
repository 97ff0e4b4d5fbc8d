import os from 'node:os';
import type { App } from '../../app';
import { resolveDataDir } from '../../store/dataDir';
import type { appRouter } from '../../../shared/contract/router';
import { readPassphrase } from './prompt';

export type Caller = ReturnType<typeof appRouter.createCaller>;

// The services and the router are imported when a command first needs them, not at startup:
// `clusterdeck --help` or `nodeset` never load them (they are most of the bundle).
const loadApp = () => import('../../app');
const loadRouter = () => import('../../../shared/contract/router');

export interface GlobalOptions { dataDir?: string; json?: boolean }

/**
 * One CLI invocation's view of ClusterDeck: the same services and the same router as the other
 * front doors, called in-process, so input validation and auditing are identical.
 */
export class CliSession {
  private app?: App;
  private callerInstance?: Caller;

  constructor(private readonly opts: GlobalOptions) {}

  get dataDir(): string {
    return resolveDataDir(this.opts.dataDir);
  }

  /** Opens the store; `needVault` asks for the passphrase (env or prompt) before the first secret is touched. */
  async open(needVault = false): Promise<App> {
    if (!this.app) {
      const passphrase = needVault ? await readPassphrase() : process.env.CLUSTERDECK_PASSPHRASE;
      const { createApp } = await loadApp();
      this.app ??= createApp({ dataDir: this.dataDir, passphrase });
    }
    return this.app;
  }

  async caller(needVault = false): Promise<Caller> {
    this.callerInstance ??= await this.newCaller(needVault);
    return this.callerInstance;
  }

  /** A caller of its own, whose procedures see `signal` (Ctrl-C cancels a batch or a transfer through it). */
  async newCaller(needVault = false, signal?: AbortSignal): Promise<Caller> {
    const [app, { appRouter }] = await Promise.all([this.open(needVault), loadRouter()]);
    return appRouter.createCaller({ services: app.services, actor: { user: os.userInfo().username, via: 'cli' } }, { signal });
  }

  close(): void {
    this.app?.close();
  }
}
