// `clusterdeck queues` on a kubernetes backend, through the built command (run `npm run build`
// first), against the wire-level test API server in this process (the CLI is spawned
// asynchronously so this process's event loop can answer it).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../../support/cli';
import { FakeKubeApiServer, kubeconfigText, until } from '../../support/k8s';
import { tempDir } from '../../support/tmp';

interface Run { code: number | null; stdout: string; stderr: string }

describe('clusterdeck queues with Volcano', { timeout: 120_000 }, () => {
  const tmp = tempDir('clusterdeck-queues-volcano-cli-');
  const data = path.join(tmp.dir, 'data');
  let server: FakeKubeApiServer;
  let bare: FakeKubeApiServer;

  function run(...args: string[]): Promise<Run> {
    const child = spawn(process.execPath, [BIN, '--data-dir', data, ...args], { env: { ...process.env, CLUSTERDECK_PASSPHRASE: 'test-passphrase' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    return new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  }
  async function ok(...args: string[]): Promise<string> {
    const r = await run(...args);
    if (r.code !== 0) throw new Error(`clusterdeck ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  }
  const queue = (name: string) => server.object('scheduling.volcano.sh', 'queues', null, name);

  beforeAll(async () => {
    server = await FakeKubeApiServer.start();
    bare = await FakeKubeApiServer.start({ addons: { kubeflow: true, volcano: false } });
    for (const [name, s] of [['k8s', server], ['bare', bare]] as const) {
      const file = path.join(tmp.dir, `${name}.kubeconfig`);
      writeFileSync(file, kubeconfigText([{ name: 'lab', server: s.url, token: 'token-alice', user: 'alice', namespace: 'team-a', ca: s.pki.ca }]));
      await ok('backends', 'add', name, '--kind', 'kubernetes', '--kubeconfig', file);
    }
  });
  afterAll(async () => {
    await server?.close();
    await bare?.close();
    tmp.cleanup();
  });

  it('creates, lists, updates and removes a queue', async () => {
    expect(await ok('queues', 'create', 'research', '--backend', 'k8s', '--weight', '2', '--no-reclaimable', '--deserved', 'cpu=64,nvidia.com/gpu=8', '--capability', 'cpu=128,memory=1Ti,nvidia.com/gpu=16'))
      .toMatch(/^queue research: \w+, weight 2, reclaimable no\ndeserved cpu=64,nvidia.com\/gpu=8; guarantee -; capability cpu=128,memory=1Ti,nvidia.com\/gpu=16\n$/);
    expect(queue('research')?.spec).toEqual({ weight: 2, reclaimable: false, deserved: { cpu: '64', 'nvidia.com/gpu': '8' }, capability: { cpu: '128', memory: '1Ti', 'nvidia.com/gpu': '16' } });
    await until(() => queue('research')?.status?.state === 'Open', 'the queue to open');
    server.update('scheduling.volcano.sh', 'queues', null, 'research', (q) => (q.status = { ...q.status, running: 1, allocated: { cpu: '8', 'nvidia.com/gpu': '2' } }));

    const table = await ok('queues', 'list', '--backend', 'k8s');
    expect(table).toMatch(/^QUEUE\s+STATE\s+WEIGHT\s+RECLAIMABLE\s+DESERVED\s+GUARANTEE\s+CAPABILITY\s+ALLOCATED\s+AVAILABLE\s+RUNNING/);
    expect(table).toMatch(/research\s+Open\s+2\s+no\s+cpu=64,nvidia.com\/gpu=8\s+-\s+cpu=128,memory=1Ti,nvidia.com\/gpu=16\s+cpu=8,nvidia.com\/gpu=2\s+cpu=120,memory=1Ti,nvidia.com\/gpu=14\s+1\s+0\s+0/);

    // Only what the line names changes; --reclaimable flips it back.
    await ok('queues', 'update', 'research', '--backend', 'k8s', '--guarantee', 'nvidia.com/gpu=4', '--reclaimable');
    expect(queue('research')?.spec).toMatchObject({ weight: 2, reclaimable: true, guarantee: { resource: { 'nvidia.com/gpu': '4' } }, deserved: { cpu: '64' } });
    await ok('queues', 'update', 'research', '--backend', 'k8s', '--deserved', 'none', '--weight', '3');
    expect(queue('research')?.spec).toMatchObject({ weight: 3, reclaimable: true, guarantee: { resource: { 'nvidia.com/gpu': '4' } } });
    expect(queue('research')?.spec?.deserved).toBeUndefined();

    const busy = await run('queues', 'rm', 'research', '--backend', 'k8s');
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(/queue research still has jobs \(1 running/);
    server.update('scheduling.volcano.sh', 'queues', null, 'research', (q) => (q.status = { ...q.status, running: 0 }));
    expect(await ok('queues', 'rm', 'research', '--backend', 'k8s')).toBe('queue research deleted from k8s\n');
    expect(queue('research')).toBeFalsy();
    expect(await ok('audit', 'list')).toMatch(/queue-delete/);
  });

  it('a cluster without Volcano: one clear sentence, exit 2; listing every backend still shows the others (exit 1)', async () => {
    const r = await run('queues', 'list', '--backend', 'bare');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^clusterdeck: error: Volcano is not installed on this cluster \(backend bare/);
    const all = await run('queues', 'list');
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/^== bare \(volcano\)\nerror: Volcano is not installed on this cluster[^\n]*\n\n== k8s \(volcano\)\nQUEUE/);
    const bad = await run('queues', 'create', 'Research', '--backend', 'k8s');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`clusterdeck: error: queue name "Research" is not valid: use lowercase letters, digits and "-" (at most 63), starting and ending with a letter or digit\n`);
  });
});
