import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, setLanguage, shot } from '../support/browser';
import { startServe, type ServeProcess } from '../support/serveProcess';
import { cli, cliAsync } from '../support/cli';
import { FakeKubeApiServer, kubeconfigText, until } from '../support/k8s';
import { tempDir } from '../support/tmp';
import { startSlurm, type SlurmLab } from '../../main/lab/slurm';

describe('Queues page in Chromium against the lab Slurm', () => {
  const t = tempDir('clusterdeck-e2e-queues-');
  const data = path.join(t.dir, 'data');
  let lab: SlurmLab;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let kube: FakeKubeApiServer;
  // Spawned asynchronously: the test API server answers from this process's event loop.

  beforeAll(async () => {
    lab = await startSlurm({ stateDir: t.dir, rest: false });
    expect(cli(data, ['backends', 'add', 'lab', '--kind', 'slurm-cli', '--env', `SLURM_CONF=${lab.confPath}`, '--workdir', lab.workDir]).code).toBe(0);
    // A Kubernetes cluster with Volcano (the test API server), added before serve opens the vault.
    kube = await FakeKubeApiServer.start();
    const file = path.join(t.dir, 'k8s.kubeconfig');
    writeFileSync(file, kubeconfigText([{ name: 'lab', server: kube.url, token: 'token-alice', user: 'alice', namespace: 'team-a', ca: kube.pki.ca }]));
    const add = await cliAsync(data, ['backends', 'add', 'k8s', '--kind', 'kubernetes', '--kubeconfig', file]);
    expect(add.code, add.stderr).toBe(0);
    serve = await startServe(data);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(serve.url);
    await setLanguage(page, 'en');
  });
  afterAll(async () => {
    await browser?.close();
    await kube?.close();
    await serve?.stop();
    await lab?.stop();
    t.cleanup();
  });

  it('shows the lab partition with its node and CPU counts, as the CLI reports them', async () => {
    // What the CLI says, through the same service: the UI must show the same figures.
    const listed = cli(data, ['queues', 'list', '--backend', 'lab', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const [{ partitions: [debug] }] = JSON.parse(listed.stdout) as { partitions: { name: string; nodes: { total: number; idle: number; allocated: number; down: number }; cpus: { total: number } }[] }[];
    expect(debug).toMatchObject({ name: 'debug', nodes: { total: 1, idle: 1, allocated: 0, down: 0 } });

    await page.getByTestId('nav-queues').click();
    const table = page.getByTestId('partitions-lab');
    await expect.poll(() => table.innerText(), { timeout: 30_000 }).toMatch(/debug[\s\S]*default[\s\S]*UP/);
    const nodes = await page.getByTestId('nodes-lab-debug').innerText();
    expect(nodes.replace(/\s+/g, ' ')).toBe(`${debug.nodes.idle} ${debug.nodes.allocated} ${debug.nodes.down} / ${debug.nodes.total}`);
    expect(await table.innerText()).toContain(`/ ${debug.cpus.total}`);
    await shot(page, 'queues-partitions-en');
    // The partition's physical nodes under its row.
    await table.locator('.ant-table-row-expand-icon').first().click();
    await expect.poll(() => page.getByTestId('partition-nodes-lab-debug').innerText()).toMatch(new RegExp(`localhost\\s+Idle\\s+idle\\s+${debug.cpus.total}\\s+0`));
    await shot(page, 'queues-partition-nodes-en');
  });

  it('user usage says the lab has no slurmdbd and shows the running job\'s CPUs, in English and Chinese', async () => {
    const sub = cli(data, ['jobs', 'submit', '--backend', 'lab', '--template', 'shell', '--param', 'program=sleep', '--param', 'args=60', '--json']);
    expect(sub.code, sub.stderr).toBe(0);
    await page.getByTestId('queues-tab-usage').click();
    await expect.poll(() => page.getByTestId('usage-note').innerText(), { timeout: 30_000 }).toMatch(/No Slurm accounting storage \(slurmdbd\)[\s\S]*job completion log/);
    // The job is picked up on a refresh once slurmctld starts it.
    await expect.poll(async () => {
      await page.getByTestId('usage-refresh').click();
      return page.getByTestId('usage-table').innerText();
    }, { timeout: 30_000 }).toMatch(new RegExp(`${lab.user}\\s+cpu\\s+1\\b`));
    expect(await page.getByTestId('usage-table').innerText()).toMatch(/Total\s+cpu\s+1\b/);
    await shot(page, 'queues-usage-en');
    await setLanguage(page, 'zh-CN');
    await page.getByTestId('nav-queues').click();
    await page.getByTestId('queues-tab-usage').click();
    await expect.poll(() => page.getByTestId('usage-note').innerText(), { timeout: 30_000 }).toMatch(/没有 Slurm 记账存储/);
    await shot(page, 'queues-usage-zh-CN');
    await page.getByTestId('queues-tab-queues').click();
    await expect.poll(() => page.getByTestId('partitions-lab').innerText(), { timeout: 30_000 }).toMatch(/debug/);
    await page.waitForTimeout(400); // the tab's ink bar settles before the picture
    await shot(page, 'queues-partitions-zh-CN');
    cli(data, ['jobs', 'cancel', String((JSON.parse(sub.stdout) as { id: number }).id)]);
  });

  it('creates a Volcano queue through the form (validation first), edits and deletes it', async () => {
    const queue = () => kube.object('scheduling.volcano.sh', 'queues', null, 'research');

    await setLanguage(page, 'en');
    await page.getByTestId('nav-queues').click();
    await expect.poll(() => page.getByTestId('queues-backend-k8s').innerText(), { timeout: 20_000 }).toMatch(/k8s\s+Volcano queues\s+New queue/);
    await page.getByTestId('queue-new-k8s').click();
    const dialog = page.locator('.queue-form .ant-modal');
    await dialog.waitFor();
    await page.getByTestId('queue-name').fill('Research');
    await page.getByTestId('queue-weight').fill('2');
    await page.getByTestId('queue-deserved-add').click();
    await page.getByTestId('queue-deserved-resource-0').locator('input').fill('nvidia.com/gpu');
    await page.getByTestId('queue-deserved-quantity-0').fill('eight');
    await dialog.locator('.ant-btn-primary').click();
    await expect.poll(() => dialog.innerText()).toMatch(/Use lowercase letters, digits and "-"[\s\S]*Not a quantity: 8, 500m, 64Gi/);
    await shot(page, 'queues-volcano-form-errors-en');
    expect(kube.requests.filter((r) => r.method === 'POST')).toHaveLength(0); // nothing sent while the form is wrong
    await page.getByTestId('queue-name').fill('research');
    await page.getByTestId('queue-deserved-quantity-0').fill('8');
    await dialog.locator('.ant-btn-primary').click();
    await expect.poll(() => queue()?.spec).toEqual({ weight: 2, reclaimable: true, deserved: { 'nvidia.com/gpu': '8' } });
    await until(() => queue()?.status?.state === 'Open', 'the queue to open');
    kube.update('scheduling.volcano.sh', 'queues', null, 'research', (q) => (q.status = { ...q.status, running: 0, allocated: { 'nvidia.com/gpu': '3' } }));
    // No refresh: the page watches the queues, so what Volcano reports appears by itself.
    const table = page.getByTestId('volcano-k8s');
    await expect.poll(() => table.innerText(), { timeout: 15_000 }).toMatch(/research\s+Open\s+2\s+yes\s+nvidia.com\/gpu=8[\s\S]*nvidia.com\/gpu=3/);
    await shot(page, 'queues-volcano-en');

    await page.getByTestId('queue-edit-research').click();
    await expect.poll(() => page.getByTestId('queue-name').inputValue()).toBe('research');
    await page.getByTestId('queue-weight').fill('5');
    await dialog.locator('.ant-btn-primary').click();
    await expect.poll(() => queue()?.spec?.weight).toBe(5);
    expect(queue()?.spec?.deserved).toEqual({ 'nvidia.com/gpu': '8' });

    await expect.poll(() => table.innerText(), { timeout: 15_000 }).toMatch(/research\s+Open\s+5/);
    await setLanguage(page, 'zh-CN');
    await page.getByTestId('nav-queues').click();
    await expect.poll(() => page.getByTestId('volcano-k8s').innerText(), { timeout: 15_000 }).toMatch(/research\s+Open\s+5\s+是/);
    await page.getByTestId('queue-edit-research').click();
    await expect.poll(() => page.getByTestId('queue-name').inputValue()).toBe('research');
    await page.waitForTimeout(400); // the dialog's fade-in ends before the picture
    await shot(page, 'queues-volcano-form-zh-CN');
    await page.keyboard.press('Escape');
    await setLanguage(page, 'en');
    await page.getByTestId('nav-queues').click();
    await page.getByTestId('queue-delete-research').click();
    await page.locator('.ant-popconfirm .ant-btn-dangerous').click();
    await expect.poll(() => queue()).toBeFalsy();
    await expect.poll(() => table.innerText(), { timeout: 15_000 }).not.toMatch(/research/);
    await shot(page, 'queues-volcano-deleted-en');
  });
});
