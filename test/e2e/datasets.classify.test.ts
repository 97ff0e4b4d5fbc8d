import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { setLanguage, shot } from '../support/browser';
import { useUiSession } from '../support/uiSession';
import { cli } from '../support/cli';

// Classification by keyboard (one key per label) and the label-set editor, in Chromium.
describe('Classification and labels in Chromium', () => {
  const ui = useUiSession({ tempPrefix: 'clusterdeck-e2e-classify-', prepare: () => makeDatasets() });
  const data = ui.data;
  const imgs = path.join(ui.dir, 'pets');
  let page: Page;
  beforeAll(() => { page = ui.page; });

  /** Labels per image as stored, read straight from the database. */
  const stored = (dataset: string): Record<string, string[]> => {
    const db = new Database(path.join(data, 'clusterdeck.db'), { readonly: true });
    try {
      const rows = db.prepare(`SELECT i.file, l.name FROM dataset_annotations a JOIN dataset_images i ON i.id = a.image_id JOIN dataset_labels l ON l.id = a.label_id
        JOIN datasets d ON d.id = i.dataset_id WHERE d.name = ? ORDER BY i.file, l.name`).all(dataset) as { file: string; name: string }[];
      const out: Record<string, string[]> = {};
      for (const r of rows) (out[r.file] ??= []).push(r.name);
      return out;
    } finally {
      db.close();
    }
  };

  const ready = () => page.getByTestId('classify-view').getAttribute('data-ready');
  const openDataset = async (name: string) => {
    await page.goto(ui.serve.url);
    await page.getByTestId('nav-datasets').click();
    await page.getByTestId('datasets-table').getByText(name, { exact: true }).click();
    await expect.poll(() => page.getByTestId('datasets-label-start').isEnabled()).toBe(true);
  };

  /** Four images in a single-label and a multi-label dataset. */
  async function makeDatasets() {
    fs.mkdirSync(imgs, { recursive: true });
    const colors = ['#c84', '#48c', '#8c4', '#c48'];
    for (const [i, f] of ['a.png', 'b.png', 'c.png', 'd.png'].entries()) {
      await sharp({ create: { width: 320, height: 240, channels: 3, background: colors[i] } }).png().toFile(path.join(imgs, f));
    }
    for (const [name, kind] of [['pets', 'classification'], ['tags', 'multilabel']]) {
      const r = cli(data, ['datasets', 'create', name, imgs, '--kind', kind, '--labels', 'cat,dog,bird']);
      expect(r.code, r.stderr).toBe(0);
    }
  }

  it('single-label: each label key commits the label and opens the next image, keyboard only', async () => {
    await openDataset('pets');
    await page.getByTestId('datasets-label-start').focus();
    await page.keyboard.press('Enter');
    const file = page.getByTestId('classify-file');
    await expect.poll(() => file.innerText()).toBe('a.png');
    await expect.poll(ready).toBe('1');
    await expect.poll(() => page.getByTestId('classify-current').innerText()).toBe('Labels: (none)');
    await page.keyboard.press('2'); // dog → next
    await expect.poll(() => file.innerText()).toBe('b.png');
    await expect.poll(ready).toBe('1');
    await page.keyboard.press('1'); // cat
    await expect.poll(() => file.innerText()).toBe('c.png');
    await expect.poll(ready).toBe('1');
    await page.keyboard.press('3'); // bird
    await expect.poll(() => file.innerText()).toBe('d.png');
    await expect.poll(ready).toBe('1');
    await page.keyboard.press('1'); // the last image: saved, stays
    await expect.poll(() => page.getByTestId('classify-save-state').innerText()).toMatch(/^Saved/);
    await expect.poll(() => page.getByTestId('classify-current').innerText()).toBe('Labels: cat');
    expect(await file.innerText()).toBe('d.png');
    await page.keyboard.press('p');
    await expect.poll(() => file.innerText()).toBe('c.png');
    await expect.poll(ready).toBe('1');
    await expect.poll(ready).toBe('1');
    await expect.poll(() => page.getByTestId('classify-current').innerText()).toBe('Labels: bird');
    await page.keyboard.press('2'); // change c to dog, on to d
    await expect.poll(() => file.innerText()).toBe('d.png');
    await expect.poll(ready).toBe('1');
    await shot(page, 'datasets-classify-en');
    expect(stored('pets')).toEqual({ 'a.png': ['dog'], 'b.png': ['cat'], 'c.png': ['dog'], 'd.png': ['cat'] });

    // typed fast, nothing waits: keys queue and each applies to the image current in its turn
    await page.keyboard.type('ppp3333', { delay: 0 });
    await expect.poll(() => stored('pets')).toEqual({ 'a.png': ['bird'], 'b.png': ['bird'], 'c.png': ['bird'], 'd.png': ['bird'] });
    await expect.poll(() => file.innerText()).toBe('d.png');
    await page.keyboard.type('ppp2121', { delay: 0 }); // back to a dog, b cat, c dog, d cat
    await expect.poll(() => stored('pets')).toEqual({ 'a.png': ['dog'], 'b.png': ['cat'], 'c.png': ['dog'], 'd.png': ['cat'] });
    await expect.poll(() => file.innerText()).toBe('d.png');
    await expect.poll(() => page.getByTestId('classify-current').innerText()).toBe('Labels: cat');

    // folder-per-class export has the same answer
    const out = path.join(ui.dir, 'pets-out');
    const r = cli(data, ['datasets', 'export', 'pets', '--format', 'folder', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readdirSync(path.join(out, 'dog')).sort()).toEqual(['a.png', 'c.png']);
    expect(fs.readdirSync(path.join(out, 'cat')).sort()).toEqual(['b.png', 'd.png']);
  });

  it('multi-label: keys toggle labels on the image, Enter moves on', async () => {
    await openDataset('tags');
    await page.getByTestId('datasets-label-start').focus();
    await page.keyboard.press('Enter');
    const file = page.getByTestId('classify-file');
    const current = page.getByTestId('classify-current');
    await expect.poll(() => file.innerText()).toBe('a.png');
    await expect.poll(() => page.getByTestId('classify-view').getAttribute('data-ready')).toBe('1');
    await page.keyboard.press('1');
    await expect.poll(() => current.innerText()).toBe('Labels: cat');
    await page.keyboard.press('3');
    await expect.poll(() => current.innerText()).toBe('Labels: cat, bird');
    await page.keyboard.press('1'); // off again
    await expect.poll(() => current.innerText()).toBe('Labels: bird');
    await page.keyboard.press('2');
    await expect.poll(() => current.innerText()).toBe('Labels: bird, dog');
    expect(await file.innerText()).toBe('a.png'); // toggling does not move on
    await expect.poll(() => page.getByTestId('classify-labels').locator('[data-on="1"]').count()).toBe(2);
    await shot(page, 'datasets-classify-multi-en');
    await page.keyboard.press('Enter');
    await expect.poll(() => file.innerText()).toBe('b.png');
    await expect.poll(ready).toBe('1');
    await page.keyboard.press('2');
    await expect.poll(() => current.innerText()).toBe('Labels: dog');
    await page.keyboard.press('Delete');
    await expect.poll(() => current.innerText()).toBe('Labels: (none)');
    await page.keyboard.press('3');
    await expect.poll(() => current.innerText()).toBe('Labels: bird');
    await expect.poll(() => page.getByTestId('classify-save-state').innerText()).toMatch(/^Saved/);
    expect(stored('tags')).toEqual({ 'a.png': ['bird', 'dog'], 'b.png': ['bird'] });
  });

  it('label editor: refuses a hotkey conflict and a reserved key with a clear message, renames and recolors, deletes a used label after saying how many go', async () => {
    await openDataset('pets');
    await page.getByRole('tab', { name: 'Labels' }).click();
    const editor = page.getByTestId('labels-editor');
    await expect.poll(() => editor.locator('input[data-testid^="label-name-"]').count()).toBe(3);
    await page.getByTestId('label-hotkey-1').fill('1'); // dog takes cat's key
    await page.getByTestId('labels-save').click();
    await expect.poll(() => page.getByTestId('labels-error').innerText()).toBe('Hotkey "1" is given to both "cat" and "dog"; pick another key for one of them.');
    await page.getByTestId('label-hotkey-1').fill('n');
    await page.getByTestId('labels-save').click();
    await expect.poll(() => page.getByTestId('labels-error').innerText()).toBe('Hotkey "n" of label "dog" is the shortcut for next image; pick another key.');
    expect(stored('pets')['a.png']).toEqual(['dog']); // nothing changed

    await page.getByTestId('label-hotkey-1').fill('d');
    await page.getByTestId('label-name-0').fill('kitten');
    await page.getByTestId('label-color-2').fill('#00aa00');
    await page.getByTestId('labels-add').click();
    await page.getByTestId('label-name-3').fill('fox');
    await page.getByTestId('label-hotkey-3').fill('4');
    await page.getByTestId('labels-save').click();
    await expect.poll(() => page.getByTestId('labels-saved').isVisible()).toBe(true);
    expect(stored('pets')).toEqual({ 'a.png': ['dog'], 'b.png': ['kitten'], 'c.png': ['dog'], 'd.png': ['kitten'] }); // renamed, annotations kept

    // delete dog (2 annotations): asked first, with the count
    await expect.poll(() => editor.locator('input[data-testid^="label-name-"]').count()).toBe(4);
    expect(await page.getByTestId('label-name-1').inputValue()).toBe('dog');
    await page.getByTestId('label-delete-1').click();
    await expect.poll(() => editor.locator('input[data-testid^="label-name-"]').count()).toBe(3);
    await page.getByTestId('labels-save').click();
    const confirm = page.locator('.ant-modal-confirm');
    await expect.poll(() => confirm.innerText()).toMatch(/Delete 1 labels\?[\s\S]*dog \(2\) — 2 annotations in all/);
    await page.waitForTimeout(500); // the dialog's opening animation
    await shot(page, 'datasets-labels-confirm-en');
    await page.getByTestId('labels-confirm-delete').click();
    await expect.poll(() => page.getByTestId('datasets-drawer').innerText()).toMatch(/kitten \(2\)/);
    expect(stored('pets')).toEqual({ 'b.png': ['kitten'], 'd.png': ['kitten'] });
    const db = new Database(path.join(data, 'clusterdeck.db'), { readonly: true });
    const labels = db.prepare("SELECT l.name, l.color, l.hotkey FROM dataset_labels l JOIN datasets d ON d.id = l.dataset_id WHERE d.name = 'pets' ORDER BY l.position").all();
    db.close();
    expect(labels).toEqual([{ name: 'kitten', color: '#1677ff', hotkey: '1' }, { name: 'bird', color: '#00aa00', hotkey: '3' }, { name: 'fox', color: expect.stringMatching(/^#[0-9a-f]{6}$/), hotkey: '4' }]);
    await shot(page, 'datasets-labels-en');
  });

  it('speaks Chinese too: the label editor and the classification screen', async () => {
    await setLanguage(page, 'zh-CN');
    await page.getByTestId('nav-datasets').click();
    await page.getByTestId('datasets-table').getByText('tags', { exact: true }).click();
    await page.getByRole('tab', { name: '标签', exact: true }).click();
    await expect.poll(() => page.getByTestId('labels-editor').innerText()).toMatch(/保存标签[\s\S]*重命名会保留标签的标注/);
    await page.waitForTimeout(400); // the tab's ink bar animation
    await shot(page, 'datasets-labels-zh-CN');
    await page.getByRole('tab', { name: '图像', exact: true }).click();
    await expect.poll(() => page.getByTestId('datasets-label-start').isEnabled()).toBe(true);
    await page.getByTestId('datasets-label-start').click();
    await expect.poll(() => page.getByTestId('classify-current').innerText()).toMatch(/^标签：/);
    await shot(page, 'datasets-classify-zh-CN');
    await setLanguage(page, 'en');
  });
});
