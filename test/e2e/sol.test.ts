import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, setLanguage, shot } from '../support/browser';
import { startServe, type ServeProcess } from '../support/serveProcess';
import { cli } from '../support/cli';
import { tempDir } from '../support/tmp';

describe('Consoles: Serial over LAN terminals in Chromium', () => {
  const t = tempDir();
  const data = path.join(t.dir, 'data');
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const screen = (node: string) => page.getByTestId(`terminal-${node}`).locator('.xterm-rows').innerText();

  beforeAll(async () => {
    const up = cli(data, ['lab', 'up', '--bmcs', '2', '--ssh-nodes', '0']);
    expect(up.stderr).toBe('');
    serve = await startServe(data);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(serve.url);
    await setLanguage(page, 'en');
    await page.getByTestId('nav-consoles').click();
  });
  afterAll(async () => { await browser?.close(); await serve?.stop(); cli(data, ['lab', 'down']); t.cleanup(); });

  it('opens a SOL console per BMC node, shows the login prompt and echoes typing', async () => {
    await page.getByText('Serial (SOL)', { exact: true }).click();
    await page.getByTestId('console-nodes').fill('@lab');
    await expect.poll(() => page.getByTestId('console-nodes-preview').innerText()).toMatch(/2 node\(s\)/);
    await page.getByTestId('console-open').click();
    // The simulated serial console prints its prompt again on Enter.
    await page.getByTestId('terminal-node001').click();
    await page.keyboard.press('Enter');
    await expect.poll(() => screen('node001'), { timeout: 20_000 }).toMatch(/bmc001 login:/);
    await page.keyboard.type('root');
    await page.keyboard.press('Enter');
    await expect.poll(() => screen('node001')).toMatch(/^echo: root$/m);
    expect(await screen('node002')).not.toMatch(/echo: root/);
    await page.getByTestId('terminal-node002').click();
    await page.keyboard.press('Enter');
    await expect.poll(() => screen('node002'), { timeout: 20_000 }).toMatch(/bmc002 login:/);
    await shot(page, 'consoles-sol-en');
  });

  it('closing the panes deactivates SOL: the same node opens again at once (no busy payload)', async () => {
    const closeButtons = page.getByRole('button', { name: 'Close', exact: true });
    await expect.poll(() => closeButtons.count()).toBe(2);
    await closeButtons.first().click();
    await closeButtons.first().click();
    await expect.poll(() => page.getByTestId('terminal-node001').count()).toBe(0);
    await page.getByTestId('console-nodes').fill('node001');
    await page.getByTestId('console-open').click();
    await page.getByTestId('terminal-node001').click();
    await page.keyboard.press('Enter');
    await expect.poll(() => screen('node001'), { timeout: 20_000 }).toMatch(/bmc001 login:/);
    expect(await screen('node001')).not.toMatch(/SOL_BUSY|already active/);
    await page.keyboard.type('again');
    await page.keyboard.press('Enter');
    await expect.poll(() => screen('node001')).toMatch(/^echo: again$/m);
  });
});
