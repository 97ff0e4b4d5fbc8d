import { describe, expect, it } from 'vitest';
import { readFolders, writeFolders } from '../../../main/services/datasets/formats';

describe('folder per class', () => {
  it('reads the first folder as the class and writes copies back to it', () => {
    const r = readFolders([
      { file: 'cat/1.jpg', width: 1, height: 1 },
      { file: '狗/2.png', width: 1, height: 1 },
      { file: 'loose.jpg', width: 1, height: 1 },
    ]);
    expect(r.labels.map((l) => l.name)).toEqual(['cat', '狗']);
    expect(r.annotations.map((a) => [a.image, a.label, a.bbox])).toEqual([['cat/1.jpg', 'cat', null], ['狗/2.png', '狗', null]]);
    const w = writeFolders(r);
    expect(w.copies).toEqual([{ from: 'cat/1.jpg', to: 'cat/1.jpg' }, { from: '狗/2.png', to: '狗/2.png' }]);
    expect(w.warnings).toEqual([{ file: 'loose.jpg', reason: 'no label; left out of folder-per-class' }]);
    const again = readFolders(w.copies.map((c) => ({ file: c.to, width: 1, height: 1 })));
    expect(again.annotations).toEqual(r.annotations);
  });
});
