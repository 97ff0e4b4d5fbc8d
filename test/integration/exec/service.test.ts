// exec.run through the contract in-process: events stream as nodes finish, unsubscribing cancels
// the run (remote commands stop, the audit entry says cancelled), an encrypted key is decrypted
// once for many nodes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type SshServer } from '../../../main/lab';
import { createApp, type App } from '../../../main/app';
import { appRouter } from '../../../shared/contract/router';
import type { ExecEvent } from '../../../shared/contract/schemas/exec';
import { tempDir } from '../../support/tmp';
import { run as exec } from '../ssh/helpers';

describe('exec.run subscription (in-process)', () => {
  const t = tempDir('cd-exec-svc-');
  let sshd: SshServer;
  let app: App;
  const actor = { user: 'tester', via: 'cli' as const };

  beforeAll(async () => {
    sshd = await startSshd({ stateDir: path.join(t.dir, 'lab') });
    app = createApp({ dataDir: path.join(t.dir, 'data'), passphrase: 'test-passphrase' });
    const encrypted = path.join(t.dir, 'id_enc');
    fs.copyFileSync(sshd.privateKeyPath, encrypted);
    fs.chmodSync(encrypted, 0o600);
    await exec('ssh-keygen', ['-q', '-p', '-N', 'key-pass', '-P', '', '-f', encrypted]);
    app.services.vault.add(actor, { name: 'enc', kind: 'ssh_key', username: sshd.user, secret: fs.readFileSync(encrypted, 'utf8'), passphrase: 'key-pass', replace: false });
    app.services.vault.add(actor, { name: 'enc-wrong', kind: 'ssh_key', username: sshd.user, secret: fs.readFileSync(encrypted, 'utf8'), passphrase: 'not-it', replace: false });
    for (let i = 1; i <= 12; i++) {
      await appRouter.createCaller({ services: app.services, actor }).inventory.addNode({ name: `n${String(i).padStart(2, '0')}`, hostname: '127.0.0.1', ssh: { host: '127.0.0.1', port: sshd.port, user: sshd.user, credential: i <= 10 ? 'enc' : 'enc-wrong' } });
    }
  });

  afterAll(async () => {
    app?.close();
    await sshd?.stop();
    t.cleanup();
  });

  const caller = (signal?: AbortSignal) => appRouter.createCaller({ services: app.services, actor: { user: os.userInfo().username, via: 'cli' } }, { signal });

  it('streams one node event per node before the summary; a wrong key passphrase is one error per node, not a login attempt', async () => {
    const events: ExecEvent[] = [];
    for await (const ev of await caller().exec.run({ nodeset: 'n[01-12]', command: 'echo hi', acceptNew: true, fanout: 4 })) events.push(ev);
    expect(events[0]).toMatchObject({ type: 'started', total: 12, nodes: 'n[01-12]' });
    expect(events.filter((e) => e.type === 'node')).toHaveLength(12);
    const done = events.at(-1)!;
    if (done.type !== 'done') throw new Error('no summary');
    expect(done.summary.counts).toMatchObject({ ok: 10, error: 2 });
    expect(done.summary.nodes.error).toBe('n[11-12]');
    expect(done.summary.groups.map((g) => [g.nodes, g.status, g.error?.code ?? null])).toEqual([['n[01-10]', 'ok', null], ['n[11-12]', 'error', 'SSH_KEY_PASSPHRASE']]);
    expect(done.summary.hostKeysAdded).toBe(1);
    expect(JSON.stringify(events)).not.toMatch(/key-pass|not-it|PRIVATE KEY/);
  });

  it('unsubscribing cancels: running nodes and waiting nodes end cancelled, the audit entry says cancelled, nothing keeps running locally', async () => {
    const ctrl = new AbortController();
    const events: ExecEvent[] = [];
    const t0 = performance.now();
    const sub = await caller(ctrl.signal).exec.run({ nodeset: 'n[01-10]', command: 'sleep 30.75', fanout: 4 });
    setTimeout(() => ctrl.abort(), 700);
    try {
      for await (const ev of sub) events.push(ev);
    } catch {
      // tRPC may end an aborted subscription with an abort error; the events so far are what count
    }
    expect(performance.now() - t0).toBeLessThan(5000);
    const audit = app.services.audit.list({ module: 'exec', offset: 0, limit: 10 }).items[0];
    expect(audit.result).toBe('cancelled');
    expect(audit.targets).toBe('n[01-10]');
    expect(events.filter((e) => e.type === 'node').every((e) => e.type === 'node' && e.result.status === 'cancelled')).toBe(true);
  });

  it('a consumer that stops reading early (break) also cancels and completes the audit entry', async () => {
    const sub = await caller().exec.run({ nodeset: 'n[01-10]', command: 'sleep 20.5', fanout: 10 });
    for await (const ev of sub) {
      if (ev.type === 'started') break;
    }
    await new Promise((r) => setTimeout(r, 200));
    const audit = app.services.audit.list({ module: 'exec', offset: 0, limit: 1 }).items[0];
    expect(audit.result).toBe('cancelled');
  });
});
