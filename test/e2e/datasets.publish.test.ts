import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { setLanguage, shot } from '../support/browser';
import { cli } from '../support/cli';
import { useUiSession } from '../support/uiSession';

// Publishing a dataset version into a folder on a cluster node from the Versions tab. The lab's
// sshd runs as this machine's user, so the node's folder is a temp folder here.
describe('Datasets: publish a version to a node in Chromium', () => {
  const ui = useUiSession({
    lab: ['--bmcs', '0', '--ssh-nodes', '1'],
    prepare: async (s) => {
      const imgs = path.join(s.dir, 'imgs');
      fs.mkdirSync(imgs);
      await sharp({ create: { width: 40, height: 30, channels: 3, background: '#864' } }).png().toFile(path.join(imgs, 'one.png'));
      expect(cli(s.data, ['datasets', 'create', 'cats', imgs, '--kind', 'detection', '--labels', 'cat']).code).toBe(0);
      expect(cli(s.data, ['datasets', 'version', 'cats', '--message', 'first']).code).toBe(0);
      fs.mkdirSync(path.join(s.dir, 'share'));
    },
    nav: 'datasets',
  });

  const openPublish = async () => {
    await ui.page.getByTestId('datasets-table').getByText('cats', { exact: true }).click();
    await ui.page.getByRole('tab', { name: /Versions|版本/ }).click();
    // antd puts a space between the two characters of a two-character Chinese button
    await ui.page.getByTestId('datasets-drawer').getByRole('button', { name: /^(Publish|发 ?布)$/ }).click();
    const dialog = ui.page.getByTestId('publish-dialog');
    // check() clicks and then confirms the radio took it (a click landing while the modal still
    // opened under CI load was once lost, and the node fields never came).
    await dialog.getByRole('radio', { name: /A folder on a node|节点上的文件夹/ }).check();
    await ui.page.getByTestId('publish-node').waitFor({ state: 'visible', timeout: 15_000 });
    return dialog;
  };

  it('uploads the zip into the node\'s folder with progress, and the version shows where it went', async () => {
    const share = path.join(ui.dir, 'share');
    const dialog = await openPublish();
    await ui.page.getByTestId('publish-node').fill('node001');
    await ui.page.getByTestId('publish-folder').fill('shared'); // not absolute: refused before anything is sent
    expect(await ui.page.getByTestId('publish-ok').isDisabled()).toBe(true);
    await ui.page.getByTestId('publish-folder').fill(share);
    await ui.page.getByTestId('publish-ok').click();
    await expect.poll(() => dialog.innerText(), { timeout: 30_000 }).toMatch(new RegExp(`Uploaded to node001:${share}/cats-v1-coco\\.zip`));
    const names = execFileSync('python3', ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', path.join(share, 'cats-v1-coco.zip')], { encoding: 'utf8' });
    expect(names).toMatch(/annotations\.json[\s\S]*images\/one\.png/);
    await shot(ui.page, 'datasets-publish-node-en');
    await dialog.locator('.ant-modal-footer').getByRole('button', { name: 'Close' }).click();
    await expect.poll(async () => ui.page.getByTestId('datasets-drawer').locator('.ant-tag', { hasText: 'coco' }).getAttribute('title')).toBe(`node001:${share}/cats-v1-coco.zip`);
  });

  it('says why when the zip is already there, in Chinese too', async () => {
    await setLanguage(ui.page, 'zh-CN');
    const dialog = await openPublish();
    await ui.page.getByTestId('publish-node').fill('node001');
    await ui.page.getByTestId('publish-folder').fill(path.join(ui.dir, 'share'));
    await ui.page.getByTestId('publish-ok').click();
    await expect.poll(() => ui.page.getByTestId('publish-error').innerText(), { timeout: 30_000 }).toMatch(/cats-v1-coco\.zip/);
    await shot(ui.page, 'datasets-publish-exists-zh');
    await setLanguage(ui.page, 'en');
  });
});
