import { describe, expect, it } from 'vitest';
import { readCoco, readDataYaml, readVocFile, readYoloLabels, writeCoco, writeVoc, writeYolo, yoloLabelPath, type DsData } from '../../../main/services/datasets/formats';

// Across formats the model is the meeting point: integer (and half-pixel) boxes survive
// COCO → VOC → COCO and COCO → YOLO → COCO unchanged.
const SOURCE = {
  images: [{ id: 1, file_name: 'a.jpg', width: 640, height: 480 }, { id: 2, file_name: 'b.jpg', width: 100, height: 100 }],
  categories: [{ id: 1, name: 'cat' }, { id: 3, name: 'dog' }],
  annotations: [
    { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 640, 480], area: 307200, iscrowd: 0 },
    { id: 2, image_id: 1, category_id: 3, bbox: [10.5, 20, 100, 50.5], area: 5050, iscrowd: 0 },
  ],
};
const boxes = (d: DsData) => d.annotations.map((a) => [a.image, a.label, a.bbox]);

describe('across formats', () => {
  it('COCO → VOC → COCO keeps boxes and the empty image', () => {
    const coco = readCoco(JSON.stringify(SOURCE), 's.json');
    const voc = writeVoc(coco);
    const back = { labels: [] as DsData['labels'], images: [] as DsData['images'], annotations: [] as DsData['annotations'] };
    for (const [file, text] of voc.files) {
      const r = readVocFile(text, file);
      expect(r.errors).toEqual([]);
      back.images.push(...r.images);
      back.annotations.push(...r.annotations);
      for (const l of r.labels) if (!back.labels.some((x) => x.name === l.name)) back.labels.push(l);
    }
    expect(boxes(back)).toEqual(boxes(coco));
    expect(back.images.map((i) => i.file).sort()).toEqual(['a.jpg', 'b.jpg']);
    const again = readCoco(writeCoco(back).files.get('annotations.json')!, 'x');
    expect(boxes(again)).toEqual(boxes(coco));
  });

  it('COCO → YOLO → COCO keeps boxes; class ids become 0..n-1 as Ultralytics wants', () => {
    const coco = readCoco(JSON.stringify(SOURCE), 's.json');
    const yolo = writeYolo(coco);
    expect(yolo.files.get('data.yaml')).toMatch(/names:\n {2}"?0"?: cat\n {2}"?1"?: dog/);
    const { labels } = readDataYaml(yolo.files.get('data.yaml')!, 'data.yaml');
    const files = Object.fromEntries(yolo.files);
    const back = readYoloLabels(labels, coco.images.map((image) => ({ image, file: yoloLabelPath(image.file), text: files[yoloLabelPath(image.file)] ?? null })));
    expect(back.errors).toEqual([]);
    expect(boxes(back)).toEqual(boxes(coco));
    expect(files['labels/b.txt']).toBe('');
  });
});
