// `clusterdeck backends|jobs` with a kubernetes backend, through the built command (run
// `npm run build` first), against the wire-level test API server in this process. The CLI is
// spawned asynchronously: the test server answers from this process's event loop.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BIN } from '../../support/cli';
import { FakeKubeApiServer, kubeconfigText, until } from '../../support/k8s';
import { tempDir } from '../../support/tmp';

interface Run { code: number | null; stdout: string; stderr: string }

describe('clusterdeck CLI with a kubernetes backend', { timeout: 120_000 }, () => {
  const tmp = tempDir('clusterdeck-kube-cli-');
  const data = path.join(tmp.dir, 'data');
  const kubeconfigFile = path.join(tmp.dir, 'kubeconfig');
  let server: FakeKubeApiServer;

  function start(args: string[]): { done: Promise<Run>; out: () => string; kill: () => void } {
    const child = spawn(process.execPath, [BIN, '--data-dir', data, ...args], { env: { ...process.env, CLUSTERDECK_PASSPHRASE: 'test-passphrase' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
    return { done, out: () => stdout, kill: () => child.kill('SIGINT') };
  }
  async function ok(...args: string[]): Promise<string> {
    const r = await start(args).done;
    if (r.code !== 0) throw new Error(`clusterdeck ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  }

  beforeAll(async () => {
    server = await FakeKubeApiServer.start();
    writeFileSync(kubeconfigFile, kubeconfigText([
      { name: 'lab', server: server.url, token: 'token-alice', user: 'alice', namespace: 'team-a', ca: server.pki.ca },
      { name: 'other', server: server.url, token: 'token-alice', user: 'alice', namespace: 'team-b', ca: server.pki.ca },
    ]));
  });
  afterAll(async () => {
    await server?.close();
    tmp.cleanup();
  });

  it('adds the backend from a kubeconfig file, lists and switches contexts', async () => {
    expect(await ok('backends', 'add', 'k8s', '--kind', 'kubernetes', '--kubeconfig', kubeconfigFile, '--context', 'other')).toMatch(/backend k8s \(kubernetes, context other, https:\/\/127\.0\.0\.1:\d+\) added; its kubeconfig is in the vault as k8s-kubeconfig/);
    expect(await ok('backends', 'contexts', 'k8s')).toMatch(/\n\s+lab .*team-a\n\*\s+other .*team-b/);
    expect(await ok('backends', 'use-context', 'k8s', 'lab')).toMatch(/now uses context lab/);
    const list = await ok('backends', 'list', '--json');
    expect(JSON.parse(list)).toEqual([expect.objectContaining({ name: 'k8s', kind: 'kubernetes', context: 'lab', credential: 'k8s-kubeconfig' })]);
    expect(list).not.toContain('token-alice');
    const bad = await start(['backends', 'add', 'x', '--kind', 'kubernetes', '--kubeconfig', kubeconfigFile, '--context', 'prod']).done;
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/no context "prod"; it has: lab, other/);
  });

  it('submits the previewed PyTorchJob, shows pods and events, tails and follows logs, cancels', async () => {
    const params = ['--template', 'pytorch-ddp', '--param', 'name=cli-ddp', '--param', 'workers=1', '--param', 'command=python', '--param', 'command=-c', '--param', "command='; rm -rf ~ #", '--param', 'env.X=$(id)'];
    const preview = await ok('jobs', 'preview', ...params);
    const j = JSON.parse(await ok('jobs', 'submit', '--json', ...params)) as { id: number; backendJobId: string };
    expect(j.backendJobId).toBe('PyTorchJob/team-a/cli-ddp');
    expect(server.requests.filter((r) => r.method === 'POST').at(-1)!.body).toEqual(parse(preview));
    expect(preview).toContain(`- "'; rm -rf ~ #"`);

    await until(() => server.objects('', 'pods', 'team-a').length === 2, 'the pods');
    server.controllers.advance('kubeflow.org', 'pytorchjobs', 'team-a', 'cli-ddp', 'Running');
    expect(await ok('jobs', 'list')).toMatch(/cli-ddp\s+submitted\s+running\s+Running\s+k8s\s+PyTorchJob\/team-a\/cli-ddp/);
    expect(await ok('jobs', 'pods', String(j.id))).toMatch(/cli-ddp-master-0\s+master\s+Running[\s\S]*cli-ddp-worker-0\s+worker/);
    expect(await ok('jobs', 'events', String(j.id))).toMatch(/SuccessfulCreatePod[\s\S]*PyTorchJobRunning/);

    server.appendLog('team-a', 'cli-ddp-master-0', 'epoch 1', 'epoch 2');
    expect(await ok('jobs', 'logs', String(j.id))).toContain('[cli-ddp-master-0] epoch 2');
    const f = start(['jobs', 'logs', String(j.id), '-f']);
    await until(() => f.out().includes('[cli-ddp-master-0] epoch 2'), 'the tail before following', 30_000);
    server.appendLog('team-a', 'cli-ddp-worker-0', 'worker up');
    await until(() => f.out().includes('[cli-ddp-worker-0] worker up'), 'a followed line', 10_000);
    // The containers exit: the follow ends by itself.
    server.controllers.advance('kubeflow.org', 'pytorchjobs', 'team-a', 'cli-ddp', 'Succeeded');
    expect((await f.done).code).toBe(0);
    expect(await ok('jobs', 'list')).toMatch(/cli-ddp\s+submitted\s+succeeded\s+Succeeded/);

    const k = JSON.parse(await ok('jobs', 'submit', '--json', '--template', 'pytorch-ddp', '--param', 'name=to-cancel', '--param', 'workers=0')) as { id: number };
    expect(await ok('jobs', 'cancel', String(k.id))).toMatch(/to-cancel\s+submitted\s+cancelled\s+Deleted/);
    expect(server.requests.filter((r) => r.method === 'DELETE').at(-1)).toMatchObject({ path: '/apis/kubeflow.org/v1/namespaces/team-a/pytorchjobs/to-cancel', body: { propagationPolicy: 'Background' } });
  });
});
