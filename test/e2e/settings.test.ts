import path from 'node:path';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, setLanguage, shot } from '../support/browser';
import { startServe, type ServeProcess } from '../support/serveProcess';
import { cli } from '../support/cli';
import { tempDir } from '../support/tmp';

const SECRET = 'ui-typed-secret-77';

describe('Settings: vault and credentials in Chromium', () => {
  const t = tempDir();
  const data = path.join(t.dir, 'data');
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const frames: string[] = [];

  beforeAll(async () => {
    // A vault created by the CLI; serve starts without the passphrase, so the UI must unlock it.
    expect(cli(data, ['creds', 'add', 'cli-made', '--kind', 'token'], { input: 'tok' }).code).toBe(0);
    serve = await startServe(data, { CLUSTERDECK_PASSPHRASE: '' });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
    await page.goto(serve.url);
    await setLanguage(page, 'en');
    await page.getByTestId('nav-settings').click();
  });
  afterAll(async () => { await browser?.close(); await serve?.stop(); t.cleanup(); });

  it('shows a locked vault, refuses a wrong passphrase and unlocks with the right one', async () => {
    await expect.poll(() => page.getByTestId('vault-status').innerText()).toBe('Vault locked');
    await shot(page, 'settings-locked-en');
    await page.getByTestId('vault-passphrase').fill('wrong');
    await page.getByTestId('vault-unlock').click();
    await expect.poll(() => page.locator('.ant-notification').innerText()).toMatch(/Wrong vault passphrase/);
    await page.getByTestId('vault-passphrase').fill('test-passphrase');
    await page.getByTestId('vault-unlock').click();
    await expect.poll(() => page.getByTestId('vault-status').innerText(), { timeout: 15_000 }).toBe('Vault unlocked');
  });

  it('adds a credential whose secret never comes back to the page', async () => {
    await page.getByTestId('cred-add').click();
    await page.getByTestId('cred-name').fill('bmc-admin');
    await page.getByTestId('cred-user').fill('admin');
    await page.getByTestId('cred-secret').fill(SECRET);
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    await expect.poll(() => page.getByTestId('cred-table').innerText()).toMatch(/bmc-admin[\s\S]*Password[\s\S]*admin/);
    await shot(page, 'settings-credentials-en');
    await page.reload();
    await page.getByTestId('cred-table').waitFor();
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.join('\n')).not.toContain(SECRET);
    expect(await page.content()).not.toContain(SECRET);
    const db = fs.readFileSync(path.join(data, 'clusterdeck.db'));
    expect(db.includes(Buffer.from(SECRET))).toBe(false);
    await setLanguage(page, 'zh-CN');
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('cred-table').waitFor();
    await shot(page, 'settings-credentials-zh-CN');
  });
});
