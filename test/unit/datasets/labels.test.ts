import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../main/app';
import { appRouter } from '../../../shared/contract/router';
import { tempDir } from '../../support/tmp';

// Label-set editing, classification and locks through the router, as the renderer calls them.
describe('label set editor, classification and locks', () => {
  const t = tempDir();
  let app: App;
  let api: ReturnType<typeof appRouter.createCaller>;

  beforeAll(async () => {
    const imgs = path.join(t.dir, 'imgs');
    fs.mkdirSync(imgs);
    for (const f of ['a.png', 'b.png', 'c.png']) await sharp({ create: { width: 40, height: 30, channels: 3, background: '#888' } }).png().toFile(path.join(imgs, f));
    app = createApp({ dataDir: path.join(t.dir, 'data') });
    api = appRouter.createCaller({ services: app.services, actor: { user: 'test', via: 'app' } });
    const labels = [{ name: 'cat', color: '#ff0000', hotkey: '1' }, { name: 'dog', color: '#00ff00', hotkey: '2' }, { name: 'bird', color: '#0000ff', hotkey: '3' }];
    await api.datasets.create({ name: 'det', kind: 'detection', folder: imgs, labels });
    await api.datasets.create({ name: 'one', kind: 'classification', folder: imgs, labels });
    await api.datasets.create({ name: 'many', kind: 'multilabel', folder: imgs, labels });
  });
  afterAll(() => { app?.close(); t.cleanup(); });

  const edit = (labels: { from: string | null; name: string; color?: string; hotkey: string | null }[], deleteAnnotations = false) =>
    api.datasets.editLabels({ name: 'det', labels: labels.map((l) => ({ color: '#123456', ...l })), deleteAnnotations });

  it('renames, recolors and re-keys labels keeping their annotations; swaps names and keys', async () => {
    const { id } = await api.datasets.saveAnnotation({ name: 'det', file: 'a.png', id: null, label: 'cat', bbox: [1, 2, 3, 4] });
    const s = await edit([{ from: 'dog', name: 'cat', hotkey: '1' }, { from: 'cat', name: 'kitten', color: '#abcdef', hotkey: '2' }, { from: 'bird', name: 'bird', hotkey: 'q' }, { from: null, name: 'fox', hotkey: null }]);
    expect(s.labels.map((l) => [l.name, l.color, l.hotkey, l.annotations])).toEqual([['cat', '#123456', '1', 0], ['kitten', '#abcdef', '2', 1], ['bird', '#123456', 'q', 0], ['fox', '#123456', null, 0]]);
    const img = await api.datasets.annotations({ name: 'det', file: 'a.png' });
    expect(img.annotations).toMatchObject([{ id, label: 'kitten', bbox: [1, 2, 3, 4] }]);
  });

  it('refuses hotkey conflicts, reserved keys and duplicate names with a message naming them', async () => {
    await expect(edit([{ from: 'cat', name: 'cat', hotkey: '1' }, { from: 'kitten', name: 'kitten', hotkey: '1' }, { from: 'bird', name: 'bird', hotkey: null }, { from: 'fox', name: 'fox', hotkey: null }]))
      .rejects.toThrow('Hotkey "1" is given to both "cat" and "kitten"; pick another key for one of them.');
    await expect(edit([{ from: 'cat', name: 'cat', hotkey: 'N' }, { from: 'kitten', name: 'kitten', hotkey: null }, { from: 'bird', name: 'bird', hotkey: null }, { from: 'fox', name: 'fox', hotkey: null }]))
      .rejects.toThrow('Hotkey "N" of label "cat" is the shortcut for next image; pick another key.');
    await expect(edit([{ from: 'cat', name: 'x', hotkey: null }, { from: 'kitten', name: 'x', hotkey: null }])).rejects.toThrow(/Two labels are named "x"/);
    expect((await api.datasets.get({ name: 'det' })).labels.map((l) => l.hotkey)).toEqual(['1', '2', 'q', null]); // nothing changed
  });

  it('deletes a label with annotations only when told to, saying how many go', async () => {
    await api.datasets.saveAnnotation({ name: 'det', file: 'b.png', id: null, label: 'kitten', bbox: [0, 0, 5, 5] });
    const keep = [{ from: 'cat', name: 'cat', hotkey: '1' }, { from: 'bird', name: 'bird', hotkey: null }, { from: 'fox', name: 'fox', hotkey: null }];
    await expect(edit(keep)).rejects.toThrow('Deleting "kitten" (2) would delete 2 annotations; confirm to delete them too.');
    expect((await api.datasets.get({ name: 'det' })).annotations).toBe(2);
    const s = await edit(keep, true);
    expect(s.labels.map((l) => l.name)).toEqual(['cat', 'bird', 'fox']);
    expect(s.annotations).toBe(0);
    expect((await api.datasets.annotations({ name: 'det', file: 'b.png' })).status).toBe('unlabeled');
  });

  it('classifies: one label replaces the last on single-label datasets, several on multi-label ones', async () => {
    expect(await api.datasets.classify({ name: 'one', file: 'a.png', labels: ['dog'] })).toMatchObject({ labels: ['dog'], status: 'labeled' });
    await api.datasets.classify({ name: 'one', file: 'a.png', labels: ['cat'] });
    expect((await api.datasets.annotations({ name: 'one', file: 'a.png' })).annotations.map((a) => [a.label, a.bbox])).toEqual([['cat', null]]);
    await expect(api.datasets.classify({ name: 'one', file: 'a.png', labels: ['cat', 'dog'] })).rejects.toThrow('Dataset "one" is single-label: give one label, not 2.');
    await expect(api.datasets.classify({ name: 'det', file: 'a.png', labels: ['cat'] })).rejects.toThrow(/is a detection dataset/);
    await expect(api.datasets.classify({ name: 'many', file: 'a.png', labels: ['wolf'] })).rejects.toThrow(/no label "wolf"/);
    await api.datasets.classify({ name: 'many', file: 'a.png', labels: ['cat', 'bird'] });
    await api.datasets.classify({ name: 'many', file: 'a.png', labels: ['bird', 'dog'] });
    expect((await api.datasets.annotations({ name: 'many', file: 'a.png' })).annotations.map((a) => a.label).sort()).toEqual(['bird', 'dog']);
    expect(await api.datasets.classify({ name: 'many', file: 'a.png', labels: [] })).toMatchObject({ labels: [], status: 'unlabeled' });
    // the folder-per-class export sees the labels
    await api.datasets.classify({ name: 'one', file: 'c.png', labels: ['dog'] });
    const out = path.join(t.dir, 'folders');
    await api.datasets.export({ name: 'one', format: 'folder', out, copyImages: true });
    expect(fs.existsSync(path.join(out, 'dog', 'c.png'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'cat', 'a.png'))).toBe(true);
  });

  it('does not move or reshape a locked shape until it is unlocked', async () => {
    const { id } = await api.datasets.saveAnnotation({ name: 'det', file: 'c.png', id: null, label: 'cat', bbox: [1, 1, 5, 5], locked: true });
    await expect(api.datasets.saveAnnotation({ name: 'det', file: 'c.png', id, label: 'cat', bbox: [2, 1, 5, 5], locked: true })).rejects.toThrow(`Annotation ${id} is locked; unlock it (L) before moving or reshaping it.`);
    await api.datasets.saveAnnotation({ name: 'det', file: 'c.png', id, label: 'bird', bbox: [1, 1, 5, 5], locked: true, hidden: true }); // relabel and hide are allowed
    await api.datasets.saveAnnotation({ name: 'det', file: 'c.png', id, label: 'bird', bbox: [1, 1, 5, 5], locked: false });
    await api.datasets.saveAnnotation({ name: 'det', file: 'c.png', id, label: 'bird', bbox: [2, 1, 5, 5], locked: false });
    expect((await api.datasets.annotations({ name: 'det', file: 'c.png' })).annotations[0]).toMatchObject({ bbox: [2, 1, 5, 5], label: 'bird', locked: false });
  });
});

describe('tile pyramid for very large images', () => {
  const t = tempDir();
  let app: App;
  let api: ReturnType<typeof appRouter.createCaller>;
  afterAll(() => { app?.close(); t.cleanup(); });

  it('builds the pyramid in the background after create, beside the thumbnails; the view and tiles come from it', async () => {
    const imgs = path.join(t.dir, 'imgs');
    fs.mkdirSync(imgs);
    // 5000 × 3000: red left half, blue right half
    const svg = Buffer.from('<svg width="5000" height="3000"><rect x="2500" y="0" width="2500" height="3000" fill="#0000ff"/></svg>');
    await sharp({ create: { width: 5000, height: 3000, channels: 3, background: '#ff0000' } }).composite([{ input: svg }]).png().toFile(path.join(imgs, 'big.png'));
    await sharp({ create: { width: 100, height: 80, channels: 3, background: '#888' } }).png().toFile(path.join(imgs, 'small.png'));
    await sharp({ create: { width: 60, height: 20, channels: 3, background: '#888' } }).jpeg().withMetadata({ orientation: 6 }).toFile(path.join(imgs, 'rotated.jpg'));
    const data = path.join(t.dir, 'data');
    app = createApp({ dataDir: data });
    api = appRouter.createCaller({ services: app.services, actor: { user: 'test', via: 'app' } });
    await api.datasets.create({ name: 'big', kind: 'detection', folder: imgs, labels: [{ name: 'x', color: '#ff0000', hotkey: '1' }] });
    // create returned with the pyramid still to build (it takes seconds for a large image)
    expect(await api.datasets.pyramids()).toEqual({ pending: 1, built: 0, total: 1 });
    await expect.poll(() => api.datasets.pyramids(), { timeout: 60_000 }).toEqual({ pending: 0, built: 0, total: 0 });
    const pyramids = fs.readdirSync(path.join(data, 'cache', 'pyramids'));
    expect(pyramids).toHaveLength(1); // the small image needs none (and no half-built folder is left)
    expect(fs.existsSync(path.join(data, 'cache', 'thumbnails'))).toBe(true);

    const view = await api.datasets.imageView({ name: 'big', file: 'big.png' });
    expect(view).toMatchObject({ width: 5000, height: 3000, tiled: true, tileSize: 512, maxLevel: 13 });
    expect(view.overview.scale).toBeCloseTo(2048 / 5000, 10);
    const overview = await sharp(Buffer.from(view.overview.dataUrl.split(',')[1], 'base64')).metadata();
    expect([overview.width, overview.height]).toEqual([2048, 1229]);

    // full resolution: 10 × 6 tiles; tile (9, 0) covers x 4608–5000 (blue), tile (0, 5) covers y 2560–3000 (red)
    const pixel = async (level: number, col: number, row: number) => {
      const tile = await api.datasets.imageTile({ name: 'big', file: 'big.png', level, col, row });
      const img = sharp(Buffer.from(tile.dataUrl.split(',')[1], 'base64'));
      const meta = await img.metadata();
      const { data } = await img.raw().toBuffer({ resolveWithObject: true });
      return { size: [meta.width, meta.height], rgb: [...data.subarray(0, 3)] };
    };
    const right = await pixel(13, 9, 0);
    expect(right.size).toEqual([5000 - 9 * 512, 512]);
    expect(right.rgb[2]).toBeGreaterThan(200);
    const bottom = await pixel(13, 0, 5);
    expect(bottom.size).toEqual([512, 3000 - 5 * 512]);
    expect(bottom.rgb[0]).toBeGreaterThan(200);
    expect((await pixel(12, 4, 2)).size).toEqual([2500 - 4 * 512, 1500 - 2 * 512]); // half size: 2500 × 1500
    await expect(api.datasets.imageTile({ name: 'big', file: 'big.png', level: 13, col: 10, row: 0 })).rejects.toThrow('big.png has no tile 10,0 at level 13.');

    const small = await api.datasets.imageView({ name: 'big', file: 'small.png' });
    expect(small).toMatchObject({ width: 100, height: 80, tiled: false, overview: { scale: 1 } });
    // small PNG, JPEG and WebP files go as they are; a rotated JPEG is turned into PNG pixels as stored
    expect(Buffer.from(small.overview.dataUrl.split(',')[1], 'base64').equals(fs.readFileSync(path.join(t.dir, 'imgs', 'small.png')))).toBe(true);
    const rotated = await api.datasets.imageView({ name: 'big', file: 'rotated.jpg' });
    expect(rotated.overview.dataUrl.startsWith('data:image/png;base64,')).toBe(true);
    const pixels = await sharp(Buffer.from(rotated.overview.dataUrl.split(',')[1], 'base64')).metadata();
    expect([pixels.width, pixels.height]).toEqual([60, 20]); // not turned: boxes are in the stored pixels' coordinates
  });

  it('the database stays sound', () => {
    const db = new Database(path.join(t.dir, 'data', 'clusterdeck.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
