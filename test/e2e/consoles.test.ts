import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, setLanguage, shot } from '../support/browser';
import { startServe, type ServeProcess } from '../support/serveProcess';
import { cli } from '../support/cli';
import { tempDir } from '../support/tmp';

describe('Consoles: SSH terminals and broadcast input in Chromium', () => {
  const t = tempDir();
  const data = path.join(t.dir, 'data');
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const screen = (node: string) => page.getByTestId(`terminal-${node}`).locator('.xterm-rows').innerText();

  beforeAll(async () => {
    const up = cli(data, ['lab', 'up', '--bmcs', '0', '--ssh-nodes', '3']);
    expect(up.stderr).toBe('');
    serve = await startServe(data);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(serve.url);
    await setLanguage(page, 'en');
    await page.getByTestId('nav-consoles').click();
  });
  afterAll(async () => { await browser?.close(); await serve?.stop(); cli(data, ['lab', 'down']); t.cleanup(); });

  it('opens a terminal per node of a node set and runs a command in one', async () => {
    await page.getByTestId('console-nodes').fill('@lab');
    await expect.poll(() => page.getByTestId('console-nodes-preview').innerText()).toMatch(/3 node\(s\)/);
    await page.getByTestId('console-open').click();
    for (const n of ['node001', 'node002', 'node003']) await expect.poll(() => screen(n), { timeout: 20_000 }).toMatch(/[$#]\s*$/m);
    await page.getByTestId('terminal-node002').click();
    await page.keyboard.type('echo one-$((40+2))\n');
    await expect.poll(() => screen('node002')).toMatch(/^one-42$/m);
    expect(await screen('node001')).not.toMatch(/one-42/);
  });

  it('broadcasts typing, Ctrl-C and arrows to every receiving terminal, and shows who receives', async () => {
    await page.keyboard.press('Control+Shift+B');
    await expect.poll(() => page.getByTestId('broadcast-banner').innerText()).toMatch(/Typing goes to 3 terminal\(s\): node001, node002, node003/);
    await page.getByTestId('terminal-node001').click();
    await page.keyboard.type('sleep 100');
    // Like a person, wait to see what was typed before Ctrl-C and for the fresh prompt after it: on SIGINT the tty
    // discards input bash has not read yet (any terminal does this; under load bash reads late).
    for (const n of ['node001', 'node002', 'node003']) await expect.poll(() => screen(n)).toMatch(/sleep 100\s*$/);
    await page.keyboard.press('Control+C');
    for (const n of ['node001', 'node002', 'node003']) await expect.poll(() => screen(n)).toMatch(/sleep 100\^C\s*\n.*[$#]\s*$/);
    await page.keyboard.type('echo all-$((6*7))');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    for (const n of ['node001', 'node002', 'node003']) await expect.poll(() => screen(n)).toMatch(/^all-42$/m);
    await shot(page, 'consoles-broadcast-en');
    await page.locator('label').filter({ hasText: 'receives' }).nth(2).click();
    await expect.poll(() => page.getByTestId('broadcast-banner').innerText()).toMatch(/2 terminal\(s\): node001, node002$/);
    await page.getByTestId('terminal-node001').click();
    await page.keyboard.type('echo two-$((1+1))\n');
    await expect.poll(() => screen('node002')).toMatch(/^two-2$/m);
    expect(await screen('node003')).not.toMatch(/^two-2$/m);
    await setLanguage(page, 'zh-CN');
    await page.getByTestId('nav-consoles').click();
    await shot(page, 'consoles-empty-zh-CN');
  });
});
