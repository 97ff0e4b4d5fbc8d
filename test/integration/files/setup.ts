// A data folder with one lab sshd as nodes node001..node002 (key credential, host key trusted),
// opened in-process so tests call the router like the UI does.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { startSshd, type SshServer } from '../../../main/lab';
import { createApp, type App } from '../../../main/app';
import { appRouter } from '../../../shared/contract/router';
import { cli, csv } from '../../support/cli';

export interface LabApp { app: App; api: ReturnType<typeof appRouter.createCaller>; sshd: SshServer; close(): Promise<void> }

export async function labApp(dir: string): Promise<LabApp> {
  const data = path.join(dir, 'data');
  const home = path.join(dir, 'home');
  fs.mkdirSync(path.join(home, '.ssh'), { recursive: true });
  const sshd = await startSshd({ stateDir: path.join(dir, 'lab') });
  const run = (args: string[], input?: string) => cli(data, args, { env: { HOME: home, SSH_AUTH_SOCK: '' }, input });
  expect(run(['creds', 'add', 'lab-key', '--kind', 'ssh_key', '--user', sshd.user], fs.readFileSync(sshd.privateKeyPath, 'utf8')).code).toBe(0);
  const file = path.join(dir, 'nodes.csv');
  fs.writeFileSync(file, csv(['name,hostname,ssh_host,ssh_port,ssh_user,ssh_credential,ssh_jump_host',
    `node001,127.0.0.1,127.0.0.1,${sshd.port},${sshd.user},lab-key,`, `node002,127.0.0.1,127.0.0.1,${sshd.port},${sshd.user},lab-key,`, 'nossh1,127.0.0.1,,,,,']));
  expect(run(['nodes', 'import', file]).code).toBe(0);
  expect(run(['hostkeys', 'scan', 'node001']).code).toBe(0);
  const app = createApp({ dataDir: data, passphrase: 'test-passphrase' });
  const api = appRouter.createCaller({ services: app.services, actor: { user: 'tester', via: 'cli' } });
  return { app, api, sshd, close: async () => { app.close(); await sshd.stop(); } };
}
