// `clusterdeck exec` and `clusterdeck hostkeys` through the built CLI, against 50 inventory nodes
// that are aliases of one lab sshd, plus nodes on ports where nothing listens.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownHostsLine, startSshd, type SshServer } from '../../../main/lab';
import { BIN, cli, csv } from '../../support/cli';
import { tempDir } from '../../support/tmp';
import { deadPort, silentListener } from '../ssh/helpers';

const HEADER = 'name,hostname,ssh_host,ssh_port,ssh_user,ssh_credential,ssh_jump_host';

describe('clusterdeck exec / hostkeys (CLI, real sshd)', () => {
  const t = tempDir('cd-exec-');
  const data = path.join(t.dir, 'data');
  const home = path.join(t.dir, 'home');
  let sshd: SshServer;
  let silent: Awaited<ReturnType<typeof silentListener>>;
  const dead: number[] = [];
  // HOME points at an empty folder: the tests never read or write the real ~/.ssh/known_hosts.
  const run = (args: string[], input?: string) => cli(data, args, { env: { HOME: home, SSH_AUTH_SOCK: '' }, input });

  beforeAll(async () => {
    fs.mkdirSync(path.join(home, '.ssh'), { recursive: true });
    sshd = await startSshd({ stateDir: path.join(t.dir, 'lab') });
    silent = await silentListener();
    for (let i = 0; i < 3; i++) dead.push(await deadPort());
    const key = fs.readFileSync(sshd.privateKeyPath, 'utf8');
    expect(run(['creds', 'add', 'lab-key', '--kind', 'ssh_key', '--user', sshd.user], key).code).toBe(0);
    const rows = [HEADER];
    for (let i = 1; i <= 50; i++) rows.push(`node${String(i).padStart(3, '0')},127.0.0.1,127.0.0.1,${sshd.port},${sshd.user},lab-key,`);
    dead.forEach((p, i) => rows.push(`dead${i + 1},127.0.0.1,127.0.0.1,${p},${sshd.user},lab-key,`));
    rows.push(`hung1,127.0.0.1,127.0.0.1,${silent.port},${sshd.user},lab-key,`);
    rows.push('nossh1,127.0.0.1,,,,,');
    // Reached through node001 as its jump host (ProxyJump by node name).
    rows.push(`behind1,127.0.0.1,127.0.0.1,${sshd.port},${sshd.user},lab-key,node001`);
    const file = path.join(t.dir, 'nodes.csv');
    fs.writeFileSync(file, csv(rows));
    const r = run(['nodes', 'import', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  afterAll(async () => {
    await sshd?.stop();
    await silent?.close();
    t.cleanup();
  });

  it('refuses unknown host keys by default, naming the fingerprint; nothing runs', () => {
    const r = run(['exec', 'node[001-003]', '--', 'touch', path.join(t.dir, 'must-not-exist')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('node[001-003] (3): error:');
    expect(r.stderr).toContain(sshd.hostKeyFingerprint);
    expect(r.stderr).toContain('SSH_HOSTKEY_UNKNOWN');
    expect(fs.existsSync(path.join(t.dir, 'must-not-exist'))).toBe(false);
  });

  it('hostkeys scan stores the key once per endpoint; list shows it with its nodes', () => {
    const r = run(['hostkeys', 'scan', 'node[001-050],dead1', '--connect-timeout', '5', '--json']);
    expect(r.code).toBe(1); // dead1's endpoint cannot be scanned
    const results = JSON.parse(r.stdout) as { port: number; status: string; fingerprint: string | null; nodes: string; error: { code: string } | null }[];
    const ok = results.find((x) => x.port === sshd.port)!;
    expect(ok).toMatchObject({ status: 'new', fingerprint: sshd.hostKeyFingerprint, nodes: 'node[001-050]' });
    expect(results.find((x) => x.port === dead[0])).toMatchObject({ status: 'error', nodes: 'dead1', error: { code: 'SSH_UNREACHABLE' } });
    const again = run(['hostkeys', 'scan', 'node001', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)[0].status).toBe('known');
    const list = run(['hostkeys', 'list', '--json']);
    const entries = JSON.parse(list.stdout) as { port: number; fingerprint: string; source: string; nodes: string }[];
    expect(entries).toEqual([expect.objectContaining({ port: sshd.port, fingerprint: sshd.hostKeyFingerprint, source: 'clusterdeck', nodes: 'behind1,node[001-050]' })]);
  });

  it('runs on 50 aliases plus unreachable, hung and endpoint-less nodes: folded output, exit 1, each failure named separately', () => {
    const t0 = Date.now();
    const r = run(['exec', 'node[001-050],dead[1-3],hung1,nossh1,ghost7', '--connect-timeout', '2', '--', 'echo hello; echo warn >&2']);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('---------------\nnode[001-050] (50)\n---------------\nhello\n');
    // Remote stderr is folded onto ours the same way (root's pyenv .bashrc may add noise here).
    expect(r.stderr).toMatch(/^node\S+ \(\d+\)\n-+\nwarn\n/m);
    const summary = r.stderr.trim().split('\n').pop()!;
    expect(summary).toMatch(/^clusterdeck: exec: 50 ok; 3 unreachable: dead\[1-3\]; 1 timeout: hung1; 2 error: ghost7,nossh1 \(\d+\.\d s\)$/);
    expect(r.stderr).toMatch(/dead1 \(1\): unreachable: SSH: connection refused by 127\.0\.0\.1:\d+/);
    expect(r.stderr).toContain('hung1 (1): timeout:');
    expect(r.stderr).toContain('nossh1 (1): error: nossh1 has no SSH endpoint');
    expect(r.stderr).toContain('ghost7 (1): error: ghost7 is not in the inventory');
  });

  it('folds by identical output and exit status and reports failed nodes with their exit code', () => {
    // Output depends on the parity of each connection's client port: two groups, sizes adding up.
    const r = run(['exec', 'node[001-010]', '--', 'p=${SSH_CLIENT#* }; p=${p%% *}; if [ $((p % 2)) = 0 ]; then echo even; else echo odd; exit 3; fi']);
    const groups = [...r.stdout.matchAll(/^(node\S*) \((\d+)\)\n-+\n(even|odd)\n/gm)];
    expect(groups.reduce((n, g) => n + Number(g[2]), 0)).toBe(10);
    const odds = groups.find((g) => g[3] === 'odd');
    expect(r.code).toBe(odds ? 1 : 0);
    if (odds) expect(r.stderr).toContain(`clusterdeck: ${odds[1]} (${odds[2]}): exited with exit code 3`);
    const odd = run(['exec', 'node[001-004]', '--', 'echo same; exit 2']);
    expect(odd.code).toBe(1);
    expect(odd.stdout).toBe('---------------\nnode[001-004] (4)\n---------------\nsame\n');
    expect(odd.stderr).toContain('clusterdeck: node[001-004] (4): exited with exit code 2');
    expect(odd.stderr).toMatch(/exec: 4 failed \(exit 2\): node\[001-004\]/);
  });

  it('--lines prints "node: line" as each node finishes (clush without -b)', () => {
    const r = run(['exec', 'node[001-003]', '--lines', '--', 'echo hi; echo oops >&2']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual(['node001: hi', 'node002: hi', 'node003: hi']);
    expect(r.stderr).toMatch(/^node00[1-3]: oops$/m);
    expect(r.stderr).toMatch(/exec: 3 ok/);
  });

  it('writes the run to the audit log (begun before, completed with result and folded summary)', () => {
    const r = run(['audit', 'list', '--module', 'exec', '--json']);
    const entries = JSON.parse(r.stdout) as { action: string; targets: string; result: string; detail: string; params: Record<string, unknown> }[];
    const partial = entries.find((e) => e.targets.includes('dead[1-3]'))!;
    expect(partial).toMatchObject({ action: 'run', result: 'partial' });
    expect(partial.params).toMatchObject({ command: 'echo hello; echo warn >&2', fanout: 64, connectTimeoutS: 2 });
    expect(partial.detail).toContain('3 unreachable: dead[1-3]');
    // The first run (unknown host keys) failed on every node.
    expect(entries.some((e) => e.targets === 'node[001-003]' && e.result === 'failed' && e.detail.includes('3 error'))).toBe(true);
    expect(entries.every((e) => e.result !== 'running')).toBe(true);
  });

  it('--json gives every node and the summary; a node behind a jump host runs too', () => {
    const r = run(['exec', 'node[001-005],behind1,dead1', '--json', '--fanout', '3', '--', 'echo $((6*7))']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { summary: { counts: Record<string, number>; nodes: Record<string, string>; groups: { nodes: string; stdout: string }[]; auditId: number }; nodes: { name: string; status: string; exitCode: number | null; stdout: string; error: { code: string } | null }[] };
    expect(out.summary.counts).toMatchObject({ ok: 6, unreachable: 1, failed: 0, timeout: 0, error: 0 });
    expect(out.summary.nodes.unreachable).toBe('dead1');
    expect(out.summary.groups[0]).toMatchObject({ nodes: 'behind1,node[001-005]', stdout: '42\n' });
    expect(out.nodes).toHaveLength(7);
    expect(out.nodes.find((n) => n.name === 'behind1')).toMatchObject({ status: 'ok', exitCode: 0, stdout: '42\n' });
    expect(out.nodes.find((n) => n.name === 'dead1')).toMatchObject({ status: 'unreachable', error: { code: 'SSH_UNREACHABLE' } });
    expect(out.summary.auditId).toBeGreaterThan(0);
  });

  it('the first Ctrl-C cancels the run: every node is reported cancelled and the command exits 1', async () => {
    const started = path.join(t.dir, 'ctrlc-started');
    const child = spawn(process.execPath, [BIN, '--data-dir', data, 'exec', 'node[001-003]', '--', `touch ${started}-$$; exec sleep 60`], {
      env: { ...process.env, CLUSTERDECK_PASSPHRASE: 'test-passphrase', HOME: home, SSH_AUTH_SOCK: '' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    await expect.poll(() => fs.readdirSync(t.dir).filter((f) => f.startsWith('ctrlc-started-')).length, { timeout: 30_000 }).toBe(3);
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    expect(stderr).toContain('clusterdeck: cancelling (Ctrl-C again to quit at once)');
    expect(stderr).toMatch(/exec: .*3 cancelled: node\[001-003\]/);
  });

  it('hostkeys forget removes the stored key; --accept-new then stores it again while running', () => {
    const f = run(['hostkeys', 'forget', 'node[001-050]']);
    expect(f.code).toBe(0);
    expect(f.stdout).toBe('removed 1 key(s) for 1 endpoint(s)\n');
    expect(JSON.parse(run(['hostkeys', 'list', '--json']).stdout)).toEqual([]);
    const r = run(['exec', 'node[001-020]', '--accept-new', '--', 'echo', 'ok']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('---------------\nnode[001-020] (20)\n---------------\nok\n');
    expect(r.stderr).toMatch(/20 ok .*; 1 new host key\(s\) stored/);
    expect(JSON.parse(run(['hostkeys', 'list', '--json']).stdout)).toHaveLength(1);
  });

  it('a changed host key in ~/.ssh/known_hosts is refused with both fingerprints, even with --accept-new', () => {
    // known_hosts claims another key for the endpoint and ClusterDeck's store has none. (When
    // one source has the presented key, it is accepted, as OpenSSH does with several entries.)
    expect(run(['hostkeys', 'forget', 'node001']).stdout).toBe('removed 1 key(s) for 1 endpoint(s)\n');
    const fake = { ...sshd, hostPublicKey: sshd.publicKey.split(' ').slice(0, 2).join(' ') };
    fs.writeFileSync(path.join(home, '.ssh', 'known_hosts'), knownHostsLine(fake) + '\n');
    try {
      const r = run(['exec', 'node[001-002]', '--accept-new', '--', 'true']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('has CHANGED');
      expect(r.stderr).toContain(sshd.hostKeyFingerprint);
      expect(r.stderr).toContain(fake.hostPublicKey ? 'presented: ssh-ed25519' : '');
      expect(r.stderr).toContain('SSH_HOSTKEY_CHANGED');
      const list = JSON.parse(run(['hostkeys', 'list', 'node001', '--json']).stdout) as { source: string }[];
      expect(list.map((e) => e.source)).toEqual(['~/.ssh/known_hosts:1']);
    } finally {
      fs.rmSync(path.join(home, '.ssh', 'known_hosts'));
    }
  });

  it('usage errors exit 2: no command, bad fanout, bad node set', () => {
    expect(run(['exec', 'node001']).code).toBe(2);
    expect(run(['exec', 'node001', '--fanout', '0', '--', 'true']).code).toBe(2);
    const bad = run(['exec', 'node[001-', '--', 'true']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/node\[001-/);
  });
});
