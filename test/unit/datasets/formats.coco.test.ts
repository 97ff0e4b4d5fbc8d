import { describe, expect, it } from 'vitest';
import { readCoco, writeCoco, decodeCounts, rleCounts, rleBbox } from '../../../main/services/datasets/formats';

// Written to https://cocodataset.org/#format-data, with its awkward parts: category ids 1, 3, 90,
// float boxes, a polygon with two rings, a crowd annotation in compressed RLE and one in plain
// counts, an image without objects, a Unicode file name.
export const COCO_FIXTURE = {
  info: { description: 'test' },
  images: [
    { id: 7, file_name: 'a.jpg', width: 640, height: 480 },
    { id: 9, file_name: 'sub/ünïcødé 猫.png', width: 10, height: 8 },
    { id: 12, file_name: 'empty.webp', width: 32, height: 32 },
  ],
  categories: [
    { id: 1, name: 'person', supercategory: 'x' },
    { id: 3, name: 'car' },
    { id: 90, name: 'toothbrush' },
  ],
  annotations: [
    { id: 101, image_id: 7, category_id: 1, bbox: [10.25, 20.5, 100.125, 50.0000001], area: 5006.25, iscrowd: 0, segmentation: [] },
    { id: 102, image_id: 7, category_id: 90, bbox: [0.1, 0.2, 0.30000000000000004, 479.7], area: 1, iscrowd: 0,
      segmentation: [[0.1, 0.2, 0.4, 0.2, 0.4, 479.9], [0.2, 0.3, 0.3, 0.3, 0.3, 0.4]] },
    { id: 103, image_id: 9, category_id: 3, bbox: [1, 1, 3, 2], area: 6, iscrowd: 1, segmentation: { size: [8, 10], counts: [9, 2, 6, 2, 6, 2, 53] } },
    { id: 104, image_id: 9, category_id: 3, bbox: [0, 0, 10, 8], area: 80, iscrowd: 1, segmentation: { size: [8, 10], counts: '0`2' } },
  ],
};

describe('COCO', () => {
  it('reads boxes, polygons, both RLE forms, iscrowd and non-contiguous ids exactly', () => {
    const r = readCoco(JSON.stringify(COCO_FIXTURE), 'ann.json');
    expect(r.errors).toEqual([]);
    expect(r.labels).toEqual([{ name: 'person', id: 1 }, { name: 'car', id: 3 }, { name: 'toothbrush', id: 90 }]);
    expect(r.images.map((i) => i.file)).toEqual(['a.jpg', 'sub/ünïcødé 猫.png', 'empty.webp']);
    expect(r.annotations[0].bbox).toEqual([10.25, 20.5, 100.125, 50.0000001]);
    expect(r.annotations[1].polygons).toHaveLength(2);
    expect(r.annotations[2]).toMatchObject({ iscrowd: true, label: 'car', rle: { counts: [9, 2, 6, 2, 6, 2, 53] } });
    expect(r.annotations[3].rle!.counts).toBe('0`2');
  });

  it('decodes compressed RLE as pycocotools does', () => {
    expect(decodeCounts('0`2')).toEqual([0, 80]);
    expect(rleCounts({ counts: '0`2', size: [8, 10] })).toEqual([0, 80]);
    // 2×2 foreground at column 1..1 rows 1..2 of an 8-row mask, then column 2 rows 1..2, 3 rows 1..2
    expect(rleBbox([9, 2, 6, 2, 6, 2, 53], 8)).toEqual([1, 1, 3, 2]);
  });

  it('import → export → import gives identical annotations', () => {
    const first = readCoco(JSON.stringify(COCO_FIXTURE), 'ann.json');
    const written = writeCoco(first);
    expect(written.warnings).toEqual([]);
    const second = readCoco(written.files.get('annotations.json')!, 'out.json');
    expect(second.errors).toEqual([]);
    const strip = ({ errors: _e, ...d }: typeof first) => d;
    expect(strip(second)).toEqual(strip(first));
    // and the text of the numbers is unchanged
    expect(written.files.get('annotations.json')).toContain('[10.25,20.5,100.125,50.0000001]');
    expect(written.files.get('annotations.json')).toContain('"id":90');
  });

  it('keeps images without objects in images[] with no annotations', () => {
    const json = writeCoco(readCoco(JSON.stringify(COCO_FIXTURE), 'x')).json as { images: { file_name: string; id: number }[]; annotations: { image_id: number }[] };
    const empty = json.images.find((i) => i.file_name === 'empty.webp')!;
    expect(json.annotations.some((a) => a.image_id === empty.id)).toBe(false);
  });

  it('reports each bad item by JSON path and keeps the rest', () => {
    const bad = structuredClone(COCO_FIXTURE) as any;
    bad.annotations.push(
      { id: 200, image_id: 7, category_id: 1, bbox: [600, 10, 50, 10] },
      { id: 201, image_id: 7, category_id: 2, bbox: [1, 1, 1, 1] },
      { id: 202, image_id: 99, category_id: 1, bbox: [1, 1, 1, 1] },
      { id: 203, image_id: 7, category_id: 1, bbox: [1, 1, 1] },
      { id: 204, image_id: 9, category_id: 3, iscrowd: 1, segmentation: { size: [8, 10], counts: [1, 2] } },
      { id: 101, image_id: 7, category_id: 1, bbox: [1, 1, 1, 1] },
    );
    const r = readCoco(JSON.stringify(bad), 'bad.json');
    expect(r.annotations).toHaveLength(4);
    expect(r.errors).toEqual([
      { file: 'bad.json', path: 'annotations[4].bbox', reason: 'box [600, 10, 50, 10] extends outside the 640×480 image "a.jpg"' },
      { file: 'bad.json', path: 'annotations[5].category_id', reason: 'category id 2 is not in "categories"' },
      { file: 'bad.json', path: 'annotations[6].image_id', reason: 'image id 99 is not in "images"' },
      { file: 'bad.json', path: 'annotations[7].bbox', reason: 'bbox must be [x, y, width, height] numbers' },
      { file: 'bad.json', path: 'annotations[8].segmentation.counts', reason: 'runs cover 3 pixels, the mask has 8×10 = 80' },
      { file: 'bad.json', path: 'annotations[9].id', reason: 'annotation id 101 is used twice' },
    ]);
  });

  it('reports a JSON syntax error with its line', () => {
    const r = readCoco('{\n  "images": [\n    {"id": 1,,}\n  ]\n}', 'broken.json');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ file: 'broken.json', line: 3 });
    expect(r.errors[0].reason).toMatch(/not valid JSON/);
  });

  it('truncated JSON is one clear error', () => {
    const text = JSON.stringify(COCO_FIXTURE);
    const r = readCoco(text.slice(0, text.length / 2), 't.json');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].reason).toMatch(/not valid JSON/);
  });
});
