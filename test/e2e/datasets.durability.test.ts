import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, setLanguage, shot } from '../support/browser';
import { startServe, type ServeProcess } from '../support/serveProcess';
import { tempDir } from '../support/tmp';
import { cli } from '../support/cli';

interface Shape { id: number; label: string; bbox: [number, number, number, number] | null }

// Nothing shown as saved is lost: `clusterdeck serve` is killed with SIGKILL in the middle of a
// burst of edits made in Chromium; after a restart every shape the page showed is stored exactly,
// and the database passes integrity_check.
describe('Annotations survive kill -9 of serve', () => {
  const t = tempDir();
  const data = path.join(t.dir, 'data');
  let first: ServeProcess;
  let second: ServeProcess | undefined;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const imgs = path.join(t.dir, 'imgs');
    fs.mkdirSync(imgs);
    await sharp({ create: { width: 1000, height: 800, channels: 3, background: '#9ab' } }).png().toFile(path.join(imgs, 'frame.png'));
    const r = cli(data, ['datasets', 'create', 'burst', imgs, '--kind', 'detection', '--labels', 'a,b']);
    expect(r.code, r.stderr).toBe(0);
    first = await startServe(data);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(first.url);
    await setLanguage(page, 'en');
  });
  afterAll(async () => {
    await browser?.close();
    if (first && first.child.exitCode === null && first.child.signalCode === null) await first.stop();
    await second?.stop();
    t.cleanup();
  });

  it('loses no edit that was shown saved, and the database is sound', async () => {
    await page.getByTestId('nav-datasets').click();
    await page.getByTestId('datasets-table').getByText('burst', { exact: true }).click();
    await page.getByTestId('datasets-drawer').getByText('frame.png', { exact: true }).click();
    const canvas = page.getByTestId('annotate-canvas');
    await expect.poll(() => canvas.getAttribute('data-ready')).toBe('1');
    const shown = async (): Promise<Shape[]> => JSON.parse((await canvas.getAttribute('data-shapes')) ?? '[]');
    const stage = (await canvas.locator('canvas').first().boundingBox())!;

    // A burst: boxes drawn one after another without waiting for their saves, labels alternating,
    // each relabelled by key when it is already selected.
    let attempted = 0;
    let stop = false;
    const burst = (async () => {
      for (let i = 0; i < 200 && !stop; i++) {
        const x = stage.x + 20 + (i % 20) * 50, y = stage.y + 20 + Math.floor(i / 20) * 55;
        await page.keyboard.press('Escape');
        await page.keyboard.press(i % 2 ? '2' : '1');
        await page.mouse.move(x, y);
        await page.mouse.down();
        await page.mouse.move(x + 30, y + 25, { steps: 2 });
        await page.mouse.up();
        await page.keyboard.press(i % 2 ? '1' : '2'); // relabels the new box once its save has returned and selected it
        attempted++;
      }
    })();
    await expect.poll(async () => (await shown()).length, { timeout: 60_000, interval: 20 }).toBeGreaterThanOrEqual(12);
    first.child.kill('SIGKILL');
    await new Promise<void>((resolve) => (first.child.exitCode !== null || first.child.signalCode !== null ? resolve() : first.child.once('exit', () => resolve())));
    const atKill = attempted;
    // keep drawing a little against the dead server, then stop
    await expect.poll(() => attempted, { timeout: 30_000 }).toBeGreaterThan(atKill + 3);
    stop = true;
    await burst;
    // saves sent after the kill never answer: they stay "Saving…" or fail, and are never shown saved
    await expect.poll(() => page.getByTestId('annotate-save-state').innerText()).not.toMatch(/^Saved/);
    const seen = await shown();
    await expect.poll(() => page.getByTestId('annotate-save-state').innerText(), { timeout: 15_000 }).toMatch(/not confirmed saved/);
    await shot(page, 'datasets-kill9-after-en');
    expect(seen.length).toBeGreaterThanOrEqual(12);
    expect(seen.length).toBeLessThan(attempted); // the kill came in the middle: later edits were never shown saved

    second = await startServe(data);
    const db = new Database(path.join(data, 'clusterdeck.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = db.prepare(`SELECT a.id, l.name AS label, a.geometry FROM dataset_annotations a JOIN dataset_labels l ON l.id = a.label_id ORDER BY a.id`).all() as { id: number; label: string; geometry: string }[];
      const byId = new Map(rows.map((r) => [r.id, { label: r.label, bbox: JSON.parse(r.geometry).bbox }]));
      let relabelledUnseen = 0;
      for (const s of seen) {
        const row = byId.get(s.id);
        expect(row?.bbox, `shape ${s.id}`).toEqual(s.bbox);
        // a relabel committed just before the kill may not have come back to the page: newer, not lost
        if (row!.label !== s.label) relabelledUnseen++;
      }
      expect(relabelledUnseen).toBeLessThanOrEqual(attempted - seen.length);
      expect(rows.length).toBeGreaterThanOrEqual(seen.length);
      expect(rows.length).toBeLessThanOrEqual(attempted);
    } finally {
      db.close();
    }

    // the restarted server shows them all
    await page.goto(second.url);
    await page.getByTestId('nav-datasets').click();
    await page.getByTestId('datasets-table').getByText('burst', { exact: true }).click();
    await page.getByTestId('datasets-drawer').getByText('frame.png', { exact: true }).click();
    await expect.poll(() => page.getByTestId('annotate-canvas').getAttribute('data-ready')).toBe('1');
    const after = JSON.parse((await page.getByTestId('annotate-canvas').getAttribute('data-shapes'))!) as Shape[];
    expect(after.length).toBeGreaterThanOrEqual(seen.length);
    for (const s of seen) expect(after.find((a) => a.id === s.id)).toEqual(expect.objectContaining({ label: s.label, bbox: s.bbox }));
    console.log(`kill -9 after ${atKill} of ${attempted} boxes drawn; ${seen.length} shown saved, ${after.length} stored`);
  });
});
