import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { recordRequests, shot } from '../support/browser';
import { useUiSession } from '../support/uiSession';
import { cli } from '../support/cli';

const LARGE = 4;

describe('Datasets page in Chromium', () => {
  const ui = useUiSession({ tempPrefix: 'clusterdeck-e2e-datasets-', prepare: () => makeFiles() });
  const data = ui.data;
  const t = { dir: ui.dir };
  const imgs = path.join(t.dir, 'photos');
  let page: Page;
  let requests: string[];
  beforeAll(async () => {
    page = ui.page;
    requests = recordRequests(page);
    await page.reload(); // recorded from the page's first request on
    await page.getByTestId('nav-datasets').click();
  });

  /** Images (one of them truncated, one with a Chinese name) and a COCO file for them; large images whose tile pyramids take a while. */
  async function makeFiles() {
    fs.mkdirSync(path.join(t.dir, 'large'));
    for (let i = 0; i < LARGE; i++) await sharp({ create: { width: 8000, height: 6000, channels: 3, background: `#${i}${i}8844` } }).jpeg({ quality: 80 }).toFile(path.join(t.dir, 'large', `large-${i}.jpg`));
    fs.mkdirSync(path.join(imgs, 'sub'), { recursive: true });
    await sharp({ create: { width: 640, height: 480, channels: 3, background: '#c84' } }).jpeg().toFile(path.join(imgs, 'a.jpg'));
    await sharp({ create: { width: 50, height: 40, channels: 3, background: '#48c' } }).png().toFile(path.join(imgs, 'sub', '猫.png'));
    const png = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#0f0' } }).png().toBuffer();
    fs.writeFileSync(path.join(imgs, 'broken.png'), png.subarray(0, png.length >> 1));
    fs.writeFileSync(path.join(t.dir, 'coco.json'), JSON.stringify({
      images: [{ id: 1, file_name: 'a.jpg', width: 640, height: 480 }, { id: 2, file_name: 'sub/猫.png', width: 50, height: 40 }],
      categories: [{ id: 1, name: 'cat' }, { id: 3, name: 'dog' }],
      annotations: [
        { id: 1, image_id: 1, category_id: 1, bbox: [10, 10, 100, 80] },
        { id: 2, image_id: 1, category_id: 3, bbox: [200.5, 100.25, 40, 40] },
        { id: 3, image_id: 2, category_id: 1, bbox: [600, 0, 10, 10] },
      ],
    }));
  }

  it('creates a dataset from a typed folder path and reports the unreadable file', async () => {
    await page.getByTestId('datasets-create').click();
    await page.getByTestId('datasets-create-name').fill('photos');
    await page.getByTestId('datasets-create-folder').fill(imgs);
    await page.getByText('Create', { exact: true }).click();
    await expect.poll(() => page.locator('.ant-modal').innerText()).toMatch(/Created; 1 files could not be read[\s\S]*broken\.png: cannot read the image/);
    await page.getByText('Close', { exact: true }).click();
    await expect.poll(() => page.getByTestId('datasets-table').innerText()).toMatch(/photos\s+Object detection\s+3\s+0/);
  });

  it('shows images with thumbnails made by main, as data: URLs', async () => {
    // creating opened the dataset's drawer
    const drawer = page.getByTestId('datasets-drawer');
    await expect.poll(() => drawer.locator('img').count()).toBe(2);
    const srcs = await drawer.locator('img').evaluateAll((els) => els.map((e) => (e as HTMLImageElement).src.slice(0, 16)));
    expect(srcs).toEqual(['data:image/webp;', 'data:image/webp;']);
    await shot(page, 'datasets-images-en');
  });

  it('imports COCO with a per-item error, then queries, versions and statistics', async () => {
    await page.getByTestId('datasets-import').click();
    const modal = page.locator('.ant-modal').last();
    await modal.locator('input').nth(1).fill(path.join(t.dir, 'coco.json'));
    await modal.locator('input').nth(2).fill(imgs);
    await modal.getByText('All or nothing').click(); // off: keep what is good
    await modal.getByRole('button', { name: 'Import' }).click();
    await expect.poll(() => modal.innerText()).toMatch(/Imported 2 annotations on 2 images[\s\S]*annotations\[2\]\.bbox\]: box \[600, 0, 10, 10\] extends outside the 50×40 image/);
    await modal.locator('.ant-modal-footer').getByRole('button', { name: 'Close' }).click();

    await page.getByTestId('datasets-query').locator('input').fill('width > 100 and has label dog');
    await page.getByTestId('datasets-query').locator('input').press('Enter');
    await expect.poll(() => page.getByTestId('datasets-drawer').innerText()).toMatch(/1 images/);

    await page.getByRole('tab', { name: 'Versions' }).click();
    await page.getByTestId('datasets-version-create').click();
    await expect.poll(() => page.getByTestId('datasets-drawer').innerText()).toMatch(/v1[\s\S]*\+2 −0 \/ \+3 −0/);

    await page.getByRole('tab', { name: 'Statistics' }).click();
    await expect.poll(() => page.getByTestId('datasets-drawer').innerText()).toMatch(/3 images, 2 annotations/);
    await shot(page, 'datasets-stats-en');
  });

  it('draws a box and a polygon with mouse and keys, relabels by key, finds them after a reload; export has them', async () => {
    await page.getByRole('tab', { name: 'Images' }).click();
    await page.getByTestId('datasets-query').locator('input').fill('');
    await page.getByTestId('datasets-query').locator('input').press('Enter');
    await page.getByTestId('datasets-drawer').getByText('sub/猫.png', { exact: true }).click();
    const canvas = page.getByTestId('annotate-canvas');
    await expect.poll(() => page.getByTestId('annotate-count').innerText()).toBe('0 shapes'); // its imported box was outside the image
    // Measured once the dialog has stopped zooming in: measured mid-animation, the canvas is smaller and
    // further right, and clicks aimed from that box land beside the image.
    await expect.poll(() => canvas.getAttribute('data-ready'), { timeout: 30_000 }).toBe('1');
    const box = (await canvas.boundingBox())!;
    await page.keyboard.press('2'); // current label: the second one (dog)
    await page.mouse.move(box.x + 400, box.y + 200);
    await page.mouse.down();
    await page.mouse.move(box.x + 500, box.y + 300, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('annotate-save-state').innerText()).toMatch(/^Saved/);
    await expect.poll(() => page.getByTestId('annotate-count').innerText()).toBe('1 shapes');
    await page.keyboard.press('1'); // relabel the selected box as cat
    await expect.poll(() => page.getByTestId('annotate-save-state').innerText()).toMatch(/^Saved/);
    await page.keyboard.press('g'); // polygon mode: three clicks and Enter
    await expect.poll(() => page.getByTestId('annotate-mode').innerText()).toBe('Polygon');
    for (const [dx, dy] of [[700, 150], [800, 150], [750, 250]]) await page.mouse.click(box.x + dx, box.y + dy);
    await expect.poll(() => canvas.getAttribute('data-vertices')).toBe('3'); // the three points are shown before Enter closes them
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('annotate-count').innerText()).toBe('2 shapes');
    await expect.poll(() => page.getByTestId('annotate-save-state').innerText()).toMatch(/^Saved/);
    // the new polygon is selected and its vertices have handles: dragging the first moves only that vertex
    const ring = async () => (JSON.parse((await canvas.getAttribute('data-shapes'))!) as { polygons: number[][] | null }[]).find((sh) => sh.polygons)!.polygons![0];
    const before = await ring();
    const v = JSON.parse((await canvas.getAttribute('data-view'))!) as { scale: number; x: number; y: number };
    const stage = (await canvas.locator('canvas').first().boundingBox())!;
    const [vx, vy] = [stage.x + v.x + before[0] * v.scale, stage.y + v.y + before[1] * v.scale];
    await page.mouse.move(vx, vy);
    await page.mouse.down();
    await page.mouse.move(vx + 20, vy + 10, { steps: 4 });
    await page.mouse.up();
    await expect.poll(async () => (await ring())[0]).not.toBe(before[0]);
    const after = await ring();
    expect(Math.abs(after[0] - before[0] - 20 / v.scale)).toBeLessThanOrEqual(1 / v.scale);
    expect(Math.abs(after[1] - before[1] - 10 / v.scale)).toBeLessThanOrEqual(1 / v.scale);
    expect(after.slice(2)).toEqual(before.slice(2));
    await expect.poll(() => page.getByTestId('annotate-save-state').innerText()).toMatch(/^Saved/);
    await shot(page, 'datasets-annotate-en');

    await page.reload();
    await page.getByTestId('datasets-table').getByText('photos', { exact: true }).click();
    await page.getByTestId('datasets-drawer').getByText('sub/猫.png', { exact: true }).click();
    await expect.poll(() => page.getByTestId('annotate-count').innerText()).toBe('2 shapes');
    await page.keyboard.press('Escape');

    const out = path.join(t.dir, 'export');
    const r = cli(data, ['datasets', 'export', 'photos', '--format', 'coco', '--out', out, '--no-images']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(fs.readFileSync(path.join(out, 'annotations.json'), 'utf8'));
    const image = json.images.find((i: { file_name: string }) => i.file_name === 'sub/猫.png');
    const drawn = json.annotations.filter((a: { image_id: number }) => a.image_id === image.id);
    expect(drawn).toHaveLength(2);
    const polygon = drawn.find((a: { segmentation: number[][] }) => a.segmentation.length === 1);
    expect(polygon.segmentation[0]).toHaveLength(6);
    const cat = json.categories.find((c: { name: string }) => c.name === 'cat').id;
    const mine = drawn.find((a: { category_id: number; segmentation: number[][] }) => a.category_id === cat && a.segmentation.length === 0);
    expect(mine).toBeTruthy();
    for (const v of mine.bbox) expect(Number.isFinite(v)).toBe(true);
    expect(mine.bbox[0] + mine.bbox[2]).toBeLessThanOrEqual(50); // clamped to the 50×40 image
  });

  it('shows the tile pyramids being built in the background after a create, until they are done', async () => {
    await page.reload();
    await page.getByTestId('nav-datasets').click();
    await page.getByTestId('datasets-create').click();
    await page.getByTestId('datasets-create-name').fill('large');
    await page.getByTestId('datasets-create-folder').fill(path.join(t.dir, 'large'));
    await page.getByText('Create', { exact: true }).click();
    // the create returns at once and opens the dataset; its images' pyramids are built one after another
    const tag = page.getByTestId('datasets-pyramids');
    await expect.poll(() => tag.innerText()).toMatch(new RegExp(`^Preparing large images for zooming: [0-${LARGE - 1}] of ${LARGE} done$`));
    await shot(page, 'datasets-pyramids-en');
    await expect.poll(() => tag.count(), { timeout: 90_000 }).toBe(0);
    expect(fs.readdirSync(path.join(data, 'cache', 'pyramids')).filter((d) => !d.endsWith('.tmp'))).toHaveLength(LARGE);
  });

  it('asked nothing of the network and nothing by file://', () => {
    const origin = new URL(ui.serve.url).origin;
    const wsOrigin = origin.replace(/^http/, 'ws');
    expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith(wsOrigin) && !u.startsWith('data:'))).toEqual([]);
  });
});
