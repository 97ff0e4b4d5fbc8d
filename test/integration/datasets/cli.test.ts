import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli';
import { tempDir } from '../../support/tmp';

// The built `clusterdeck datasets …` on images made here with sharp.
const tmp = tempDir('clusterdeck-datasets-');
const data = path.join(tmp.dir, 'data');
const run = (...args: string[]) => cli(data, ['datasets', ...args]);
const ok = (r: { code: number; stderr: string }) => expect(r.code, r.stderr).toBe(0);
const json = <T = any>(...args: string[]): T => {
  const r = run(...args, '--json');
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
};

async function image(file: string, width: number, height: number, format: 'jpeg' | 'png' | 'webp' | 'tiff'): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp({ create: { width, height, channels: 3, background: { r: 200, g: 100, b: 50 } } }).toFormat(format).toFile(file);
}

/** A 24-bit BMP, written by hand (sharp does not write BMP). */
function bmp(file: string, width: number, height: number): void {
  const row = Math.ceil((width * 3) / 4) * 4;
  const buf = Buffer.alloc(54 + row * height, 0x80);
  buf.write('BM', 0, 'latin1');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(54, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(width, 18);
  buf.writeInt32LE(height, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(24, 28);
  buf.writeUInt32LE(0, 30); // uncompressed
  fs.writeFileSync(file, buf);
}

const COCO = {
  images: [
    { id: 1, file_name: 'a.jpg', width: 640, height: 480 },
    { id: 2, file_name: 'sub/ünï 猫.png', width: 10, height: 8 },
    { id: 5, file_name: 'empty.webp', width: 32, height: 32 },
  ],
  categories: [{ id: 1, name: 'person' }, { id: 3, name: 'car' }, { id: 90, name: 'toothbrush' }],
  annotations: [
    { id: 11, image_id: 1, category_id: 1, bbox: [10.25, 20.5, 100.125, 50.0000001], area: 5006.25, iscrowd: 0, segmentation: [] },
    { id: 12, image_id: 1, category_id: 90, bbox: [0.1, 0.2, 0.3, 100], area: 1, iscrowd: 0, segmentation: [[0.1, 0.2, 0.4, 0.2, 0.4, 100.2]] },
    { id: 13, image_id: 2, category_id: 3, bbox: [1, 1, 3, 2], area: 6, iscrowd: 1, segmentation: { size: [8, 10], counts: [9, 2, 6, 2, 6, 2, 53] } },
  ],
};

beforeAll(async () => {
  const imgs = path.join(tmp.dir, 'imgs');
  await image(path.join(imgs, 'a.jpg'), 640, 480, 'jpeg');
  await image(path.join(imgs, 'sub', 'ünï 猫.png'), 10, 8, 'png');
  await image(path.join(imgs, 'empty.webp'), 32, 32, 'webp');
  await image(path.join(imgs, 'scan.tiff'), 20, 30, 'tiff');
  bmp(path.join(imgs, 'old.bmp'), 7, 5);
  const png = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#0f0' } }).png().toBuffer();
  fs.writeFileSync(path.join(imgs, 'truncated.png'), png.subarray(0, png.length >> 1));
  fs.writeFileSync(path.join(tmp.dir, 'coco.json'), JSON.stringify(COCO));
});
afterAll(() => tmp.cleanup());

// Each test runs several whole CLI processes; the build machines are shared, so allow them time.
describe('clusterdeck datasets', { timeout: 180_000 }, () => {
  it('creates a dataset from a folder in place: every format read, the truncated file reported', () => {
    const r = run('create', 'photos', path.join(tmp.dir, 'imgs'), '--kind', 'detection', '--labels', 'cat,dog');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^truncated\.png: cannot read the image \(corrupt or truncated\?\)/m);
    const images = json<{ items: { file: string; width: number | null; height: number | null }[] }>('images', 'photos').items;
    expect(images.map((i) => [i.file, i.width, i.height])).toEqual([
      ['a.jpg', 640, 480], ['empty.webp', 32, 32], ['old.bmp', 7, 5], ['scan.tiff', 20, 30], ['sub/ünï 猫.png', 10, 8], ['truncated.png', null, null],
    ]);
    const [d] = json<any[]>('list');
    expect(d).toMatchObject({ name: 'photos', kind: 'detection', images: 6, annotations: 0, root: path.join(tmp.dir, 'imgs') });
    expect(d.labels.map((l: any) => [l.name, l.hotkey])).toEqual([['cat', '1'], ['dog', '2']]);
    expect(fs.existsSync(path.join(tmp.dir, 'imgs', 'a.jpg'))).toBe(true); // nothing moved
  });

  it('COCO → import → export → import gives identical annotations', () => {
    const imgs = path.join(tmp.dir, 'imgs');
    ok(run('import', 'c1', '--format', 'coco', '--annotations', path.join(tmp.dir, 'coco.json'), '--images', imgs));
    const out1 = path.join(tmp.dir, 'coco-out1');
    ok(run('export', 'c1', '--format', 'coco', '--out', out1));
    const first = JSON.parse(fs.readFileSync(path.join(out1, 'annotations.json'), 'utf8'));
    expect(first.annotations).toEqual(COCO.annotations.map((a) => ({ ...a, image_id: expect.any(Number) })));
    expect(first.categories.map((c: any) => c.id)).toEqual([1, 3, 90]);
    expect(fs.existsSync(path.join(out1, 'images', 'sub', 'ünï 猫.png'))).toBe(true);
    const r = run('import', 'c2', '--format', 'coco', '--annotations', path.join(out1, 'annotations.json'), '--images', path.join(out1, 'images'));
    expect(r.code).toBe(0);
    const out2 = path.join(tmp.dir, 'coco-out2');
    ok(run('export', 'c2', '--format', 'coco', '--out', out2, '--no-images'));
    expect(fs.readFileSync(path.join(out2, 'annotations.json'), 'utf8')).toBe(fs.readFileSync(path.join(out1, 'annotations.json'), 'utf8'));
  });

  it('bad COCO: one message per item, the rest imported; --all-or-nothing imports nothing', () => {
    const bad = structuredClone(COCO) as any;
    bad.annotations.push({ id: 20, image_id: 1, category_id: 1, bbox: [600, 0, 100, 10] }, { id: 21, image_id: 1, category_id: 7, bbox: [0, 0, 1, 1] });
    bad.images.push({ id: 9, file_name: 'gone.jpg', width: 5, height: 5 });
    const file = path.join(tmp.dir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify(bad, null, 1));
    const strict = run('import', 'strict', '--format', 'coco', '--annotations', file, '--images', path.join(tmp.dir, 'imgs'), '--all-or-nothing');
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('nothing imported: 3 errors');
    expect(json<any[]>('list').some((d) => d.name === 'strict')).toBe(false);
    const loose = run('import', 'loose', '--format', 'coco', '--annotations', file, '--images', path.join(tmp.dir, 'imgs'));
    expect(loose.code).toBe(1);
    expect(loose.stderr).toContain(`${file} [annotations[3].bbox]: box [600, 0, 100, 10] extends outside the 640×480 image "a.jpg"`);
    expect(loose.stderr).toContain(`${file} [annotations[4].category_id]: category id 7 is not in "categories"`);
    expect(loose.stderr).toMatch(/gone\.jpg: image not found at .*gone\.jpg \(moved or deleted\?\)/);
    expect(loose.stdout).toContain('imported 3 annotations on 3 images');
  });

  it('refuses an annotation file too large to read whole, with a clear message', () => {
    const big = path.join(tmp.dir, 'big.json');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 2 * 1024 ** 3); // sparse: no disk used
    const r = run('import', 'big', '--format', 'coco', '--annotations', big, '--images', path.join(tmp.dir, 'imgs'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/big\.json is 2\.0 GB; annotation files are read whole and may be at most 512 MB/);
    fs.rmSync(big);
  });

  it('VOC and YOLO round trips through the CLI are exact; bad lines are reported by file and line', () => {
    const voc = path.join(tmp.dir, 'voc-out');
    ok(run('export', 'c1', '--format', 'voc', '--out', voc));
    ok(run('import', 'v1', '--format', 'voc', '--annotations', path.join(voc, 'Annotations'), '--images', path.join(voc, 'JPEGImages')));
    const voc2 = path.join(tmp.dir, 'voc-out2');
    ok(run('export', 'v1', '--format', 'voc', '--out', voc2, '--no-images'));
    for (const f of ['a.xml', 'empty.xml', 'sub/ünï 猫.xml']) {
      expect(fs.readFileSync(path.join(voc2, 'Annotations', f), 'utf8')).toBe(fs.readFileSync(path.join(voc, 'Annotations', f), 'utf8'));
    }

    const yolo = path.join(tmp.dir, 'yolo-out');
    ok(run('export', 'c1', '--format', 'yolo', '--out', yolo));
    expect(fs.readFileSync(path.join(yolo, 'labels', 'empty.txt'), 'utf8')).toBe('');
    ok(run('import', 'y1', '--format', 'yolo', '--annotations', path.join(yolo, 'data.yaml')));
    const yolo2 = path.join(tmp.dir, 'yolo-out2');
    ok(run('export', 'y1', '--format', 'yolo', '--out', yolo2));
    for (const f of ['data.yaml', 'labels/a.txt', 'labels/sub/ünï 猫.txt', 'labels/empty.txt']) {
      expect(fs.readFileSync(path.join(yolo2, f), 'utf8')).toBe(fs.readFileSync(path.join(yolo, f), 'utf8'));
    }

    fs.appendFileSync(path.join(yolo2, 'labels', 'a.txt'), '0 0.5 0.5 0.1 0.1\n');
    const seg = run('import', 'y2', '--format', 'yolo', '--annotations', yolo2, '--task', 'segment');
    expect(seg.code).toBe(1);
    const lines = fs.readFileSync(path.join(yolo2, 'labels', 'a.txt'), 'utf8').trimEnd().split('\n').length;
    expect(seg.stderr).toContain(`labels/a.txt:${lines}: 5 numbers where a class and at least 3 x y pairs (7, 9, 11 … numbers) were expected`);
  });

  it('versions are snapshots with counts and a diff; publish writes a zip; stats and queries', () => {
    const v1 = json('version', 'c1', '-m', 'first');
    expect(v1).toMatchObject({ number: 1, parent: null, counts: { images: 3, annotations: 3, perLabel: { person: 1, car: 1, toothbrush: 1 } }, diff: { annotationsAdded: 3, imagesAdded: 3 } });
    expect(run('import', 'c1', '--format', 'coco', '--annotations', path.join(tmp.dir, 'bad.json'), '--images', path.join(tmp.dir, 'imgs'), '--replace').code).toBe(1);
    const v2 = json('version', 'c1');
    expect(v2).toMatchObject({ number: 2, parent: 1, diff: { annotationsAdded: 0, annotationsRemoved: 0 } });
    const zip = path.join(tmp.dir, 'pub', 'c1-v1.zip');
    ok(run('publish', 'c1', '--version', '1', '--format', 'yolo', '--out', zip));
    const names = execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print("\\n".join(z.namelist()))', zip], { encoding: 'utf8' }).trim().split('\n');
    expect(names).toEqual(expect.arrayContaining(['data.yaml', 'labels/a.txt', 'images/a.jpg', 'images/sub/ünï 猫.png']));
    expect(json<any[]>('list').find((d) => d.name === 'c1').published).toBe(1);
    expect(json<any[]>('versions', 'c1')[0].published).toEqual([expect.objectContaining({ format: 'yolo', path: zip })]);

    const old = path.join(tmp.dir, 'from-v1');
    ok(run('export', 'c1', '--format', 'coco', '--out', old, '--version', '1', '--no-images'));
    expect(JSON.parse(fs.readFileSync(path.join(old, 'annotations.json'), 'utf8')).annotations).toHaveLength(3);

    const stats = json('stats', 'c1');
    expect(stats.labels.find((l: any) => l.name === 'person')).toMatchObject({ annotations: 1, images: 1 });
    expect(stats.boxSides.reduce((n: number, b: any) => n + b.count, 0)).toBe(3);

    const q = json<{ items: { file: string }[] }>('images', 'c1', '--query', 'width > 100 and has label person', '--save', 'big people');
    expect(q.items.map((i) => i.file)).toEqual(['a.jpg']);
    expect(json('images', 'c1', '--query', 'box width < 5').items.map((i: any) => i.file)).toEqual(['a.jpg', 'sub/ünï 猫.png']);
    expect(json('queries', 'c1')).toEqual([{ title: 'big people', query: 'width > 100 and has label person' }]);
    const badQuery = run('images', 'c1', '--query', 'width >> 3');
    expect(badQuery.code).toBe(2);
    expect(badQuery.stderr).toMatch(/Query:/);
  });

  it('writes an audit entry for every change', () => {
    const entries = JSON.parse(cli(data, ['audit', 'list', '--json']).stdout);
    const items = (entries.items ?? entries) as { module: string; action: string }[];
    const actions = new Set(items.filter((e) => e.module === 'datasets').map((e) => e.action));
    for (const a of ['create', 'import', 'export', 'version', 'publish', 'save-query']) expect(actions).toContain(a);
  });
});
