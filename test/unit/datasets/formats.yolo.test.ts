import { describe, expect, it } from 'vitest';
import { readDataYaml, readYoloLabels, writeYolo, yoloLabelPath, type DsImage } from '../../../main/services/datasets/formats';

// Written to the Ultralytics detect/segment dataset docs: labels/<split>/<stem>.txt beside
// images/<split>/<stem>.jpg, normalized "class cx cy w h" or "class x1 y1 ... xn yn".
const IMAGES: DsImage[] = [
  { file: 'images/train/a.jpg', width: 640, height: 480 },
  { file: 'images/train/ünï 猫.png', width: 333, height: 111 },
  { file: 'images/val/empty.jpg', width: 100, height: 100 },
  { file: 'images/val/nolabel.jpg', width: 100, height: 100 },
];
const DATA_YAML = 'path: ../datasets/x\ntrain: images/train\nval: images/val\nnames:\n  0: person\n  1: bicycle\n  2: car\n';
const LABELS: Record<string, string> = {
  'labels/train/a.txt': '0 0.5 0.5 0.25 0.125\n2 0.123456789012345678 0.3333333333333333 0.1 0.2000\n',
  'labels/train/ünï 猫.txt': '1 0.1 0.1 0.9 0.1 0.9 0.9 0.1 0.9\r\n0 0.5 0.5 1 1\r\n',
  'labels/val/empty.txt': '',
};

function entries(images: DsImage[], labels: Record<string, string>) {
  return images.map((image) => {
    const file = yoloLabelPath(image.file);
    return { image, file: file in labels ? file : null, text: labels[file] ?? null };
  });
}

describe('YOLO (Ultralytics)', () => {
  it('reads data.yaml names as a list or a map', () => {
    expect(readDataYaml(DATA_YAML, 'data.yaml').labels).toEqual([{ name: 'person', id: 0 }, { name: 'bicycle', id: 1 }, { name: 'car', id: 2 }]);
    expect(readDataYaml('names: [a, b]\n', 'd.yaml').labels).toEqual([{ name: 'a', id: 0 }, { name: 'b', id: 1 }]);
    expect(readDataYaml('train: x\n', 'd.yaml').errors[0]).toMatchObject({ path: 'names' });
    expect(readDataYaml('names: [a\n  b: :\n', 'd.yaml').errors[0].reason).toMatch(/not valid YAML/);
  });

  it('places normalized boxes and polygons in pixels', () => {
    const { labels } = readDataYaml(DATA_YAML, 'data.yaml');
    const r = readYoloLabels(labels, entries(IMAGES, LABELS));
    expect(r.errors).toEqual([]);
    expect(r.annotations[0]).toMatchObject({ label: 'person', bbox: [240, 210, 160, 60], polygons: null });
    expect(r.annotations[2].polygons![0]).toHaveLength(8);
    expect(r.images).toHaveLength(4);
  });

  it('import → export → import is identical and every digit is kept', () => {
    const { labels } = readDataYaml(DATA_YAML, 'data.yaml');
    const first = readYoloLabels(labels, entries(IMAGES, LABELS));
    const out = writeYolo(first);
    expect(out.warnings).toEqual([]);
    const again = readDataYaml(out.files.get('data.yaml')!, 'data.yaml');
    const files = Object.fromEntries(out.files);
    const second = readYoloLabels(again.labels, entries(IMAGES, files));
    expect(second).toEqual(first);
    expect(files['labels/train/a.txt']).toBe('0 0.5 0.5 0.25 0.125\n2 0.123456789012345678 0.3333333333333333 0.1 0.2000\n');
    expect(files['labels/val/empty.txt']).toBe('');
    expect(files['labels/val/nolabel.txt']).toBe(''); // images without objects get an empty label file
    expect(out.files.get('data.yaml')).toMatch(/train: images\/train\nval: images\/val/);
  });

  it('writes edited shapes normalized from pixels', () => {
    const { labels } = readDataYaml(DATA_YAML, 'data.yaml');
    const r = readYoloLabels(labels, entries(IMAGES.slice(0, 1), LABELS));
    r.annotations[0].bbox = [0, 0, 320, 240];
    expect(writeYolo(r).files.get('labels/train/a.txt')!.split('\n')[0]).toBe('0 0.25 0.25 0.5 0.5');
  });

  it('reports each bad line (file, line, reason) and keeps the rest', () => {
    const { labels } = readDataYaml(DATA_YAML, 'data.yaml');
    const bad = { 'labels/train/a.txt': '0 0.5 0.5 0.2 0.2\n0 0.5 0.5 0.2\n7 0.5 0.5 0.1 0.1\n0 0.5 0.5 1.5 0.1\n0 0.1 0.1 0.2 0.2 0.3\nx 0.1 0.1 0.1 0.1\n0 0.5 abc 0.1 0.1\n' };
    const r = readYoloLabels(labels, entries(IMAGES.slice(0, 1), bad));
    expect(r.annotations).toHaveLength(1);
    expect(r.errors.map((e) => [e.line, e.reason])).toEqual([
      [2, '4 numbers: neither a box (5) nor a polygon (class and 3 or more x y pairs)'],
      [3, 'class 7 is not in data.yaml names'],
      [4, 'coordinates must be normalized to 0…1'],
      [5, '6 numbers: neither a box (5) nor a polygon (class and 3 or more x y pairs)'],
      [6, 'class "x" is not a non-negative integer'],
      [7, '"abc" is not a number'],
    ]);
  });

  it('a segmentation dataset rejects a five-number line where nine were expected', () => {
    const { labels } = readDataYaml(DATA_YAML, 'data.yaml');
    const r = readYoloLabels(labels, entries(IMAGES.slice(0, 1), { 'labels/train/a.txt': '0 0.1 0.1 0.9 0.1 0.9 0.9 0.1 0.9\n0 0.5 0.5 0.2 0.2\n' }), 'segment');
    expect(r.annotations).toHaveLength(1);
    expect(r.errors).toEqual([{ file: 'labels/train/a.txt', line: 2, reason: '5 numbers where a class and at least 3 x y pairs (7, 9, 11 … numbers) were expected' }]);
    const d = readYoloLabels(labels, entries(IMAGES.slice(0, 1), { 'labels/train/a.txt': '0 0.1 0.1 0.9 0.1 0.9 0.9 0.1 0.9\n' }), 'detect');
    expect(d.errors[0].reason).toBe('9 numbers where 5 were expected (class cx cy w h)');
  });
});
