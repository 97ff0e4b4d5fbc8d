// `clusterdeck jobs endpoints|open` through the built command against the test API server: the
// forward prints its URL, carries requests to the pod's port, and Ctrl-C closes it (exit 0).
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cliAsync } from '../../support/cli';
import { FakeKubeApiServer, kubeconfigText, until } from '../../support/k8s';
import { tempDir } from '../../support/tmp';

describe('clusterdeck jobs open with a kubernetes backend', { timeout: 120_000 }, () => {
  const tmp = tempDir('clusterdeck-kube-open-');
  const data = path.join(tmp.dir, 'data');
  let server: FakeKubeApiServer;
  let web: http.Server;
  let webPort: number;
  const ok = async (...args: string[]) => {
    const r = await cliAsync(data, args);
    if (r.code !== 0) throw new Error(`clusterdeck ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };

  beforeAll(async () => {
    server = await FakeKubeApiServer.start();
    web = http.createServer((req, res) => res.end(`tensorboard in the pod: ${req.url}`));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    webPort = (web.address() as AddressInfo).port;
    const file = path.join(tmp.dir, 'kubeconfig');
    writeFileSync(file, kubeconfigText([{ name: 'lab', server: server.url, token: 'token-alice', user: 'alice', namespace: 'team-a', ca: server.pki.ca }]));
    await ok('backends', 'add', 'k8s', '--kind', 'kubernetes', '--kubeconfig', file);
  });
  afterAll(async () => {
    await server?.close();
    web?.close();
    tmp.cleanup();
  });

  it('lists the endpoints, forwards one until Ctrl-C, and refuses bad ports', async () => {
    const sub = JSON.parse(await ok('jobs', 'submit', '--json', '--template', 'k8s-job', '--param', 'name=tb')) as { id: number };
    server.controllers.advance('batch', 'jobs', 'team-a', 'tb', 'Running');
    const pod = server.objects('', 'pods', 'team-a')[0].metadata.name;
    expect(await ok('jobs', 'endpoints', String(sub.id), '--json')).toBe('[]\n'); // k8s-job declares none
    const none = await cliAsync(data, ['jobs', 'open', String(sub.id)]);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/reports no endpoint .* give the port with --port N/);
    const bad = await cliAsync(data, ['jobs', 'open', String(sub.id), '--port', '70000']);
    expect(bad.stderr).toMatch(/--port "70000" must be a port number/);

    const child = spawn(process.execPath, [BIN, '--data-dir', data, 'jobs', 'open', String(sub.id), '--port', String(webPort)], { env: { ...process.env, CLUSTERDECK_PASSPHRASE: 'test-passphrase' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('close', r));
    await until(() => stdout.includes('\n') || child.exitCode !== null, 'the URL', 60_000);
    const m = /^port-(\d+): (http:\/\/127\.0\.0\.1:\d+\/) → (\S+):(\d+) via pod team-a\/(\S+) \(Ctrl-C closes it\)\n$/.exec(stdout);
    expect(m, stdout + stderr).not.toBeNull();
    expect(m![3]).toBe(pod);
    expect(Number(m![4])).toBe(webPort);
    expect(await (await fetch(m![2])).text()).toBe('tensorboard in the pod: /');
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await expect(fetch(m![2])).rejects.toThrow();
  });
});
