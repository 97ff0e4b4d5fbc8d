// A running Slurm job's endpoint opened from this machine: the lab's Slurm runs a job that reports
// `clusterdeck-endpoint web NODE PORT` and serves a folder with python3's http.server ("Jupyter");
// ClusterDeck forwards 127.0.0.1:<any port> to it through the lab's sshd as the login node (an SSH
// local forward), and straight to the node for the backend on this machine. The forward closes when
// the job ends and when the caller leaves.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../main/app';
import { startSlurm, type SlurmLab } from '../../../main/lab/slurm';
import { startSshd, type SshServer } from '../../../main/lab/ssh';
import type { EndpointEvent } from '../../../shared/contract/schemas/jobs';
import { appRouter } from '../../../shared/contract/router';
import { tempDir } from '../../support/tmp';

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('Job endpoints on Slurm', { timeout: 180_000 }, () => {
  const tmp = tempDir('clusterdeck-endpoints-');
  let lab: SlurmLab;
  let sshd: SshServer;
  let app: App;
  let api: ReturnType<typeof appRouter.createCaller>;

  beforeAll(async () => {
    [lab, sshd] = await Promise.all([startSlurm({ stateDir: tmp.dir, rest: false }), startSshd({ stateDir: tmp.dir })]);
    app = createApp({ dataDir: join(tmp.dir, 'data'), passphrase: 'test-passphrase' });
    api = appRouter.createCaller({ services: app.services, actor: { user: 'tester', via: 'cli' } });
    await api.vault.add({ name: 'login-key', kind: 'ssh_key', username: sshd.user, secret: readFileSync(sshd.privateKeyPath, 'utf8') });
    await api.jobs.addBackend({ name: 'login', kind: 'slurm-cli', url: `ssh://${sshd.user}@127.0.0.1:${sshd.port}`, credential: 'login-key', env: { SLURM_CONF: lab.confPath }, workDir: lab.workDir });
    await api.jobs.addBackend({ name: 'here', kind: 'slurm-cli', url: 'local', env: lab.env, workDir: lab.workDir });
    mkdirSync(join(lab.workDir, 'www'), { recursive: true });
    writeFileSync(join(lab.workDir, 'www', 'notebook.txt'), 'the notebook behind the forward\n');
  }, 90_000);
  afterAll(async () => {
    await app?.shutdown();
    await sshd?.stop();
    await lab?.stop();
    tmp.cleanup();
  });

  /** Submits a "Jupyter": a job that reports its endpoint and serves the www folder on `port`. */
  async function startServerJob(backend: string, port: number): Promise<number> {
    const script = `echo clusterdeck-endpoint web "$SLURMD_NODENAME" ${port}; cd www && exec python3 -m http.server ${port} --bind 0.0.0.0`;
    const j = await api.jobs.submit({ template: 'shell', backend, params: { name: `web-${backend}`, program: 'sh', args: ['-c', script] } });
    expect(j.phase, j.lastError ?? '').toBe('submitted');
    for (let i = 0; i < 300; i++) {
      const now = await api.jobs.show({ id: j.id });
      if (now.state === 'running' && now.output && readFileSync(now.output, { encoding: 'utf8', flag: 'a+' }).includes('clusterdeck-endpoint')) return j.id;
      expect(['queued', 'running']).toContain(now.state);
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('the job did not start');
  }

  /** GET through the forward, retried while python's server is still starting behind it. */
  async function get(url: string): Promise<string> {
    let last: unknown;
    for (let i = 0; i < 100; i++) {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
        return await res.text();
      } catch (err) {
        last = err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    throw last;
  }

  it('forwards the reported endpoint through the login node, and closes it when the job ends', async () => {
    const port = await freePort();
    const id = await startServerJob('login', port);
    expect(await api.jobs.endpoints({ id })).toEqual([{ name: 'web', host: 'localhost', port, source: 'output', pod: null }]);
    // squeue's user and partition are recorded, and the list filters by them.
    expect(await api.jobs.show({ id })).toMatchObject({ user: lab.user, queue: 'debug' });
    expect((await api.jobs.list({ user: lab.user, queue: 'debug', refresh: false })).map((j) => j.id)).toContain(id);
    expect(await api.jobs.list({ queue: 'gpu', refresh: false })).toEqual([]);
    expect(await api.jobs.list({ user: 'nobody-else', refresh: false })).toEqual([]);

    const stop = new AbortController();
    const caller = appRouter.createCaller({ services: app.services, actor: { user: 'tester', via: 'cli' } }, { signal: stop.signal });
    const events = (await caller.jobs.openEndpoint({ id, name: 'web' }))[Symbol.asyncIterator]() as AsyncIterator<EndpointEvent>;
    const opened = (await events.next()).value as EndpointEvent;
    expect(opened).toMatchObject({ type: 'open', endpoint: { name: 'web', host: 'localhost', port }, via: `login node ${sshd.user}@127.0.0.1:${sshd.port}` });
    if (opened.type !== 'open') throw new Error('not open');
    expect(opened.url).toBe(`http://127.0.0.1:${opened.localPort}/`);
    expect(opened.localPort).not.toBe(port);
    expect(await get(`${opened.url}notebook.txt`)).toBe('the notebook behind the forward\n');

    await api.jobs.cancel({ id });
    const closed = (await events.next()).value as EndpointEvent;
    expect(closed).toMatchObject({ type: 'closed', reason: `job ${id} is cancelled` });
    expect((await events.next()).done).toBe(true);
    await expect(fetch(opened.url)).rejects.toThrow(); // nothing listens any more
    const audit = await api.audit.list({ module: 'jobs', action: 'endpoint-close' });
    expect(audit.items[0]).toMatchObject({ action: 'endpoint-close', result: 'ok' });
    // The opening is audited with where the forward went, once it listens.
    const open = await api.audit.list({ module: 'jobs', action: 'endpoint-open' });
    expect(open.items[0]).toMatchObject({ result: 'ok', detail: `${opened.url} → localhost:${port} via login node ${sshd.user}@127.0.0.1:${sshd.port}` });
  });

  it('forwards straight to the node for a backend on this machine, until the caller leaves', async () => {
    const port = await freePort();
    const id = await startServerJob('here', port);
    const stop = new AbortController();
    const caller = appRouter.createCaller({ services: app.services, actor: { user: 'tester', via: 'cli' } }, { signal: stop.signal });
    const events = (await caller.jobs.openEndpoint({ id, port }))[Symbol.asyncIterator]() as AsyncIterator<EndpointEvent>;
    const opened = (await events.next()).value as EndpointEvent;
    expect(opened).toMatchObject({ type: 'open', via: 'this machine', endpoint: { port } });
    if (opened.type !== 'open') throw new Error('not open');
    expect(await get(`${opened.url}notebook.txt`)).toBe('the notebook behind the forward\n');
    const pending = events.next();
    stop.abort(); // the tab closed / Ctrl-C
    expect((await pending).done).toBe(true);
    await expect(fetch(opened.url)).rejects.toThrow();
    await api.jobs.cancel({ id });
  });

  it('says what to do for a job that does not run, and for an endpoint it does not have', async () => {
    const j = await api.jobs.submit({ template: 'shell', backend: 'here', params: { program: 'true' }, draft: true });
    await expect(api.jobs.endpoints({ id: j.id })).rejects.toThrow(/is a draft; it has not reached a backend/);
    const port = await freePort();
    const id = await startServerJob('here', port);
    const events = (await api.jobs.openEndpoint({ id, name: 'jupyter' }))[Symbol.asyncIterator]();
    await expect(events.next()).rejects.toThrow(/has no endpoint named jupyter \(it has: web\)/);
    await api.jobs.cancel({ id });
    for (let i = 0; i < 100 && (await api.jobs.show({ id })).state !== 'cancelled'; i++) await new Promise((r) => setTimeout(r, 100));
    await expect(api.jobs.endpoints({ id })).rejects.toThrow(/is cancelled; its endpoints can be opened only while it runs/);
  });
});
