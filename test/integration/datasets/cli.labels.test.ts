import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli';
import { tempDir } from '../../support/tmp';

// `clusterdeck datasets labels`: the label set from the command line, with the same refusals as the UI;
// and a large image imported with COCO gets its tile pyramid at import.
const tmp = tempDir('clusterdeck-datasets-labels-');
const data = path.join(tmp.dir, 'data');
const run = (...args: string[]) => cli(data, ['datasets', ...args]);

describe('clusterdeck datasets labels', () => {
  beforeAll(async () => {
    const imgs = path.join(tmp.dir, 'imgs');
    fs.mkdirSync(imgs);
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#888' } }).png().toFile(path.join(imgs, 'a.png'));
    await sharp({ create: { width: 4500, height: 300, channels: 3, background: '#468' } }).jpeg().toFile(path.join(imgs, 'wide.jpg'));
    fs.writeFileSync(path.join(tmp.dir, 'coco.json'), JSON.stringify({
      images: [{ id: 1, file_name: 'a.png', width: 64, height: 48 }, { id: 2, file_name: 'wide.jpg', width: 4500, height: 300 }],
      categories: [{ id: 1, name: 'cat' }, { id: 2, name: 'dog' }],
      annotations: [{ id: 1, image_id: 1, category_id: 2, bbox: [1, 2, 3, 4] }, { id: 2, image_id: 2, category_id: 2, bbox: [4000, 10, 20, 30] }],
    }));
    const r = run('import', 'pets', '--format', 'coco', '--annotations', path.join(tmp.dir, 'coco.json'), '--images', imgs);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(() => tmp.cleanup());

  it('built the large image\'s tile pyramid during the import', () => {
    const dirs = fs.readdirSync(path.join(data, 'cache', 'pyramids'));
    expect(dirs).toHaveLength(1);
    expect(fs.existsSync(path.join(data, 'cache', 'pyramids', dirs[0], 'image_files', '13', '8_0.jpeg'))).toBe(true); // 4500 px: 9 columns at full size
  });

  it('adds, renames, recolors and sets hotkeys; refuses conflicts and asks before deleting annotations', () => {
    let r = run('labels', 'pets', '--add', 'bird', '--rename', 'cat=kitten', '--hotkey', 'kitten=k', '--hotkey', 'dog=d', '--color', 'bird=#00aa00', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).map((l: { name: string; color: string; hotkey: string | null; annotations: number }) => [l.name, l.hotkey, l.annotations])).toEqual([['kitten', 'k', 0], ['dog', 'd', 2], ['bird', null, 0]]);
    expect(JSON.parse(r.stdout)[2].color).toBe('#00aa00');

    r = run('labels', 'pets', '--hotkey', 'bird=d');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Hotkey "d" is given to both "dog" and "bird"; pick another key for one of them.');
    r = run('labels', 'pets', '--hotkey', 'bird=g');
    expect(r.stderr).toContain('Hotkey "g" of label "bird" is the shortcut for polygon mode; pick another key.');
    r = run('labels', 'pets', '--rename', 'wolf=fox');
    expect(r.stderr).toContain('--rename: dataset "pets" has no label "wolf"; labels: kitten, dog, bird.');

    r = run('labels', 'pets', '--delete', 'dog');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Deleting "dog" (2) would delete 2 annotations; confirm to delete them too.');
    r = run('labels', 'pets', '--delete', 'dog', '--yes');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/kitten\s+#1677ff\s+k\s+0/);
    expect(r.stdout).not.toMatch(/dog/);
    const stats = JSON.parse(run('stats', 'pets', '--json').stdout);
    expect(stats.annotations).toBe(0);
  });
});
