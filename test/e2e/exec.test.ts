import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, setLanguage, shot } from '../support/browser';
import { startServe, type ServeProcess } from '../support/serveProcess';
import { cli } from '../support/cli';
import { tempDir } from '../support/tmp';

describe('Consoles › Exec over 50 nodes in Chromium', () => {
  const t = tempDir();
  const data = path.join(t.dir, 'data');
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    expect(cli(data, ['lab', 'up', '--bmcs', '0', '--ssh-nodes', '50']).code).toBe(0);
    // Two nodes whose SSH port has nothing behind it.
    fs.writeFileSync(path.join(t.dir, 'dead.csv'), 'name,hostname,groups,ssh_host,ssh_port,ssh_user,ssh_credential\ndead01,127.0.0.1,lab,127.0.0.1,9,root,lab-ssh\ndead02,127.0.0.1,lab,127.0.0.1,9,root,lab-ssh\n');
    expect(cli(data, ['nodes', 'import', path.join(t.dir, 'dead.csv')]).code).toBe(0);
    serve = await startServe(data);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(serve.url);
    await setLanguage(page, 'en');
    await page.getByTestId('nav-consoles').click();
    await page.getByRole('tab', { name: 'Exec' }).click();
  });
  afterAll(async () => { await browser?.close(); await serve?.stop(); cli(data, ['lab', 'down']); t.cleanup(); });

  it('runs a command on every node, folds identical output and names the unreachable ones', async () => {
    await page.getByTestId('exec-nodes').fill('@lab');
    await expect.poll(() => page.getByTestId('exec-nodes-preview').innerText()).toMatch(/52 node\(s\)/);
    await page.getByTestId('exec-command').fill('echo answer-$((6*7))');
    await page.getByTestId('exec-run').click();
    await expect.poll(() => page.getByTestId('exec-summary').innerText(), { timeout: 60_000 }).toMatch(/50 ok.*2 unreachable: dead\[01-02\]/);
    const groups = await page.getByTestId('exec-group').allInnerTexts();
    expect(groups.some((g) => /node\[001-050\]\s*\(50\)[\s\S]*answer-42/.test(g))).toBe(true);
    await shot(page, 'consoles-exec-en');
    const audit = JSON.parse(cli(data, ['audit', 'list', '--json', '--module', 'exec']).stdout) as { via: string; result: string }[];
    expect(audit[0]).toMatchObject({ via: 'serve', result: 'partial' });
    await setLanguage(page, 'zh-CN');
    await page.getByTestId('nav-consoles').click();
    await page.getByRole('tab', { name: '并行执行' }).click();
    await shot(page, 'consoles-exec-zh-CN');
  });
});
