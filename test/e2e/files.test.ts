import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, setLanguage, shot } from '../support/browser';
import { startServe, type ServeProcess } from '../support/serveProcess';
import { cli } from '../support/cli';
import { tempDir } from '../support/tmp';

// The lab sshd runs as this machine's user, so the node's "remote" folder is a temp folder here.
describe('Consoles: files over SFTP and port forwards in Chromium', () => {
  const t = tempDir('cd-e2e-files-');
  const data = path.join(t.dir, 'data');
  const remote = path.join(t.dir, 'remote');
  const local = path.join(t.dir, 'local');
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let web: http.Server;
  const table = () => page.getByTestId('files-table');

  beforeAll(async () => {
    fs.mkdirSync(remote);
    fs.mkdirSync(local);
    fs.writeFileSync(path.join(remote, 'hello.txt'), 'hello from the node\n');
    const up = cli(data, ['lab', 'up', '--bmcs', '0', '--ssh-nodes', '1']);
    expect(up.stderr).toBe('');
    serve = await startServe(data);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(serve.url);
    await setLanguage(page, 'en');
    await page.getByTestId('nav-consoles').click();
    await page.getByTestId('tab-files').click();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await new Promise((r) => (web ? web.close(r) : r(null)));
    cli(data, ['lab', 'down']);
    t.cleanup();
  });

  it('browses a folder, makes a folder, uploads a file by local path with progress, deletes with confirmation', async () => {
    await page.getByTestId('files-node').fill('node001');
    await page.getByTestId('files-path').fill(remote);
    await page.getByTestId('files-go').click();
    await expect.poll(() => table().innerText()).toContain('hello.txt');

    await page.getByTestId('files-mkdir').click();
    await page.getByTestId('files-mkdir-name').fill('results');
    await page.getByTestId('files-mkdir-ok').click();
    await expect.poll(() => table().innerText()).toContain('results/');
    expect(fs.statSync(path.join(remote, 'results')).isDirectory()).toBe(true);

    const big = path.join(local, 'model.bin');
    fs.writeFileSync(big, Buffer.alloc(40 * 1024 * 1024, 5));
    await page.getByTestId('files-local').fill(big);
    await page.getByTestId('files-upload').click();
    await expect.poll(() => page.getByTestId('files-progress').innerText(), { timeout: 30_000 }).toContain(`Uploaded to ${path.join(remote, 'model.bin')}`);
    expect(await page.getByTestId('files-progress').innerText()).toContain('100%');
    await expect.poll(() => table().innerText()).toContain('model.bin');
    expect(fs.statSync(path.join(remote, 'model.bin')).size).toBe(40 * 1024 * 1024);
    await shot(page, 'files-uploaded-en');

    await page.getByTestId('file-delete-model.bin').click();
    await expect.poll(() => page.locator('.ant-popconfirm').innerText()).toContain('Delete model.bin?');
    await page.getByTestId('files-confirm-delete').click();
    await expect.poll(() => table().innerText()).not.toContain('model.bin');
    expect(fs.existsSync(path.join(remote, 'model.bin'))).toBe(false);
  });

  it('shows a clear error for a missing folder and keeps working', async () => {
    await page.getByTestId('files-path').fill(path.join(remote, 'nope'));
    await page.getByTestId('files-go').click();
    await expect.poll(() => page.getByTestId('files-error').innerText()).toContain(`no such file or folder ${path.join(remote, 'nope')}`);
    await page.getByTestId('files-path').fill(remote);
    await page.getByTestId('files-go').click();
    await expect.poll(() => table().innerText()).toContain('hello.txt');
    await setLanguage(page, 'zh-CN');
    await page.getByTestId('nav-consoles').click();
    await page.getByTestId('tab-files').click();
    await page.getByTestId('files-node').fill('node001');
    await page.getByTestId('files-path').fill(remote);
    await page.getByTestId('files-go').click();
    await expect.poll(() => table().innerText()).toContain('hello.txt');
    await expect.poll(() => page.locator('.ant-tabs-tab-active').innerText()).toBe('文件');
    await expect.poll(() => page.getByTestId('files-mkdir').isEnabled()).toBe(true);
    await shot(page, 'files-zh-CN');
    await setLanguage(page, 'en');
  });

  it('adds a port forward to an HTTP server, lists it and stops all', async () => {
    web = http.createServer((_req, res) => res.end('through the forward'));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
    const port = (web.address() as net.AddressInfo).port;
    await page.getByTestId('nav-consoles').click();
    await page.getByTestId('tab-forwards').click();
    await page.getByTestId('fwd-node').fill('node001');
    await page.getByTestId('fwd-remote').fill(`127.0.0.1:${port}`);
    await page.getByTestId('fwd-add').click();
    await expect.poll(() => page.getByTestId('fwd-table').innerText()).toMatch(/http:\/\/127\.0\.0\.1:\d+\//);
    const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(await page.getByTestId('fwd-table').innerText())![0];
    const body = await new Promise<string>((resolve, reject) => http.get(url, (res) => { let b = ''; res.on('data', (c: Buffer) => { b += c; }); res.on('end', () => resolve(b)); }).on('error', reject));
    expect(body).toBe('through the forward');
    await expect.poll(() => page.getByTestId('fwd-table').innerText(), { timeout: 10_000 }).toMatch(/0 \/ 1/);
    await shot(page, 'forwards-en');
    await page.getByTestId('fwd-stop-all').click();
    await expect.poll(() => page.getByTestId('fwd-table').innerText()).not.toContain('127.0.0.1:');
  });
});
