import os from 'node:os';
import { createApp, type App } from '../../app';
import { resolveDataDir } from '../../store/dataDir';
import { appRouter } from '../../../shared/contract/router';
import { readPassphrase } from './prompt';

export type Caller = ReturnType<typeof appRouter.createCaller>;

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
      this.app = createApp({ dataDir: this.dataDir, passphrase });
    }
    return this.app;
  }

  async caller(needVault = false): Promise<Caller> {
    const app = await this.open(needVault);
    this.callerInstance ??= appRouter.createCaller({ services: app.services, actor: { user: os.userInfo().username, via: 'cli' } });
    return this.callerInstance;
  }

  close(): void {
    this.app?.close();
  }
}
