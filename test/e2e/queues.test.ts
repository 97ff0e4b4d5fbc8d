import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, setLanguage, shot } from '../support/browser';
import { startServe, type ServeProcess } from '../support/serveProcess';
import { cli } from '../support/cli';
import { tempDir } from '../support/tmp';
import { startSlurm, type SlurmLab } from '../../main/lab/slurm';

describe('Queues page in Chromium against the lab Slurm', () => {
  const t = tempDir('clusterdeck-e2e-queues-');
  const data = path.join(t.dir, 'data');
  let lab: SlurmLab;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    lab = await startSlurm({ stateDir: t.dir, rest: false });
    expect(cli(data, ['backends', 'add', 'lab', '--kind', 'slurm-cli', '--env', `SLURM_CONF=${lab.confPath}`, '--workdir', lab.workDir]).code).toBe(0);
    serve = await startServe(data);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(serve.url);
    await setLanguage(page, 'en');
  });
  afterAll(async () => {
    await browser?.close();
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
});
