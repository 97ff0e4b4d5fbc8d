// The Kubernetes backend in Chromium through `clusterdeck serve`, against the wire-level test API
// server running in this test process (no Kubernetes API server can run on these machines):
// add the backend from a kubeconfig and pick its context in the UI, submit the pytorch-ddp
// template, compare what the server received with the preview, see a watch event change the
// table without a refresh, follow the pods' logs in the job detail, and open the jupyter-k8s
// template's endpoint from the line its pod prints.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { setLanguage, shot } from '../support/browser';
import { cliAsync } from '../support/cli';
import { useUiSession } from '../support/uiSession';
import { FakeKubeApiServer, kubeconfigText } from '../support/k8s';

describe('Kubernetes jobs in Chromium against the test API server', { timeout: 120_000 }, () => {
  let server: FakeKubeApiServer;
  let previewText = '';
  let web: http.Server;
  let webPort = 0;
  const ui = useUiSession({
    tempPrefix: 'clusterdeck-e2e-kube-',
    prepare: async () => {
      server = await FakeKubeApiServer.start();
      // The pod's "Jupyter": the test API server forwards the pod's port to this machine's loopback.
      web = http.createServer((req, res) => res.end(`jupyter in ddp-e2e-master-0: ${req.url}`));
      await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
      webPort = (web.address() as AddressInfo).port;
    },
    teardown: async () => { await server?.close(); web?.close(); },
  });

  it('adds a kubernetes backend from a kubeconfig and chooses its context', async () => {
    const kubeconfig = kubeconfigText([
      { name: 'staging', server: 'https://127.0.0.1:1', token: 'token-x', user: 'bob', namespace: 'default', ca: server.pki.ca },
      { name: 'lab', server: server.url, token: 'token-alice', user: 'alice', namespace: 'team-a', ca: server.pki.ca },
    ]);
    await ui.page.getByTestId('nav-jobs').click();
    await ui.page.getByTestId('jobs-backends').click();
    await ui.page.getByTestId('backend-name').fill('k8s');
    await ui.page.getByTestId('backend-kubeconfig').fill(kubeconfig);
    await ui.page.getByTestId('backend-name').click(); // blur: the contexts are read
    await ui.page.getByTestId('backend-context').click();
    await ui.page.locator('.ant-select-item-option', { hasText: 'lab (' }).click();
    await shot(ui.page, 'jobs-kube-backend-add-en');
    await ui.page.getByTestId('backend-add').click();
    await expect.poll(() => ui.page.getByTestId('backends-table').innerText()).toMatch(/k8s\s+kubernetes\s+https:\/\/127\.0\.0\.1:\d+\s+lab/);
    await shot(ui.page, 'jobs-kube-backends-en');
    await ui.page.keyboard.press('Escape');
  });

  it('submits the PyTorchJob template: the server receives exactly the preview', async () => {
    await ui.page.getByTestId('job-new').click();
    await ui.page.getByTestId('job-template-select').click();
    await ui.page.locator('.ant-select-item-option', { hasText: '(pytorch-ddp v1)' }).click();
    const name = ui.page.getByTestId('job-params-form').locator('#name');
    await name.fill('ddp-e2e');
    await expect.poll(() => ui.page.getByTestId('job-preview').innerText()).toMatch(/name: ddp-e2e\n\s+namespace: team-a/);
    previewText = await ui.page.getByTestId('job-preview').innerText();
    await shot(ui.page, 'jobs-kube-preview-en');
    await ui.page.getByTestId('job-submit').click();
    await expect.poll(() => ui.page.getByTestId('jobs-table').innerText(), { timeout: 30_000 }).toMatch(/ddp-e2e[\s\S]*Submitted/);
    const post = server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/pytorchjobs'));
    expect(post.map((r) => r.path)).toEqual(['/apis/kubeflow.org/v1/namespaces/team-a/pytorchjobs']);
    expect(post[0].body).toEqual(parse(previewText));
  });

  it('a watch event updates the table without a refresh', async () => {
    await expect.poll(() => ui.page.getByTestId('jobs-table').innerText(), { timeout: 30_000 }).toMatch(/ddp-e2e\s+Submitted\s+Scheduling\s+Created/);
    await expect.poll(() => server.openStreams.watches, { timeout: 15_000 }).toBeGreaterThan(0);
    const lists = server.requests.filter((r) => r.path.endsWith('/pytorchjobs') && r.method === 'GET' && r.query.watch !== '1').length;
    server.controllers.advance('kubeflow.org', 'pytorchjobs', 'team-a', 'ddp-e2e', 'Running');
    await expect.poll(() => ui.page.getByTestId('jobs-table').innerText(), { timeout: 15_000 }).toMatch(/ddp-e2e\s+Submitted\s+Running\s+Running/);
    // No list request was needed: the watch carried the change.
    expect(server.requests.filter((r) => r.path.endsWith('/pytorchjobs') && r.method === 'GET' && r.query.watch !== '1').length).toBe(lists);
    await shot(ui.page, 'jobs-kube-table-en');
    // Suspend and resume from the job's detail: the watch brings Paused, then Running, with no reload.
    await ui.page.getByTestId('jobs-table').locator('.ant-table-row', { hasText: 'ddp-e2e' }).click();
    await ui.page.getByTestId('job-action-suspend').click();
    await expect.poll(() => ui.page.getByTestId('job-detail-state').innerText(), { timeout: 15_000 }).toBe('Paused');
    expect(server.object('kubeflow.org', 'pytorchjobs', 'team-a', 'ddp-e2e')?.spec).toMatchObject({ runPolicy: { suspend: true } });
    await ui.page.getByTestId('job-action-resume').click();
    await expect.poll(() => ui.page.getByTestId('job-detail-state').innerText(), { timeout: 15_000 }).toBe('Running');
    await ui.page.keyboard.press('Escape');
    await expect.poll(() => ui.page.getByTestId('jobs-table').innerText(), { timeout: 15_000 }).toMatch(/ddp-e2e\s+Submitted\s+Running\s+Running/);
    // The controller made the pods again; their containers start (as a kubelet would report).
    for (const p of server.objects('', 'pods', 'team-a')) server.update('', 'pods', 'team-a', p.metadata.name, (x) => (x.status = { phase: 'Running' }));
  });

  it('shows pods and events and follows the pods\' logs in the detail', async () => {
    await ui.page.getByTestId('jobs-table').locator('.ant-table-row', { hasText: 'ddp-e2e' }).click();
    await expect.poll(() => ui.page.getByTestId('kube-pods').innerText()).toMatch(/ddp-e2e-master-0[\s\S]*ddp-e2e-worker-0/);
    await expect.poll(() => ui.page.getByTestId('kube-events').innerText()).toContain('SuccessfulCreatePod');
    await expect.poll(() => server.openStreams.logs, { timeout: 15_000 }).toBe(2);
    server.appendLog('team-a', 'ddp-e2e-master-0', 'epoch 1 loss 0.9', 'epoch 2 loss 0.5');
    server.appendLog('team-a', 'ddp-e2e-worker-0', 'worker ready');
    await expect.poll(() => ui.page.getByTestId('kube-log').innerText(), { timeout: 15_000 }).toMatch(/\[ddp-e2e-master-0\] epoch 2 loss 0\.5/);
    expect(await ui.page.getByTestId('kube-log').innerText()).toContain('[ddp-e2e-worker-0] worker ready');
    await shot(ui.page, 'jobs-kube-detail-en');
    // A port of the master pod through pods/portforward: the template declares none, so the port is typed in.
    await ui.page.getByTestId('endpoint-port').fill(String(webPort));
    await ui.page.getByTestId('endpoint-open-port').click();
    const link = ui.page.getByTestId(`endpoint-url-port-${webPort}`);
    await expect.poll(() => link.getAttribute('href').catch(() => null), { timeout: 15_000 }).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const url = (await link.getAttribute('href'))!;
    expect(await (await fetch(`${url}lab`)).text()).toBe('jupyter in ddp-e2e-master-0: /lab');
    expect(server.requests.some((r) => r.path === '/api/v1/namespaces/team-a/pods/ddp-e2e-master-0/portforward')).toBe(true);
    await shot(ui.page, 'jobs-kube-endpoint-en');
    await setLanguage(ui.page, 'zh-CN');
    // The reload closed the page's subscription: serve cancels the follow and the API server's log streams close.
    await expect.poll(() => server.openStreams.logs, { timeout: 15_000 }).toBe(0);
    await ui.page.getByTestId('nav-jobs').click();
    await expect.poll(() => fetch(url).then(() => 'open', () => 'closed'), { timeout: 15_000 }).toBe('closed'); // the forward went with the page
    await ui.page.getByTestId('jobs-table').locator('.ant-table-row', { hasText: 'ddp-e2e' }).click();
    await expect.poll(() => ui.page.getByTestId('kube-log').innerText(), { timeout: 15_000 }).toContain('epoch 2 loss 0.5');
    await shot(ui.page, 'jobs-kube-detail-zh-CN');
  });

  it('jupyter-k8s: the Endpoints panel lists the endpoint its pod printed and opens it through a port-forward', async () => {
    await setLanguage(ui.page, 'en');
    const sub = await cliAsync(ui.data, ['jobs', 'submit', '--backend', 'k8s', '--template', 'jupyter-k8s', '--param', 'name=nb-e2e', '--param', `port=${webPort}`, '--json']);
    expect(sub.code, sub.stderr).toBe(0);
    server.controllers.advance('batch', 'jobs', 'team-a', 'nb-e2e', 'Running');
    const pod = server.objects('', 'pods', 'team-a').find((p) => p.metadata.name.startsWith('nb-e2e-'))!.metadata.name;
    // What the template's container prints first (its command echoes it before starting Jupyter).
    server.appendLog('team-a', pod, `clusterdeck-endpoint jupyter ${pod} ${webPort}`, '[I ServerApp] Jupyter Server is running at http://127.0.0.1:8888/lab?token=abc');
    await ui.page.getByTestId('nav-jobs').click();
    await expect.poll(() => ui.page.getByTestId('jobs-table').innerText(), { timeout: 30_000 }).toMatch(/nb-e2e\s+Submitted\s+Running/);
    await ui.page.getByTestId('jobs-table').locator('.ant-table-row', { hasText: 'nb-e2e' }).click();
    await expect.poll(() => ui.page.getByTestId('job-endpoints').innerText(), { timeout: 15_000 }).toMatch(new RegExp(`jupyter[\\s\\S]*${pod}[\\s\\S]*${webPort}`));
    await ui.page.getByTestId('endpoint-open-jupyter').click();
    const link = ui.page.getByTestId('endpoint-url-jupyter');
    await expect.poll(() => link.getAttribute('href').catch(() => null), { timeout: 15_000 }).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const url = (await link.getAttribute('href'))!;
    expect(await (await fetch(`${url}lab?token=abc`)).text()).toContain('/lab?token=abc');
    expect(server.requests.some((r) => r.path === `/api/v1/namespaces/team-a/pods/${pod}/portforward`)).toBe(true);
    await shot(ui.page, 'jobs-kube-jupyter-endpoint-en');
    await ui.page.keyboard.press('Escape');
    await expect.poll(() => fetch(url).then(() => 'open', () => 'closed'), { timeout: 15_000 }).toBe('closed'); // the forward went with the detail
  });
});
