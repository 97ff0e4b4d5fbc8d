import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../main/app';
import { appRouter } from '../../../shared/contract/router';
import { tempDir } from '../../support/tmp';

// The canvas procedures through the router, as the renderer calls them.
describe('annotation canvas procedures', () => {
  const t = tempDir();
  let app: App;
  let api: ReturnType<typeof appRouter.createCaller>;

  beforeAll(async () => {
    const imgs = path.join(t.dir, 'imgs');
    fs.mkdirSync(imgs);
    await sharp({ create: { width: 300, height: 200, channels: 3, background: '#888' } }).png().toFile(path.join(imgs, 'a.png'));
    await sharp({ create: { width: 30, height: 20, channels: 3, background: '#888' } }).jpeg().toFile(path.join(imgs, 'b.jpg'));
    app = createApp({ dataDir: path.join(t.dir, 'data') });
    api = appRouter.createCaller({ services: app.services, actor: { user: 'test', via: 'app' } });
    await api.datasets.create({ name: 'd', kind: 'detection', folder: imgs, labels: [{ name: 'cat', color: '#ff0000', hotkey: '1' }, { name: 'dog', color: '#00ff00', hotkey: '2' }] });
  });
  afterAll(() => { app?.close(); t.cleanup(); });

  it('saves, edits and deletes boxes, each committed, and keeps the image status in step', async () => {
    const { id } = await api.datasets.saveAnnotation({ name: 'd', file: 'a.png', id: null, label: 'cat', bbox: [10.5, 20.25, 30, 40] });
    let img = await api.datasets.annotations({ name: 'd', file: 'a.png' });
    expect(img).toMatchObject({ width: 300, height: 200, status: 'labeled', previous: null, next: 'b.jpg' });
    expect(img.annotations).toEqual([{ id, label: 'cat', bbox: [10.5, 20.25, 30, 40], polygons: null, iscrowd: false, hidden: false, locked: false }]);
    await api.datasets.saveAnnotation({ name: 'd', file: 'a.png', id, label: 'dog', bbox: [0, 0, 300, 200], locked: true });
    img = await api.datasets.annotations({ name: 'd', file: 'a.png' });
    expect(img.annotations[0]).toMatchObject({ label: 'dog', bbox: [0, 0, 300, 200], locked: true });
    await expect(api.datasets.saveAnnotation({ name: 'd', file: 'a.png', id: null, label: 'cat', bbox: [290, 0, 20, 10] })).rejects.toThrow(/outside the 300×200 image/);
    await expect(api.datasets.saveAnnotation({ name: 'd', file: 'a.png', id: null, label: 'bird', bbox: [0, 0, 1, 1] })).rejects.toThrow(/no label "bird"/);
    expect(await api.datasets.deleteAnnotations({ name: 'd', ids: [id] })).toEqual({ deleted: 1 });
    expect((await api.datasets.annotations({ name: 'd', file: 'a.png' })).status).toBe('unlabeled');
  });

  it('a relabel, hide or lock keeps an imported RLE mask and its area; a new shape replaces them', async () => {
    const coco = path.join(t.dir, 'rle.json');
    // A 4-pixel mask in a 300×200 image: column-major runs (skip 20 + 2 rows into column 10...).
    fs.writeFileSync(coco, JSON.stringify({
      images: [{ id: 1, file_name: 'a.png', width: 300, height: 200 }],
      categories: [{ id: 1, name: 'cat' }, { id: 2, name: 'dog' }],
      annotations: [{ id: 7, image_id: 1, category_id: 1, iscrowd: 1, area: 4, bbox: [10, 20, 2, 2], segmentation: { size: [200, 300], counts: [2020, 2, 198, 2, 57778] } }],
    }));
    const r = await api.datasets.import({ name: 'd', format: 'coco', annotations: coco, replace: true });
    expect(r.annotations).toBe(1);
    const stored = () => new Database(path.join(t.dir, 'data', 'clusterdeck.db'), { readonly: true });
    const read = () => { const db = stored(); try { return db.prepare('SELECT id, geometry, area FROM dataset_annotations').get() as { id: number; geometry: string; area: number | null }; } finally { db.close(); } };
    const before = read();
    expect(JSON.parse(before.geometry).rle).toBeTruthy();
    await api.datasets.saveAnnotation({ name: 'd', file: 'a.png', id: before.id, label: 'dog', bbox: [10, 20, 2, 2], hidden: true, locked: true });
    expect(read()).toEqual(before); // same geometry and area (only label, hidden, locked changed)
    await api.datasets.saveAnnotation({ name: 'd', file: 'a.png', id: before.id, label: 'dog', bbox: [10, 20, 2, 2], hidden: false, locked: true }); // locked, shape unchanged: allowed
    await api.datasets.saveAnnotation({ name: 'd', file: 'a.png', id: before.id, label: 'dog', bbox: [10, 20, 2, 2], locked: false });
    await api.datasets.saveAnnotation({ name: 'd', file: 'a.png', id: before.id, label: 'dog', bbox: [50, 50, 20, 20], locked: false });
    const after = read();
    expect(JSON.parse(after.geometry)).toEqual({ bbox: [50, 50, 20, 20] });
    expect(after.area).toBeNull();
    await api.datasets.deleteAnnotations({ name: 'd', ids: [before.id] });
  });
});

describe('BMP', () => {
  it('decodes uncompressed 24-bit BMP (bottom-up rows, padded) for thumbnails and the canvas', async () => {
    const { decodeBmp, openImage } = await import('../../../main/services/datasets/images');
    const w = 3, h = 2, stride = 12;
    const buf = Buffer.alloc(54 + stride * h);
    buf.write('BM', 0, 'latin1');
    buf.writeUInt32LE(54, 10);
    buf.writeUInt32LE(40, 14);
    buf.writeInt32LE(w, 18);
    buf.writeInt32LE(h, 22);
    buf.writeUInt16LE(1, 26);
    buf.writeUInt16LE(24, 28);
    buf.set([0, 0, 255], 54 + stride); // top-left pixel (last row in the file) is red, stored as BGR
    const bmp = decodeBmp(buf);
    expect([bmp.width, bmp.height, bmp.channels]).toEqual([3, 2, 3]);
    expect([...bmp.data.subarray(0, 3)]).toEqual([255, 0, 0]);
    expect(() => decodeBmp(buf.subarray(0, 60))).toThrow(/truncated/);
    const dir = tempDir();
    const file = path.join(dir.dir, 'x.bmp');
    fs.writeFileSync(file, buf);
    expect((await openImage(file).png().toBuffer()).subarray(1, 4).toString()).toBe('PNG');
    dir.cleanup();
  });

  it('reads an uncompressed 32-bit BMP as opaque RGB (its fourth byte is unused, usually 0)', async () => {
    const { decodeBmp } = await import('../../../main/services/datasets/images');
    const w = 2, h = 1, stride = 8;
    const buf = Buffer.alloc(54 + stride * h);
    buf.write('BM', 0, 'latin1');
    buf.writeUInt32LE(54, 10);
    buf.writeUInt32LE(40, 14);
    buf.writeInt32LE(w, 18);
    buf.writeInt32LE(h, 22);
    buf.writeUInt16LE(1, 26);
    buf.writeUInt16LE(32, 28);
    buf.set([0, 255, 0, 0], 54); // green, "alpha" byte 0
    const bmp = decodeBmp(buf);
    expect(bmp.channels).toBe(3);
    expect([...bmp.data.subarray(0, 3)]).toEqual([0, 255, 0]);
  });
});
