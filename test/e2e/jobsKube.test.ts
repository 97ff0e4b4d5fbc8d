// The Kubernetes backend in Chromium through `clusterdeck serve`, against the wire-level test API
// server running in this test process (no Kubernetes API server can run on these machines):
// add the backend from a kubeconfig and pick its context in the UI, submit the pytorch-ddp
// template, compare what the server received with the preview, see a watch event change the
// table without a refresh, and follow the pods' logs in the job detail.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import { launchBrowser, setLanguage, shot } from '../support/browser';
import { startServe, type ServeProcess } from '../support/serveProcess';
import { tempDir } from '../support/tmp';
import { FakeKubeApiServer, kubeconfigText } from '../support/k8s';

describe('Kubernetes jobs in Chromium against the test API server', { timeout: 120_000 }, () => {
  const t = tempDir('clusterdeck-e2e-kube-');
  const data = path.join(t.dir, 'data');
  let server: FakeKubeApiServer;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let previewText = '';

  beforeAll(async () => {
    server = await FakeKubeApiServer.start();
    serve = await startServe(data);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(serve.url);
    await setLanguage(page, 'en');
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await server?.close();
    t.cleanup();
  });

  it('adds a kubernetes backend from a kubeconfig and chooses its context', async () => {
    const kubeconfig = kubeconfigText([
      { name: 'staging', server: 'https://127.0.0.1:1', token: 'token-x', user: 'bob', namespace: 'default', ca: server.pki.ca },
      { name: 'lab', server: server.url, token: 'token-alice', user: 'alice', namespace: 'team-a', ca: server.pki.ca },
    ]);
    await page.getByTestId('nav-jobs').click();
    await page.getByTestId('jobs-backends').click();
    await page.getByTestId('backend-name').fill('k8s');
    await page.getByTestId('backend-kubeconfig').fill(kubeconfig);
    await page.getByTestId('backend-name').click(); // blur: the contexts are read
    await page.getByTestId('backend-context').click();
    await page.locator('.ant-select-item-option', { hasText: 'lab (' }).click();
    await shot(page, 'jobs-kube-backend-add-en');
    await page.getByTestId('backend-add').click();
    await expect.poll(() => page.getByTestId('backends-table').innerText()).toMatch(/k8s\s+kubernetes\s+https:\/\/127\.0\.0\.1:\d+\s+lab/);
    await shot(page, 'jobs-kube-backends-en');
    await page.keyboard.press('Escape');
  });

  it('submits the PyTorchJob template: the server receives exactly the preview', async () => {
    await page.getByTestId('job-new').click();
    await page.getByTestId('job-template-select').click();
    await page.locator('.ant-select-item-option', { hasText: '(pytorch-ddp v1)' }).click();
    const name = page.getByTestId('job-params-form').locator('#name');
    await name.fill('ddp-e2e');
    await expect.poll(() => page.getByTestId('job-preview').innerText()).toMatch(/name: ddp-e2e\n\s+namespace: team-a/);
    previewText = await page.getByTestId('job-preview').innerText();
    await shot(page, 'jobs-kube-preview-en');
    await page.getByTestId('job-submit').click();
    await expect.poll(() => page.getByTestId('jobs-table').innerText(), { timeout: 30_000 }).toMatch(/ddp-e2e[\s\S]*Submitted/);
    const post = server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/pytorchjobs'));
    expect(post.map((r) => r.path)).toEqual(['/apis/kubeflow.org/v1/namespaces/team-a/pytorchjobs']);
    expect(post[0].body).toEqual(parse(previewText));
  });

  it('a watch event updates the table without a refresh', async () => {
    await expect.poll(() => page.getByTestId('jobs-table').innerText(), { timeout: 30_000 }).toMatch(/ddp-e2e\s+Submitted\s+Scheduling\s+Created/);
    await expect.poll(() => server.openStreams.watches, { timeout: 15_000 }).toBeGreaterThan(0);
    const lists = server.requests.filter((r) => r.path.endsWith('/pytorchjobs') && r.method === 'GET' && r.query.watch !== '1').length;
    server.controllers.advance('kubeflow.org', 'pytorchjobs', 'team-a', 'ddp-e2e', 'Running');
    await expect.poll(() => page.getByTestId('jobs-table').innerText(), { timeout: 15_000 }).toMatch(/ddp-e2e\s+Submitted\s+Running\s+Running/);
    // No list request was needed: the watch carried the change.
    expect(server.requests.filter((r) => r.path.endsWith('/pytorchjobs') && r.method === 'GET' && r.query.watch !== '1').length).toBe(lists);
    await shot(page, 'jobs-kube-table-en');
    // Suspend and resume from the table: the watch brings Paused, then Running, with no reload.
    await page.getByTestId('job-suspend-1').click();
    await expect.poll(() => page.getByTestId('jobs-table').innerText(), { timeout: 15_000 }).toMatch(/ddp-e2e\s+Submitted\s+Paused\s+Suspended/);
    expect(server.object('kubeflow.org', 'pytorchjobs', 'team-a', 'ddp-e2e')?.spec).toMatchObject({ runPolicy: { suspend: true } });
    await page.getByTestId('job-resume-1').click();
    await expect.poll(() => page.getByTestId('jobs-table').innerText(), { timeout: 15_000 }).toMatch(/ddp-e2e\s+Submitted\s+Running\s+Running/);
    // The controller made the pods again; their containers start (as a kubelet would report).
    for (const p of server.objects('', 'pods', 'team-a')) server.update('', 'pods', 'team-a', p.metadata.name, (x) => (x.status = { phase: 'Running' }));
  });

  it('shows pods and events and follows the pods\' logs in the detail', async () => {
    await page.getByTestId('jobs-table').locator('a', { hasText: 'ddp-e2e' }).click();
    await expect.poll(() => page.getByTestId('kube-pods').innerText()).toMatch(/ddp-e2e-master-0[\s\S]*ddp-e2e-worker-0/);
    await expect.poll(() => page.getByTestId('kube-events').innerText()).toContain('SuccessfulCreatePod');
    await expect.poll(() => server.openStreams.logs, { timeout: 15_000 }).toBe(2);
    server.appendLog('team-a', 'ddp-e2e-master-0', 'epoch 1 loss 0.9', 'epoch 2 loss 0.5');
    server.appendLog('team-a', 'ddp-e2e-worker-0', 'worker ready');
    await expect.poll(() => page.getByTestId('kube-log').innerText(), { timeout: 15_000 }).toMatch(/\[ddp-e2e-master-0\] epoch 2 loss 0\.5/);
    expect(await page.getByTestId('kube-log').innerText()).toContain('[ddp-e2e-worker-0] worker ready');
    await shot(page, 'jobs-kube-detail-en');
    await setLanguage(page, 'zh-CN');
    // The reload closed the page's subscription: serve cancels the follow and the API server's log streams close.
    await expect.poll(() => server.openStreams.logs, { timeout: 15_000 }).toBe(0);
    await page.getByTestId('nav-jobs').click();
    await page.getByTestId('jobs-table').locator('a', { hasText: 'ddp-e2e' }).click();
    await expect.poll(() => page.getByTestId('kube-log').innerText(), { timeout: 15_000 }).toContain('epoch 2 loss 0.5');
    await shot(page, 'jobs-kube-detail-zh-CN');
  });
});
