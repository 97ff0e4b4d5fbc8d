import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../main/app';
import { DB_FILE } from '../../../main/store/db';
import { tempDir } from '../../support/tmp';

const actor = { user: 'tester', via: 'cli' as const };
const SECRET = 'Sup3r-Secret-BMC-Passw0rd!';

describe('vault', () => {
  const open: App[] = [];
  const dirs: { cleanup(): void }[] = [];
  afterEach(() => { open.splice(0).forEach((a) => a.close()); dirs.splice(0).forEach((d) => d.cleanup()); });
  const start = (dir: string, passphrase?: string) => { const a = createApp({ dataDir: dir, passphrase }); open.push(a); return a; };
  const fresh = () => { const t = tempDir(); dirs.push(t); return t.dir; };

  it('stores secrets encrypted: the database file and its WAL never hold the plaintext', () => {
    const dir = fresh();
    const app = start(dir, 'correct horse');
    app.services.vault.add(actor, { name: 'bmc-admin', kind: 'password', username: 'admin', secret: SECRET, passphrase: null, replace: false });
    app.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const f of fs.readdirSync(dir)) {
      const bytes = fs.readFileSync(path.join(dir, f));
      expect(bytes.includes(Buffer.from(SECRET)), `${f} holds the secret`).toBe(false);
    }
    expect(app.vault.reveal('bmc-admin').secret).toBe(SECRET);
  });

  it('lists names and kinds only, never the secret', () => {
    const app = start(fresh(), 'pp');
    app.services.vault.add(actor, { name: 'k', kind: 'password', username: 'u', secret: SECRET, passphrase: null, replace: false });
    expect(JSON.stringify(app.services.vault.list())).not.toContain(SECRET);
    expect(app.services.vault.list()[0]).toMatchObject({ name: 'k', kind: 'password', username: 'u', hasPassphrase: false });
  });

  it('opens with the same passphrase in a new process and refuses a wrong one', () => {
    const dir = fresh();
    start(dir, 'right one').services.vault.add(actor, { name: 'k', kind: 'token', username: null, secret: SECRET, passphrase: null, replace: false });
    open.splice(0).forEach((a) => a.close());
    expect(start(dir, 'right one').vault.reveal('k').secret).toBe(SECRET);
    open.splice(0).forEach((a) => a.close());
    expect(() => start(dir, 'wrong one')).toThrow(/Wrong vault passphrase/);
  });

  it('stays locked without a passphrase and says how to unlock; unlock() then works', () => {
    const dir = fresh();
    start(dir, 'pp').services.vault.add(actor, { name: 'k', kind: 'token', username: null, secret: SECRET, passphrase: null, replace: false });
    open.splice(0).forEach((a) => a.close());
    const app = start(dir);
    expect(app.services.vault.status()).toEqual({ initialized: true, unlocked: false, protections: ['passphrase'] });
    expect(() => app.vault.reveal('k')).toThrow(/vault is locked.*CLUSTERDECK_PASSPHRASE/);
    expect(() => app.services.vault.unlock('nope')).toThrow(/Wrong vault passphrase/);
    expect(app.services.vault.unlock('pp').unlocked).toBe(true);
    expect(app.vault.reveal('k').secret).toBe(SECRET);
  });

  it('binds each ciphertext to its row: a secret copied onto another credential does not decrypt', () => {
    const app = start(fresh(), 'pp');
    app.services.vault.add(actor, { name: 'a', kind: 'password', username: null, secret: 'aaa', passphrase: null, replace: false });
    app.services.vault.add(actor, { name: 'b', kind: 'password', username: null, secret: 'bbb', passphrase: null, replace: false });
    app.db.prepare("UPDATE credentials SET secret = (SELECT secret FROM credentials WHERE name = 'a') WHERE name = 'b'").run();
    expect(() => app.vault.reveal('b')).toThrow();
  });

  it('rejects duplicates and key material that is not a private key; audits without the secret', () => {
    const app = start(fresh(), 'pp');
    app.services.vault.add(actor, { name: 'k', kind: 'password', username: null, secret: SECRET, passphrase: null, replace: false });
    expect(() => app.services.vault.add(actor, { name: 'k', kind: 'password', username: null, secret: 'x', passphrase: null, replace: false })).toThrow(/already exists/);
    expect(() => app.services.vault.add(actor, { name: 'key', kind: 'ssh_key', username: null, secret: 'not a key', passphrase: null, replace: false })).toThrow(/private key/);
    const audit = JSON.stringify(app.services.audit.list({ offset: 0, limit: 100 }));
    expect(audit).toContain('"module":"vault"');
    expect(audit).not.toContain(SECRET);
  });

  it('uses the OS keychain when the host offers one, and the passphrase still opens it in the CLI', () => {
    const dir = fresh();
    // A stand-in keychain with a key of its own, the way safeStorage behaves.
    const osKey = Buffer.alloc(32, 7);
    const keychain = {
      isAvailable: () => true,
      encrypt: (b: Buffer) => Buffer.from(b.map((x, i) => x ^ osKey[i % 32])),
      decrypt: (b: Buffer) => Buffer.from(b.map((x, i) => x ^ osKey[i % 32])),
    };
    const desktop = createApp({ dataDir: dir, passphrase: 'pp', osKeychain: keychain });
    desktop.services.vault.add(actor, { name: 'k', kind: 'password', username: null, secret: SECRET, passphrase: null, replace: false });
    desktop.close();
    const again = createApp({ dataDir: dir, osKeychain: keychain });
    expect(again.vault.reveal('k').secret).toBe(SECRET);
    expect(again.services.vault.status().protections.sort()).toEqual(['os', 'passphrase']);
    again.close();
    expect(start(dir, 'pp').vault.reveal('k').secret).toBe(SECRET);
  });
});
