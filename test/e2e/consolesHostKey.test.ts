import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, setLanguage, shot } from '../support/browser';
import { startServe, type ServeProcess } from '../support/serveProcess';
import { cli } from '../support/cli';
import { tempDir } from '../support/tmp';

// A terminal to a lab sshd whose host key ClusterDeck does not know: the dialog shows the key type
// and SHA256 fingerprint; Reject sends nothing, Accept stores the key and connects. Then the
// session is dropped from the node's side and reconnected in the same terminal.
describe('Consoles: host key first contact and reconnect in place, in Chromium', () => {
  const t = tempDir();
  const data = path.join(t.dir, 'data');
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let fingerprint = '';
  const screen = () => page.getByTestId('terminal-node001').locator('.xterm-rows').innerText();
  /** Every line the terminal holds, scrollback included. */
  const buffer = () => page.getByTestId('terminal-node001').evaluate((el) => {
    const term = (el as HTMLElement & { xterm: { buffer: { active: { length: number; getLine(i: number): { translateToString(trim: boolean): string } | undefined } } } }).xterm;
    const b = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n');
  });
  const storedKeys = () => JSON.parse(cli(data, ['hostkeys', 'list', '--json']).stdout) as { fingerprint: string; nodes: string }[];

  beforeAll(async () => {
    const up = cli(data, ['lab', 'up', '--bmcs', '0', '--ssh-nodes', '2']);
    expect(up.stderr).toBe('');
    const keys = storedKeys();
    expect(keys).toHaveLength(1); // two nodes, one sshd
    fingerprint = keys[0].fingerprint;
    // Make the lab's key unknown again, as a freshly installed node's would be.
    expect(cli(data, ['hostkeys', 'forget', '@lab']).code).toBe(0);
    expect(storedKeys()).toEqual([]);
    serve = await startServe(data);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(serve.url);
    await setLanguage(page, 'en');
    await page.getByTestId('nav-consoles').click();
  }, 120_000);
  afterAll(async () => { await browser?.close(); await serve?.stop(); cli(data, ['lab', 'down']); t.cleanup(); });

  it('asks with the key type and fingerprint; Reject connects nothing and stores nothing', async () => {
    await page.getByTestId('console-nodes').fill('node001');
    await page.getByTestId('console-open').click();
    await expect.poll(() => page.getByTestId('hostkey-dialog').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await page.getByTestId('hostkey-fingerprint').innerText()).toContain(fingerprint);
    expect(await page.getByTestId('hostkey-type').innerText()).toBe('ssh-ed25519');
    expect(await page.getByTestId('hostkey-dialog').innerText()).toMatch(/127\.0\.0\.1:\d+ \(for node001\)/);
    await page.waitForTimeout(400); // the dialog's opening animation
    await shot(page, 'consoles-hostkey-ask-en');
    await page.getByTestId('hostkey-reject').click();
    await expect.poll(screen).toMatch(/not accepted; nothing was sent/);
    await expect.poll(screen).toMatch(/disconnected — press R \/ Enter to reconnect/);
    expect(await screen()).not.toMatch(/[$#]\s*$/m);
    expect(storedKeys()).toEqual([]);
  });

  it('asks again on R; Accept stores the key and the terminal logs in', async () => {
    await page.getByTestId('terminal-node001').click();
    await page.keyboard.press('r');
    await expect.poll(() => page.getByTestId('hostkey-dialog').isVisible(), { timeout: 20_000 }).toBe(true);
    await page.getByTestId('hostkey-accept').click();
    await expect.poll(screen, { timeout: 20_000 }).toMatch(/[$#]\s*$/m);
    const keys = storedKeys();
    expect(keys.map((k) => k.fingerprint)).toEqual([fingerprint]);
    await page.getByTestId('terminal-node001').click();
    await page.keyboard.type('echo before-$((40+2))\n');
    await expect.poll(screen).toMatch(/^before-42$/m);
  });

  it('shows a reconnect line when the node drops the session, and Enter reconnects keeping the scrollback', async () => {
    await page.keyboard.type('kill -9 $PPID\n');
    await expect.poll(async () => (await screen()).split(/^before-42$/m).at(-1), { timeout: 20_000 }).toMatch(/connection closed\]\s+disconnected — press R \/ Enter to reconnect/);
    expect(await page.getByTestId('terminal-node001').getAttribute('data-state')).toBe('ended');
    // Typing while disconnected goes nowhere.
    await page.keyboard.type('x');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await screen()).split('disconnected — press R / Enter to reconnect').at(-1), { timeout: 20_000 }).toMatch(/reconnecting to node001/);
    // A fresh prompt after the reconnect line.
    await expect.poll(async () => (await screen()).split(/reconnecting to node001/).at(-1), { timeout: 20_000 }).toMatch(/[$#]\s*$/);
    await page.keyboard.type('echo after-$((1+1))\n');
    await expect.poll(screen).toMatch(/^after-2$/m);
    const all = await buffer();
    expect(all).toMatch(/^before-42$/m);
    expect(all.indexOf('before-42')).toBeLessThan(all.indexOf('after-2'));
    expect(await page.getByTestId('hostkey-dialog').count()).toBe(0);
    await shot(page, 'consoles-reconnected-en');
  });

  it('changes the font size with Ctrl + and Ctrl - in a terminal', async () => {
    await page.getByTestId('terminal-node001').click();
    await page.keyboard.press('Control+=');
    await expect.poll(() => page.getByTestId('font-size').innerText()).toBe('14px');
    expect(await page.getByTestId('terminal-node001').evaluate((el) => (el as HTMLElement & { xterm: { options: { fontSize: number } } }).xterm.options.fontSize)).toBe(14);
    await page.keyboard.press('Control+-');
    await page.keyboard.press('Control+-');
    await expect.poll(() => page.getByTestId('font-size').innerText()).toBe('12px');
  });

  it('searches the scrollback with Ctrl+Shift+F', async () => {
    await page.getByTestId('terminal-node001').click();
    await page.keyboard.press('Control+Shift+F');
    await page.getByTestId('search-node001').fill('before-42');
    await page.getByTestId('search-node001').press('Enter');
    const selection = () => page.getByTestId('terminal-node001').evaluate((el) => (el as HTMLElement & { xterm: { getSelection(): string; getSelectionPosition(): { start: { y: number } } | undefined } }).xterm.getSelection());
    await expect.poll(selection).toBe('before-42');
    await shot(page, 'consoles-search-en');
    await page.getByTestId('search-node001').press('Escape');
    expect(await page.getByTestId('search-node001').count()).toBe(0);
  });

  it('imports an ssh config from the Terminals tab: preview, then import', async () => {
    const file = path.join(t.dir, 'ssh_config');
    fs.writeFileSync(file, 'Host login*\n  User ops\n  ProxyJump node001\nHost login01\n  HostName 127.0.0.1\nHost *\n  Port 2222\n');
    await page.getByTestId('sshconfig-open').click();
    const dialog = page.getByTestId('sshconfig-dialog');
    // This HOME has no ~/.ssh/config: said in the dialog, with the path.
    await expect.poll(() => page.getByTestId('sshconfig-problem').innerText()).toMatch(/Cannot read .*\.ssh\/config \(ENOENT\)/);
    await dialog.locator('input').first().fill(file);
    await dialog.locator('input').first().press('Enter');
    await expect.poll(() => dialog.innerText()).toMatch(/login01[\s\S]*new[\s\S]*ops@127\.0\.0\.1:2222[\s\S]*node001/);
    expect(await dialog.innerText()).toMatch(/login\*/);
    await page.waitForTimeout(400); // the dialog's opening animation
    await shot(page, 'consoles-sshconfig-en');
    await page.getByTestId('sshconfig-import').click();
    await expect.poll(() => JSON.parse(cli(data, ['nodes', 'show', 'login01']).stdout || '{}').ssh, { timeout: 10_000 })
      .toEqual({ host: '127.0.0.1', port: 2222, user: 'ops', credential: null, jumpHost: 'node001' });
  });

  it('asks in the import dialog for an encrypted key\'s passphrase; Enter checks it with a new preview', async () => {
    const key = path.join(t.dir, 'id_locked');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'open sesame', '-f', key]);
    const file = path.join(t.dir, 'ssh_config_locked');
    fs.writeFileSync(file, `Host locked01\n  HostName 127.0.0.1\n  IdentityFile ${key}\n`);
    await page.getByTestId('sshconfig-open').click();
    const dialog = page.getByTestId('sshconfig-dialog');
    await dialog.locator('input').first().fill(file);
    await dialog.locator('input').first().press('Enter');
    const passphrase = dialog.locator('input[type=password]');
    await passphrase.waitFor();
    await passphrase.fill('wrong');
    await passphrase.press('Enter');
    await expect.poll(() => dialog.innerText()).toMatch(/id_locked: .*(wrong|incorrect|passphrase)/i);
    await passphrase.fill('open sesame');
    await passphrase.press('Enter');
    await expect.poll(() => passphrase.count()).toBe(0); // the key opens: nothing left to ask
    expect(await dialog.innerText()).toMatch(/locked01[\s\S]*new/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('reopens the last set of terminals on load, unless turned off', async () => {
    await page.reload();
    await page.getByTestId('nav-consoles').click();
    await expect.poll(screen, { timeout: 20_000 }).toMatch(/[$#]\s*$/m);
    await page.getByTestId('terminal-node001').click();
    await page.keyboard.type('echo reopened-$((2*3))\n');
    await expect.poll(screen).toMatch(/^reopened-6$/m);
    await page.getByTestId('reopen-toggle').click();
    await page.reload();
    await page.getByTestId('nav-consoles').click();
    await expect.poll(() => page.getByTestId('console-open').isVisible()).toBe(true);
    expect(await page.getByTestId('terminal-node001').count()).toBe(0);
    expect(await page.getByTestId('reopen-toggle').getAttribute('aria-checked')).toBe('false');
    await page.getByTestId('reopen-toggle').click();
  });

  it('shows the dialog in Chinese', async () => {
    // node002 is another alias of the same sshd, so it gets its own connection (node001's stays pooled).
    expect(cli(data, ['hostkeys', 'forget', '@lab']).code).toBe(0);
    await setLanguage(page, 'zh-CN');
    await page.getByTestId('nav-consoles').click();
    await page.getByTestId('console-nodes').fill('node002');
    await page.getByTestId('console-open').click();
    await expect.poll(() => page.getByTestId('hostkey-dialog').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await page.getByTestId('hostkey-dialog').innerText()).toMatch(/ClusterDeck 尚未见过的主机密钥/);
    await page.waitForTimeout(400); // the dialog's opening animation
    await shot(page, 'consoles-hostkey-ask-zh-CN');
    await page.getByTestId('hostkey-reject').click();
    expect(storedKeys()).toEqual([]);
  });
});
