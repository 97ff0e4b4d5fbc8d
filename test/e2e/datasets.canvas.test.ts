import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { shot } from '../support/browser';
import { useUiSession } from '../support/uiSession';
import { cli } from '../support/cli';

interface Shape { id: number; label: string; bbox: [number, number, number, number] | null; hidden: boolean; locked: boolean }
interface View { scale: number; x: number; y: number }
const CROWD = 2000;

// The annotation canvas in Chromium: several shapes selected (Shift+click, rubber band), hide,
// lock, copy from the previous image, undo/redo of whole steps, the shortcut sheet, and a
// 12,000 × 12,000 image shown through tiles with a box saved in full-resolution pixels.
describe('Annotation canvas in Chromium', () => {
  let createSeconds = 0;
  const ui = useUiSession({ tempPrefix: 'clusterdeck-e2e-canvas-', prepare: ({ dir, data }) => makeDatasets(dir, data) });
  const data = ui.data;
  let page: Page;
  let canvas: Locator;
  beforeAll(() => { page = ui.page; });

  const shapes = async (): Promise<Shape[]> => JSON.parse((await canvas.getAttribute('data-shapes')) ?? '[]');
  const selected = async (): Promise<number[]> => JSON.parse((await canvas.getAttribute('data-selected')) ?? '[]');
  const view = async (): Promise<View> => JSON.parse((await canvas.getAttribute('data-view'))!);
  /** Screen position of an image pixel coordinate. */
  const at = async (x: number, y: number): Promise<[number, number]> => {
    const stage = (await canvas.locator('canvas').first().boundingBox())!;
    const v = await view();
    return [stage.x + v.x + x * v.scale, stage.y + v.y + y * v.scale];
  };
  const drag = async (from: [number, number], to: [number, number], shift = false) => {
    if (shift) await page.keyboard.down('Shift');
    await page.mouse.move(...from);
    await page.mouse.down();
    await page.mouse.move(to[0], to[1], { steps: 6 });
    await page.mouse.up();
    if (shift) await page.keyboard.up('Shift');
  };
  /** Where the page saw the last mouse down and up, in stage pixels (the browser rounds what it is sent). */
  const seen = async (): Promise<{ down: [number, number]; up: [number, number] }> => page.evaluate(() => (window as unknown as { __seen: { down: [number, number]; up: [number, number] } }).__seen);
  const record = () => page.evaluate(() => {
    const w = window as unknown as { __seen: Record<string, [number, number]> };
    w.__seen = {};
    for (const type of ['mousedown', 'mouseup'] as const) {
      window.addEventListener(type, (e) => {
        const r = document.querySelector('[data-testid="annotate-canvas"] canvas')!.getBoundingClientRect();
        w.__seen[type === 'mousedown' ? 'down' : 'up'] = [e.clientX - r.left, e.clientY - r.top];
      }, true);
    }
  });
  const fromStage = (p: [number, number], v: View) => [(p[0] - v.x) / v.scale, (p[1] - v.y) / v.scale];
  const count = async () => (await shapes()).length;
  const saved = () => expect.poll(() => page.getByTestId('annotate-save-state').innerText()).toMatch(/^Saved/);
  const stored = (dataset: string, file: string) => {
    const db = new Database(path.join(data, 'clusterdeck.db'), { readonly: true });
    try {
      return db.prepare(`SELECT a.id, l.name AS label, a.bbox_x, a.bbox_y, a.bbox_w, a.bbox_h, a.hidden, a.locked FROM dataset_annotations a
        JOIN dataset_images i ON i.id = a.image_id JOIN datasets d ON d.id = i.dataset_id JOIN dataset_labels l ON l.id = a.label_id
        WHERE d.name = ? AND i.file = ? ORDER BY a.id`).all(dataset, file) as { id: number; label: string; bbox_x: number; bbox_y: number; bbox_w: number; bbox_h: number; hidden: number; locked: number }[];
    } finally {
      db.close();
    }
  };
  const open = async (dataset: string, file: string) => {
    await page.goto(ui.serve.url);
    await page.getByTestId('nav-datasets').click();
    await page.getByTestId('datasets-table').getByText(dataset, { exact: true }).click();
    const started = Date.now();
    await page.getByTestId('datasets-drawer').getByText(file, { exact: true }).click();
    canvas = page.getByTestId('annotate-canvas');
    await expect.poll(() => canvas.getAttribute('data-ready'), { timeout: 30_000 }).toBe('1');
    const ms = Date.now() - started;
    await record();
    return ms;
  };


  /** Two small images and a 12,000 × 12,000 one in two detection datasets. */
  async function makeDatasets(dir: string, data: string) {
    const imgs = path.join(dir, 'street');
    fs.mkdirSync(imgs, { recursive: true });
    await sharp({ create: { width: 800, height: 600, channels: 3, background: '#8a9' } }).png().toFile(path.join(imgs, 'one.png'));
    await sharp({ create: { width: 800, height: 600, channels: 3, background: '#a98' } }).png().toFile(path.join(imgs, 'two.png'));
    const big = path.join(dir, 'aerial');
    fs.mkdirSync(big);
    const svg = Buffer.from(`<svg width="12000" height="12000"><rect x="6000" y="0" width="6000" height="6000" fill="#335"/><rect x="0" y="6000" width="6000" height="6000" fill="#533"/>
      <rect x="9000" y="9000" width="400" height="300" fill="none" stroke="#ff0" stroke-width="8"/></svg>`);
    await sharp({ create: { width: 12000, height: 12000, channels: 3, background: '#7a7' } }).composite([{ input: svg }]).jpeg({ quality: 85 }).toFile(path.join(big, 'huge.jpg'));
    let r = cli(data, ['datasets', 'create', 'street', imgs, '--kind', 'detection', '--labels', 'car,person']);
    expect(r.code, r.stderr).toBe(0);
    const started = Date.now();
    r = cli(data, ['datasets', 'create', 'aerial', big, '--kind', 'detection', '--labels', 'roof']);
    createSeconds = (Date.now() - started) / 1000;
    expect(r.code, r.stderr).toBe(0);

    // 2,000 random boxes, then two that overlap each other on top of them all
    const crowd = path.join(dir, 'crowd');
    fs.mkdirSync(crowd);
    await sharp({ create: { width: 1920, height: 1080, channels: 3, background: '#9ab' } }).png().toFile(path.join(crowd, 'street.png'));
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const boxes = Array.from({ length: CROWD }, () => { const w = 10 + rnd() * 80, h = 10 + rnd() * 80; return [rnd() * (1920 - w), rnd() * (1080 - h), w, h]; });
    boxes.push([800, 400, 200, 150], [900, 450, 200, 150]);
    fs.writeFileSync(path.join(dir, 'crowd.json'), JSON.stringify({
      images: [{ id: 1, file_name: 'street.png', width: 1920, height: 1080 }],
      categories: [{ id: 1, name: 'car' }, { id: 2, name: 'person' }],
      annotations: boxes.map((bbox, i) => ({ id: i + 1, image_id: 1, category_id: (i % 2) + 1, bbox, iscrowd: 0, area: bbox[2] * bbox[3] })),
    }));
    r = cli(data, ['datasets', 'create', 'crowd', crowd, '--kind', 'detection', '--labels', 'car,person']);
    expect(r.code, r.stderr).toBe(0);
    r = cli(data, ['datasets', 'import', 'crowd', '--format', 'coco', '--annotations', path.join(dir, 'crowd.json'), '--images', crowd]);
    expect(r.code, r.stderr).toBe(0);
  }

  it('selects with Shift+click and a rubber band; locks, hides, moves several; undo and redo whole steps', async () => {
    await open('street', 'one.png');
    await page.keyboard.press('1');
    const v0 = await view();
    for (const [x, y] of [[100, 100], [300, 100], [100, 300]]) {
      const n = await count();
      await drag(await at(x, y), await at(x + 100, y + 80));
      await expect.poll(count).toBe(n + 1);
      // the box is exactly where the pointer went down and up, in image pixels
      const { down, up } = await seen();
      const [x0, y0] = fromStage(down, v0), [x1, y1] = fromStage(up, v0);
      (await shapes())[n].bbox!.forEach((v, i) => expect(v).toBeCloseTo([x0, y0, x1 - x0, y1 - y0][i], 9));
      (await shapes())[n].bbox!.forEach((v, i) => expect(Math.abs(v - [x, y, 100, 80][i])).toBeLessThanOrEqual(2 / v0.scale));
    }
    await saved();
    const [a, b, c] = await shapes();
    expect([a, b, c].map((s) => s.label)).toEqual(['car', 'car', 'car']);

    // Shift+click two, lock them: dragging a locked box does not move it
    await page.keyboard.press('Escape');
    await page.mouse.click(...(await at(150, 140)));
    await page.keyboard.down('Shift');
    await page.mouse.click(...(await at(350, 140)));
    await page.keyboard.up('Shift');
    await expect.poll(selected).toEqual([a.id, b.id]);
    await page.keyboard.press('l');
    await expect.poll(async () => (await shapes()).filter((s) => s.locked).map((s) => s.id)).toEqual([a.id, b.id]);
    await drag(await at(150, 140), await at(250, 240));
    await page.waitForTimeout(300);
    expect((await shapes())[0].bbox).toEqual(a.bbox);
    expect(stored('street', 'one.png')[0]).toMatchObject({ bbox_x: a.bbox![0], bbox_y: a.bbox![1], locked: 1 });

    // unlock, then one drag moves both selected boxes in one step
    await page.keyboard.press('l');
    await expect.poll(async () => (await shapes()).filter((s) => s.locked).length).toBe(0);
    const v = await view();
    await drag(await at(150, 140), await at(200, 140));
    // the step saves the two boxes one after the other: wait until both have moved before comparing
    await expect.poll(async () => { const [sa, sb] = await shapes(); return sa.bbox![0] !== a.bbox![0] && sb.bbox![0] !== b.bbox![0]; }).toBe(true);
    const [ma, mb] = await shapes();
    const dx = ma.bbox![0] - a.bbox![0];
    expect(Math.abs(dx - 50)).toBeLessThanOrEqual(1 / v.scale); // the pointer moved 50 image pixels (the browser rounds to whole screen pixels)
    expect(mb.bbox![0] - b.bbox![0]).toBeCloseTo(dx, 9); // both by the same amount
    expect([ma.bbox![1], mb.bbox![1]]).toEqual([a.bbox![1], b.bbox![1]]);
    expect((await shapes())[2].bbox).toEqual(c.bbox);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await shapes()).map((s) => s.bbox)).toEqual([a.bbox, b.bbox, c.bbox]);

    // rubber band around all three, hide them in one step; undo shows them, redo hides again, Shift+H shows all
    await page.keyboard.press('Escape');
    await drag(await at(50, 50), await at(450, 450), true);
    await expect.poll(async () => (await selected()).sort()).toEqual([a.id, b.id, c.id].sort());
    await page.keyboard.press('h');
    await expect.poll(async () => (await shapes()).every((s) => s.hidden)).toBe(true);
    await expect.poll(() => page.getByTestId('annotate-selection').innerText()).toMatch(/3 hidden/);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await shapes()).some((s) => s.hidden)).toBe(false);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(async () => (await shapes()).every((s) => s.hidden)).toBe(true);
    await page.keyboard.press('Shift+H');
    await expect.poll(async () => (await shapes()).some((s) => s.hidden)).toBe(false);
    await saved();
    expect(stored('street', 'one.png').map((r) => [r.id, r.hidden, r.locked])).toEqual([[a.id, 0, 0], [b.id, 0, 0], [c.id, 0, 0]]);

    // relabel a selection by its hotkey
    await page.keyboard.press('Control+a');
    await page.keyboard.press('2');
    await expect.poll(async () => (await shapes()).map((s) => s.label)).toEqual(['person', 'person', 'person']);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await shapes()).map((s) => s.label)).toEqual(['car', 'car', 'car']);
    await shot(page, 'datasets-canvas-selection-en');
  });

  it('copies the previous image\'s shapes by key as one step; undo follows shapes re-created by an undone delete', async () => {
    const before = (await shapes()).map((s) => s.bbox);
    await page.keyboard.press('n');
    await expect.poll(() => page.getByTestId('annotate-count').innerText()).toBe('0 shapes');
    await expect.poll(() => canvas.getAttribute('data-ready')).toBe('1');
    await page.keyboard.press('c');
    await expect.poll(async () => (await shapes()).map((s) => s.bbox)).toEqual(before);
    expect(await selected()).toHaveLength(3);
    await page.keyboard.press('Control+z');
    await expect.poll(count).toBe(0);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(count).toBe(3);
    await page.keyboard.press('Delete');
    await expect.poll(count).toBe(0);
    await page.keyboard.press('Control+z'); // the three come back with new ids …
    await expect.poll(count).toBe(3);
    await page.keyboard.press('Control+z'); // … and undoing the paste still finds them
    await expect.poll(count).toBe(0);
    await page.keyboard.press('Control+y');
    await expect.poll(count).toBe(3);
    await saved();
    expect(stored('street', 'two.png').map((r) => [r.bbox_x, r.bbox_y, r.bbox_w, r.bbox_h])).toEqual(before);

    await page.keyboard.press('?');
    const sheet = page.locator('.ant-modal').filter({ hasText: 'Keyboard shortcuts' });
    await expect.poll(() => sheet.innerText()).toMatch(/Shift\+Drag\s+Rubber band: select the shapes inside[\s\S]*C\s+Copy the previous image's shapes onto this one/);
    await page.waitForTimeout(500);
    await shot(page, 'datasets-canvas-shortcuts-en');
    await page.keyboard.press('Escape');

    // Keys pressed faster than images load act on the image the key before them opened: P then N
    // comes back here (run against the image P left, N would have found no next image).
    // (both in one task, so the second is queued before the first image can load)
    await page.evaluate(() => { for (const key of ['p', 'n']) window.dispatchEvent(new KeyboardEvent('keydown', { key })); });
    await expect.poll(() => canvas.getAttribute('data-keys')).toBe('0');
    await expect.poll(() => page.getByTestId('annotate-file').innerText()).toBe('two.png');
    await expect.poll(count).toBe(3);
  });

  it('queues canvas keys pressed faster than their saves return (each acts on the result of the one before); Space+drag pans over a box; a handle resizes', async () => {
    await open('street', 'one.png');
    const before = await shapes();
    expect(before.map((s) => [s.label, s.locked, s.hidden])).toEqual([['car', false, false], ['car', false, false], ['car', false, false]]);
    // All in one go, without waiting for a save: each step writes three shapes one after the other.
    // Delete comes after the lock, so it must find them locked and keep them; Shift+H must see them hidden.
    await page.evaluate(() => {
      const w = window as unknown as { __busy: number };
      w.__busy = 0; // keys that arrived while a save was still running
      window.addEventListener('keydown', () => { if (/^Saving/.test(document.querySelector('[data-testid="annotate-save-state"]')!.textContent ?? '')) w.__busy++; }, true);
    });
    for (const key of ['Control+a', '2', 'l', 'Delete', 'l', '1', 'Control+a', 'h', 'Shift+H', 'Control+z', 'Control+z', 'Control+z']) await page.keyboard.press(key);
    expect(await page.evaluate(() => (window as unknown as { __busy: number }).__busy)).toBeGreaterThan(0); // the keys did outrun the saves
    await expect.poll(() => canvas.getAttribute('data-keys'), { timeout: 20_000 }).toBe('0');
    // Three undos: "show all", then "hide", then the relabel to car: back to person, unlocked, shown.
    expect((await shapes()).map((s) => [s.id, s.label, s.locked, s.hidden])).toEqual(before.map((s) => [s.id, 'person', false, false]));
    await saved();
    expect(stored('street', 'one.png').map((r) => [r.id, r.label, r.locked, r.hidden])).toEqual(before.map((s) => [s.id, 'person', 0, 0]));
    await page.keyboard.press('Control+Shift+z'); // redo is queued too and restores the relabel to car
    await expect.poll(() => canvas.getAttribute('data-keys')).toBe('0');
    expect((await shapes()).map((s) => s.label)).toEqual(['car', 'car', 'car']);
    await saved();

    // Space+drag begun over a box pans the view and leaves the box where it is
    const v = await view(), still = (await shapes()).map((s) => s.bbox);
    await page.keyboard.down(' ');
    await drag(await at(150, 140), [(await at(150, 140))[0] + 120, (await at(150, 140))[1] + 60]);
    await page.keyboard.up(' ');
    await expect.poll(async () => (await view()).x).not.toBe(v.x);
    const moved = await view();
    expect(Math.abs(moved.x - v.x - 120)).toBeLessThanOrEqual(1);
    expect(Math.abs(moved.y - v.y - 60)).toBeLessThanOrEqual(1);
    expect(moved.scale).toBe(v.scale);
    expect((await shapes()).map((s) => s.bbox)).toEqual(still);

    // the transformer's bottom-right handle resizes a selected box by the pointer's distance in image pixels
    const [box] = await shapes();
    await page.mouse.click(...(await at(box.bbox![0] + 10, box.bbox![1] + 10)));
    await expect.poll(selected).toEqual([box.id]);
    const corner = await at(box.bbox![0] + box.bbox![2], box.bbox![1] + box.bbox![3]);
    await drag(corner, [corner[0] + 40, corner[1] + 20]);
    await expect.poll(async () => (await shapes())[0].bbox![2]).not.toBe(box.bbox![2]);
    const [resized] = await shapes(), s = (await view()).scale;
    expect(resized.bbox![0]).toBeCloseTo(box.bbox![0], 6);
    expect(resized.bbox![1]).toBeCloseTo(box.bbox![1], 6);
    expect(Math.abs(resized.bbox![2] - box.bbox![2] - 40 / s)).toBeLessThanOrEqual(1.5 / s);
    expect(Math.abs(resized.bbox![3] - box.bbox![3] - 20 / s)).toBeLessThanOrEqual(1.5 / s);
    await saved();
  });

  it('finds the shape under a click among 2,000 boxes (the topmost one), moves it, and keeps Konva nodes for the selection only', async () => {
    await open('crowd', 'street.png');
    await expect.poll(count).toBe(CROWD + 2);
    const all = await shapes();
    const [under, over] = all.slice(-2); // the two overlapping boxes drawn last
    expect([under.bbox, over.bbox]).toEqual([[800, 400, 200, 150], [900, 450, 200, 150]]);
    const nodes = () => page.evaluate(() => (window as unknown as { Konva: { stages: { find: (s: string) => unknown[] }[] } }).Konva.stages[0].find('Shape').length);
    expect(await nodes()).toBeLessThan(30); // the 2,000 boxes are painted, not nodes (these are the image, the painter, the transformer's handles)
    const click = async (x: number, y: number, shift = false) => {
      if (shift) await page.keyboard.down('Shift');
      await page.mouse.click(...(await at(x, y)));
      if (shift) await page.keyboard.up('Shift');
    };
    await click(850, 420); // only the lower one
    await expect.poll(selected).toEqual([under.id]);
    await click(950, 500); // both: the selected one is drawn on top of the rest, so it keeps the press
    await expect.poll(selected).toEqual([under.id]);
    await page.keyboard.press('Escape');
    await click(950, 500); // none selected: the one drawn later is on top
    await expect.poll(selected).toEqual([over.id]);
    await click(1050, 580);
    await expect.poll(selected).toEqual([over.id]);
    await click(850, 420, true); // Shift+click adds the lower one
    await expect.poll(selected).toEqual([over.id, under.id]);

    // Among the random boxes: points well inside some box and far from every outline (the click may
    // miss by a pixel), where the answer is the last box drawn there.
    const margin = 10;
    const inside = (b: number[], x: number, y: number, m: number) => x >= b[0] - m && x <= b[0] + b[2] + m && y >= b[1] - m && y <= b[1] + b[3] + m;
    const clear = (x: number, y: number) => all.every((s) => inside(s.bbox!, x, y, -margin) || !inside(s.bbox!, x, y, margin));
    const random = all.slice(0, CROWD);
    let checked = 0;
    for (let y = 30; y < 1060 && checked < 4; y += 37) for (let x = 30; x < 1900 && checked < 4; x += 53) {
      if ((x > 780 && x < 1120 && y > 380 && y < 620) || !clear(x, y)) continue;
      const want = random.filter((s) => inside(s.bbox!, x, y, 0)).pop();
      if (!want) continue;
      await page.keyboard.press('Escape');
      await click(x, y);
      await expect.poll(selected).toEqual([want.id]);
      checked++;
    }
    expect(checked).toBe(4);

    // hovering shows which box a click would take; pressing on it and dragging moves it at once
    const target = over;
    await page.keyboard.press('Escape');
    await page.mouse.move(...(await at(1050, 580)));
    await expect.poll(() => canvas.getAttribute('data-hover')).toBe(String(target.id));
    const v = await view();
    await drag(await at(1050, 580), await at(1080, 600));
    await expect.poll(async () => (await shapes()).find((s) => s.id === target.id)!.bbox![0]).not.toBe(900);
    const moved = (await shapes()).find((s) => s.id === target.id)!;
    expect(Math.abs(moved.bbox![0] - 930)).toBeLessThanOrEqual(1 / v.scale);
    expect(Math.abs(moved.bbox![1] - 470)).toBeLessThanOrEqual(1 / v.scale);
    expect(await selected()).toEqual([target.id]);
    expect((await shapes()).filter((s) => s.id !== target.id)).toEqual(all.filter((s) => s.id !== target.id));
    await saved();
    expect(await nodes()).toBeLessThan(30); // and the moved box
    await shot(page, 'datasets-canvas-2000-en');

    // A selection too large for a node each (a rubber band around a few hundred boxes) is painted with
    // the rest; pressing on one of them and dragging moves them all, in one step.
    await page.keyboard.press('Escape');
    const now = await shapes();
    let start: [number, number] | null = null;
    for (let y = 100; y < 300 && !start; y += 3) for (let x = 100; x < 400 && !start; x += 3) if (now.every((s) => !inside(s.bbox!, x, y, 12))) start = [x, y];
    expect(start).not.toBeNull(); // an empty spot to begin the band on
    const bandView = await view();
    await drag(await at(...start!), await at(start![0] + 540, start![1] + 380), true);
    // the band is where the browser saw the pointer (it rounds what it is sent)
    const { down, up } = await seen();
    const [b0, b1] = [fromStage(down, bandView), fromStage(up, bandView)];
    const band = now.filter((s) => s.bbox![0] >= b0[0] && s.bbox![1] >= b0[1] && s.bbox![0] + s.bbox![2] <= b1[0] && s.bbox![1] + s.bbox![3] <= b1[1]);
    expect(band.length).toBeGreaterThan(100);
    await expect.poll(async () => (await selected()).length).toBe(band.length);
    expect(await nodes()).toBeLessThan(30);
    const grip = band[Math.floor(band.length / 2)].bbox!;
    const from = await at(grip[0] + grip[2] / 2, grip[1] + grip[3] / 2);
    await drag(from, [from[0] + 20, from[1] + 10]);
    const ids = new Set(band.map((s) => s.id));
    await expect.poll(async () => (await shapes()).filter((s) => ids.has(s.id) && s.bbox![0] !== now.find((o) => o.id === s.id)!.bbox![0]).length, { timeout: 60_000 }).toBe(band.length);
    const after = await shapes(), s1 = (await view()).scale;
    for (const b of band) {
      const a = after.find((o) => o.id === b.id)!;
      expect(Math.abs(a.bbox![0] - b.bbox![0] - 20 / s1)).toBeLessThanOrEqual(1 / s1);
      expect(Math.abs(a.bbox![1] - b.bbox![1] - 10 / s1)).toBeLessThanOrEqual(1 / s1);
    }
    expect(after.filter((o) => !ids.has(o.id))).toEqual(now.filter((o) => !ids.has(o.id)));
    await saved();
    await shot(page, 'datasets-canvas-2000-band-en');

    // After a pan (the painted shapes come from their bitmap then), the outlines are where the shapes
    // are: along the top edge of the topmost box, its colour is found within 2 px of the edge everywhere.
    await page.keyboard.press('Escape');
    await page.keyboard.down(' ');
    await drag(await at(600, 300), [(await at(600, 300))[0] + 37, (await at(600, 300))[1] + 23]);
    await page.keyboard.up(' ');
    await page.mouse.move(5, 5); // no hover highlight
    await expect.poll(() => canvas.getAttribute('data-hover')).toBe('');
    const top = (await shapes()).find((s) => s.id === over.id)!.bbox!;
    const png = await page.screenshot();
    const { data: px, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    const rgb = (x: number, y: number) => { const i = (Math.round(y) * info.width + Math.round(x)) * info.channels; return `${px[i]},${px[i + 1]},${px[i + 2]}`; };
    const near = async (ix: number) => { const [x, y] = await at(ix, top[1]); return [-2, -1, 0, 1, 2].map((d) => rgb(x, y + d)); };
    const samples = await Promise.all([0.2, 0.4, 0.6, 0.8].map((f) => near(top[0] + f * top[2])));
    const line = samples[0].find((c) => samples.every((col) => col.includes(c)));
    expect(line).toBeDefined();
    expect(line).not.toBe('153,170,187'); // the picture's own colour (#9ab)
    await shot(page, 'datasets-canvas-2000-panned-en');
  });

  it('opens a 12,000 × 12,000 image through its tile pyramid and saves a box drawn on it in full-resolution pixels', async () => {
    const ms = await open('aerial', 'huge.jpg');
    console.log(`12k image: dataset create with pyramid ${createSeconds.toFixed(1)} s (CLI process), open for drawing ${ms} ms`);
    expect(fs.readdirSync(path.join(data, 'cache', 'pyramids'))).toHaveLength(1);
    const fit = await view();
    expect(fit.scale).toBeCloseTo(640 / 12000, 9);
    // zoom in on the yellow square at (9000, 9000) until tiles finer than the overview show
    const [sx, sy] = await at(9200, 9150);
    await page.mouse.move(sx, sy);
    for (let i = 0; i < 12; i++) await page.mouse.wheel(0, -100);
    await expect.poll(async () => (await view()).scale).toBeGreaterThan(0.4);
    await expect.poll(async () => Number(await canvas.getAttribute('data-tiles')), { timeout: 20_000 }).toBeGreaterThan(0);
    const v = await view();
    const stage = (await canvas.locator('canvas').first().boundingBox())!;
    await drag([stage.x + 400, stage.y + 200], [stage.x + 700, stage.y + 420]);
    await expect.poll(count).toBe(1);
    await saved();
    const { down, up } = await seen();
    const [x0, y0] = fromStage(down, v), [x1, y1] = fromStage(up, v);
    const expected = [x0, y0, x1 - x0, y1 - y0];
    const [row] = stored('aerial', 'huge.jpg');
    [row.bbox_x, row.bbox_y, row.bbox_w, row.bbox_h].forEach((got, i) => expect(got).toBeCloseTo(expected[i], 9));
    expect(row.bbox_x).toBeGreaterThan(8000); // full-resolution pixels, not overview or tile pixels
    expect(row.bbox_x + row.bbox_w).toBeLessThan(10_500);
    await shot(page, 'datasets-canvas-12k-en');
  });
});
