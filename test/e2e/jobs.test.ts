import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, setLanguage, shot } from '../support/browser';
import { startServe, type ServeProcess } from '../support/serveProcess';
import { cli } from '../support/cli';
import { tempDir } from '../support/tmp';
import { startSlurm, type SlurmLab } from '../../main/lab/slurm';

describe('Jobs and Templates pages in Chromium against the lab Slurm', () => {
  const t = tempDir('clusterdeck-e2e-jobs-');
  const data = path.join(t.dir, 'data');
  let lab: SlurmLab;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    lab = await startSlurm({ stateDir: t.dir });
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

  it('fills a template form, previews the exact script with a literal $(id), submits and sees the job succeed', async () => {
    await page.getByTestId('nav-jobs').click();
    await page.getByTestId('job-new').click();
    await page.getByTestId('job-template-select').click();
    await page.locator('.ant-select-item-option', { hasText: '(shell v1)' }).click();
    const args = page.getByTestId('job-params-form').locator('#args');
    await args.click();
    await args.fill('$(id)');
    await args.press('Enter');
    await expect.poll(() => page.getByTestId('job-preview').innerText()).toContain("exec echo hello '$(id)'");
    await shot(page, 'jobs-submit-en');
    await page.getByTestId('job-submit').click();
    await expect.poll(() => page.getByTestId('jobs-table').innerText(), { timeout: 30_000 }).toMatch(/shell[\s\S]*Submitted[\s\S]*(Queued|Running|Succeeded)/);
    const out = () => cli(data, ['jobs', 'list', '--json']).stdout;
    await expect.poll(() => out(), { timeout: 30_000 }).toMatch(/"state": "succeeded"/);
    const job = JSON.parse(out())[0] as { id: number };
    const logs = cli(data, ['jobs', 'logs', String(job.id)]);
    expect(logs.stdout, cli(data, ['jobs', 'show', String(job.id)]).stdout + logs.stderr).toBe('hello $(id)\n');
    await page.getByTestId('nav-jobs').click();
    await shot(page, 'jobs-table-en');
  });

  it('lists the built-in templates and shows them in Chinese too', async () => {
    await page.getByTestId('nav-templates').click();
    await expect.poll(() => page.getByTestId('templates-table').innerText()).toMatch(/slurm-single-gpu[\s\S]*pytorch-ddp[\s\S]*horovod[\s\S]*tensorflow[\s\S]*jupyter[\s\S]*tensorboard[\s\S]*shell/);
    await setLanguage(page, 'zh-CN');
    await page.getByTestId('nav-templates').click();
    await expect.poll(() => page.getByTestId('templates-table').innerText()).toMatch(/内置/);
    await shot(page, 'templates-zh-CN');
  });
});
