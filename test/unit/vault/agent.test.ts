// The vault agent (main/services/vault/agent.ts): derives the key once, checks it opens the vault,
// serves it on a 0600 socket in the data folder, and a CLI run's vault opens with it and without
// the passphrase. A stale socket, a wrong passphrase or a changed passphrase fall back cleanly.
import fs from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../main/app';
import { deriveCheckedKey, startVaultAgent, type VaultAgent } from '../../../main/services/vault/agent';
import { agentSocketPath, askAgent, keyFromAgent } from '../../../main/services/vault/agentClient';
import { tempDir } from '../../support/tmp';

const actor = { user: 'tester', via: 'cli' as const };
const SECRET = 'Agent-Held-BMC-Passw0rd!';

describe('vault agent', () => {
  const open: App[] = [];
  const agents: VaultAgent[] = [];
  const dirs: { cleanup(): void }[] = [];
  afterEach(async () => {
    open.splice(0).forEach((a) => a.close());
    for (const a of agents.splice(0)) { a.stop(); await a.stopped; }
    dirs.splice(0).forEach((d) => d.cleanup());
  });
  const start = (...args: Parameters<typeof createApp>) => { const a = createApp(...args); open.push(a); return a; };
  const vaultDir = (passphrase: string) => {
    const t = tempDir(); dirs.push(t);
    start({ dataDir: t.dir, passphrase }).services.vault.add(actor, { name: 'k', kind: 'password', username: 'admin', secret: SECRET, passphrase: null, replace: false });
    open.splice(0).forEach((a) => a.close());
    return t.dir;
  };
  const agentFor = async (dir: string, passphrase: string) => {
    const a = await startVaultAgent(dir, await deriveCheckedKey(dir, passphrase), 60_000);
    agents.push(a);
    return a;
  };

  it('serves the key on a socket only its user may open; the vault opens with it, no passphrase given', async () => {
    const dir = vaultDir('agent pass');
    const agent = await agentFor(dir, 'agent pass');
    expect(agent.socketPath).toBe(agentSocketPath(dir));
    expect(fs.statSync(agent.socketPath).mode & 0o777).toBe(0o600);
    const key = await keyFromAgent(dir);
    expect(key?.fromAgent).toBe(true);
    const app = start({ dataDir: dir, vaultKey: key });
    expect(app.services.vault.status().unlocked).toBe(true);
    expect(app.vault.reveal('k').secret).toBe(SECRET);
    expect(key!.key.every((b) => b === 0)).toBe(true); // wiped once it unwrapped the data key
  });

  it('refuses to start with a wrong passphrase, and twice for one folder', async () => {
    const dir = vaultDir('agent pass');
    await expect(deriveCheckedKey(dir, 'not it')).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSPHRASE' });
    await agentFor(dir, 'agent pass');
    await expect(startVaultAgent(dir, await deriveCheckedKey(dir, 'agent pass'), 60_000)).rejects.toMatchObject({ code: 'VAULT_AGENT_RUNNING' });
  });

  it('stop wipes the key and removes the socket; a stale socket or none means no key', async () => {
    const dir = vaultDir('agent pass');
    const agent = await agentFor(dir, 'agent pass');
    expect(await askAgent(agent.socketPath, 'stop')).toEqual({ stopping: true });
    await agent.stopped;
    expect(fs.existsSync(agent.socketPath)).toBe(false);
    expect(await keyFromAgent(dir)).toBeUndefined();
    // A socket file left by a killed agent: nobody listens, the CLI derives the key itself.
    const stale = net.createServer();
    await new Promise<void>((r) => stale.listen(agent.socketPath, () => r()));
    await new Promise<void>((r) => stale.close(() => r()));
    fs.writeFileSync(agent.socketPath, ''); // close() unlinked it; leave a dead file behind
    expect(await keyFromAgent(dir)).toBeUndefined();
    const again = await agentFor(dir, 'agent pass'); // replaces the stale file
    expect((await askAgent(again.socketPath, 'status'))?.pid).toBe(process.pid);
  });

  it('a key that no longer fits (passphrase changed since the agent started) falls back to the passphrase', async () => {
    const dir = vaultDir('old pass');
    const key = await deriveCheckedKey(dir, 'old pass');
    const other = vaultDir('new pass');
    const locked = start({ dataDir: other, vaultKey: { ...key, fromAgent: true } });
    expect(locked.services.vault.status().unlocked).toBe(false);
    const byPassphrase = start({ dataDir: other, passphrase: 'new pass', vaultKey: { ...(await deriveCheckedKey(dir, 'old pass')), fromAgent: true } });
    expect(byPassphrase.vault.reveal('k').secret).toBe(SECRET);
  });
});
