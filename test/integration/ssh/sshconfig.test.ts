// ~/.ssh/config import against a config written here: Host aliases become nodes, wildcard
// patterns only lend options (first match wins), IdentityFile keys become vault credentials
// (an encrypted one stays encrypted and needs its passphrase), and an imported node logs in to a
// real lab sshd with the imported key.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type SshServer } from '../../../main/lab';
import { createApp, type App } from '../../../main/app';
import { createSshConfigService } from '../../../main/services/consoles/sshConfigImport';
import { appRouter } from '../../../shared/contract/router';
import type { StreamEvent } from '../../../shared/contract/schemas/streams';
import { AppError } from '../../../shared/errors';
import { cli } from '../../support/cli';
import { tempDir } from '../../support/tmp';

const actor = { user: 'tester', via: 'cli' as const };

describe('nodes import-ssh-config', () => {
  const t = tempDir();
  const data = path.join(t.dir, 'data');
  const home = path.join(t.dir, 'home');
  const sshDir = path.join(home, '.ssh');
  const configPath = path.join(sshDir, 'config');
  let sshd: SshServer;
  let app: App;
  let api: ReturnType<typeof appRouter.createCaller>;
  const oldHome = process.env.HOME;

  beforeAll(async () => {
    fs.mkdirSync(sshDir, { recursive: true });
    sshd = await startSshd({ stateDir: path.join(t.dir, 'lab') });
    fs.copyFileSync(sshd.privateKeyPath, path.join(sshDir, 'id_lab'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret phrase', '-C', 'locked', '-f', path.join(sshDir, 'id_locked')]);
    fs.writeFileSync(configPath, [
      '# written by the test',
      'Host gpu*',
      '  User ops',
      '  Port 2200',
      '  ProxyJump bastion',
      '',
      'Host gpu01 gpu02',
      '  HostName %h.cluster.local',
      '  User ignored-because-gpu*-came-first',
      '',
      'Host gpu02',
      '  HostName 10.1.0.2',
      '',
      'Host bastion',
      '  HostName bastion.example.org',
      '  IdentityFile ~/.ssh/id_missing',
      '  IdentityFile ~/.ssh/id_locked',
      '',
      'Host lab',
      '  HostName 127.0.0.1',
      `  Port ${sshd.port}`,
      `  User ${sshd.user}`,
      '  IdentityFile %d/.ssh/id_lab',
      '  ProxyCommand nc %h %p',
      '',
      'Host bad_alias! weird:name',
      '  HostName x',
      '',
      'Match exec "touch ' + path.join(t.dir, 'pwned') + '"',
      '  User matched',
      '',
      'Host *',
      '  User fallback',
      '',
    ].join('\n'));
    process.env.HOME = home; // ~ and %d in the config are this home
    app = createApp({ dataDir: data, passphrase: 'test-passphrase' });
    api = appRouter.createCaller({ services: app.services, actor });
  }, 60_000);

  afterAll(async () => {
    process.env.HOME = oldHome;
    await app?.shutdown();
    await sshd?.stop();
    t.cleanup();
  });

  it('previews without changing anything: aliases, first-match-wins options, patterns, keys and warnings', async () => {
    const r = await api.sshconfig.import({ path: configPath, dryRun: true, passphrases: {} });
    const byAlias = Object.fromEntries(r.hosts.map((h) => [h.alias, h]));
    expect(Object.keys(byAlias).sort()).toEqual(['bastion', 'gpu01', 'gpu02', 'lab', 'weird:name']);
    // gpu01: HostName with %h; User, Port and ProxyJump from "Host gpu*", which comes first.
    expect(byAlias.gpu01).toMatchObject({ hostname: 'gpu01.cluster.local', port: 2200, user: 'ops', jumpHost: 'bastion', credential: null, status: 'new' });
    // gpu02: the first HostName that applies wins over the later "Host gpu02" block, as in OpenSSH.
    expect(byAlias.gpu02).toMatchObject({ hostname: 'gpu02.cluster.local', port: 2200, user: 'ops', jumpHost: 'bastion', status: 'new' });
    expect(byAlias.bastion).toMatchObject({ hostname: 'bastion.example.org', port: 22, user: 'fallback', jumpHost: null, identityFile: path.join(sshDir, 'id_locked'), credential: 'ssh-id_locked', status: 'new' });
    expect(byAlias.lab).toMatchObject({ hostname: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: path.join(sshDir, 'id_lab'), credential: 'ssh-id_lab', status: 'new' });
    expect(byAlias['weird:name']).toMatchObject({ status: 'skipped' });
    expect(byAlias['weird:name'].reason).toMatch(/not a valid node name/);
    expect(r.patterns).toEqual(['gpu*', 'bad_alias!', '*']);
    expect(r.keys.map((k) => [path.basename(k.file), k.status, k.encrypted])).toEqual([['id_locked', 'needs-passphrase', true], ['id_lab', 'new', false]]);
    expect(r.warnings.join('\n')).toMatch(/config:\d+: ProxyCommand \(Host lab\) is not carried over/);
    expect(r.warnings.join('\n')).toMatch(/Match exec is never run/);
    expect(fs.existsSync(path.join(t.dir, 'pwned'))).toBe(false);
    expect(r.imported).toBe(0);
    expect((await api.inventory.listNodes({ offset: 0, limit: 100 })).total).toBe(0);
    expect(await api.vault.list()).toEqual([]);
  });

  it('imports nothing while an encrypted key has no passphrase, or a wrong one', async () => {
    const none = await api.sshconfig.import({ path: configPath, dryRun: false, passphrases: {} });
    expect(none.imported).toBe(0);
    const wrong = await api.sshconfig.import({ path: configPath, dryRun: false, passphrases: { '~/.ssh/id_locked': 'nope' } });
    expect(wrong.keys.find((k) => k.file.endsWith('id_locked'))).toMatchObject({ status: 'wrong-passphrase' });
    expect(wrong.imported).toBe(0);
    expect((await api.inventory.listNodes({ offset: 0, limit: 100 })).total).toBe(0);
    expect(await api.vault.list()).toEqual([]);
  });

  it('stores nothing when a write fails part-way: keys and nodes go in together or not at all', async () => {
    // The real inventory, failing on the third node as a full disk or a concurrent edit would.
    let added = 0;
    const inventory = { ...app.services.inventory, addNode: (...args: Parameters<typeof app.services.inventory.addNode>) => {
      if (++added === 3) throw new AppError('INVENTORY_CONFLICT', 'simulated failure on the third node');
      return app.services.inventory.addNode(...args);
    } };
    const importer = createSshConfigService({ inventory, vault: app.vault, audit: app.audit, atomically: (write) => app.db.transaction(write)(), home });
    await expect(Promise.resolve().then(() => importer.import(actor, { path: configPath, dryRun: false, update: false, passphrases: { '~/.ssh/id_locked': 'secret phrase' } }))).rejects.toThrow(/third node/);
    expect(added).toBe(3);
    expect((await api.inventory.listNodes({ offset: 0, limit: 100 })).items).toEqual([]);
    expect(await api.vault.list()).toEqual([]);
    const [entry] = (await api.audit.list({ module: 'inventory', offset: 0, limit: 10 })).items;
    expect(entry).toMatchObject({ action: 'import-ssh-config', result: 'failed' });
    expect(entry.detail).toMatch(/third node/);
  });

  it('imports the nodes and keys (the encrypted key kept encrypted with its passphrase), and the imported node logs in', async () => {
    const r = await api.sshconfig.import({ path: configPath, dryRun: false, passphrases: { '~/.ssh/id_locked': 'secret phrase' } });
    expect(r.imported).toBe(4);
    const nodes = (await api.inventory.listNodes({ offset: 0, limit: 100 })).items;
    expect(nodes.map((n) => [n.name, n.ssh])).toEqual([
      ['bastion', { host: 'bastion.example.org', port: 22, user: 'fallback', credential: 'ssh-id_locked', jumpHost: null }],
      ['gpu01', { host: 'gpu01.cluster.local', port: 2200, user: 'ops', credential: null, jumpHost: 'bastion' }],
      ['gpu02', { host: 'gpu02.cluster.local', port: 2200, user: 'ops', credential: null, jumpHost: 'bastion' }],
      ['lab', { host: '127.0.0.1', port: sshd.port, user: sshd.user, credential: 'ssh-id_lab', jumpHost: null }],
    ]);
    const creds = await api.vault.list();
    expect(creds.map((c) => [c.name, c.kind, c.hasPassphrase])).toEqual([['ssh-id_lab', 'ssh_key', false], ['ssh-id_locked', 'ssh_key', true]]);
    // Kept encrypted: the stored secret is the key file as it was.
    expect(app.vault.reveal('ssh-id_locked').secret).toBe(fs.readFileSync(path.join(sshDir, 'id_locked'), 'utf8'));

    await api.hostkeys.accept({ target: 'lab', host: '127.0.0.1', port: sshd.port, fingerprint: sshd.hostKeyFingerprint });
    const term = app.services.streams.open(actor, { kind: 'ssh', target: 'lab', cols: 80, rows: 24 })[Symbol.asyncIterator]();
    let id = '';
    let screen = '';
    while (!/imported-42/.test(screen)) {
      const { value, done } = await term.next();
      if (done) throw new Error(`closed: ${screen}`);
      const e = value as StreamEvent;
      if (e.type === 'opened') { id = e.id; app.services.streams.write(id, Buffer.from('echo imported-$((40+2))\n').toString('base64')); }
      else if (e.type === 'data') { const b = Buffer.from(e.data, 'base64'); app.services.streams.ack(id, b.length); screen += b.toString('utf8'); }
      else throw new Error(`exit: ${e.reason}`);
    }
    app.services.streams.close(id);
    await term.return?.(undefined);
  });

  it('a second import leaves existing nodes alone, reuses the same keys, and --update replaces SSH settings', async () => {
    const again = await api.sshconfig.import({ path: configPath, dryRun: false, passphrases: { '~/.ssh/id_locked': 'secret phrase' } });
    expect(again.hosts.filter((h) => h.status === 'exists').map((h) => h.alias).sort()).toEqual(['bastion', 'gpu01', 'gpu02', 'lab']);
    expect(again.keys.map((k) => k.status)).toEqual(['exists', 'exists']);
    expect(again.imported).toBe(0);
    fs.appendFileSync(configPath, '\n');
    const text = fs.readFileSync(configPath, 'utf8').replace('HostName bastion.example.org', 'HostName 10.9.9.9');
    const updated = await api.sshconfig.import({ text, dryRun: false, update: true, passphrases: { '~/.ssh/id_locked': 'secret phrase' } });
    expect(updated.imported).toBe(4);
    expect((await api.inventory.getNode({ name: 'bastion' })).ssh?.host).toBe('10.9.9.9');
    expect((await api.vault.list()).length).toBe(2);
  });

  it('names the file and the reason for an unreadable config', async () => {
    try {
      await api.sshconfig.import({ path: path.join(t.dir, 'nope', 'config'), dryRun: true, passphrases: {} });
      throw new Error('expected an error');
    } catch (error) {
      const e = AppError.is(error) ? error : (error as { cause?: AppError }).cause!;
      expect(e.code).toBe('SSHCONFIG_UNREADABLE');
      expect(e.message).toContain(path.join(t.dir, 'nope', 'config'));
      expect(e.message).toContain('ENOENT');
    }
  });

  it('CLI: --dry-run prints the plan, then imports; a locked key without a terminal is refused with the reason', () => {
    const data2 = path.join(t.dir, 'data2');
    const run = (args: string[]) => cli(data2, args, { env: { HOME: home } });
    const dry = run(['nodes', 'import-ssh-config', configPath, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^lab\s+new\s+127\.0\.0\.1\s+\d+/m);
    expect(dry.stdout).toMatch(/dry run: 4 node\(s\) would be imported/);
    expect(dry.stderr).toMatch(/patterns \(options applied, not nodes\): gpu\* bad_alias! \*/);
    expect(run(['nodes', 'list', '--json']).stdout.trim()).toBe('[]');
    const locked = run(['nodes', 'import-ssh-config', configPath]);
    expect(locked.code).toBe(2);
    expect(locked.stderr).toMatch(/id_locked: the key is encrypted; give its passphrase/);
    expect(locked.stderr).toMatch(/nothing was imported/);
    fs.writeFileSync(path.join(t.dir, 'plain_config'), fs.readFileSync(configPath, 'utf8').replace(/\n {2}IdentityFile ~\/\.ssh\/id_locked/, ''));
    const ok = run(['nodes', 'import-ssh-config', path.join(t.dir, 'plain_config')]);
    expect(ok.stderr).not.toMatch(/error/i);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/imported 4 node\(s\)/);
    expect((JSON.parse(run(['nodes', 'list', '--json']).stdout) as { name: string }[]).map((n) => n.name)).toEqual(['bastion', 'gpu01', 'gpu02', 'lab']);
  });
});
