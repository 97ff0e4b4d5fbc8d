import { describe, expect, it } from 'vitest';
import { readVocFile, writeVoc, vocXmlPath, type ReadResult } from '../../../main/services/datasets/formats';

// Written to the Pascal VOC devkit's annotation layout: 1-based inclusive pixel indices.
const xml = (filename: string, objects: string, size = '<size><width>500</width><height>375</height><depth>3</depth></size>') =>
  `<?xml version="1.0"?>\n<annotation>\n  <folder>VOC2012</folder>\n  <filename>${filename}</filename>\n  ${size}\n${objects}</annotation>\n`;
const obj = (name: string, b: [string, string, string, string]) =>
  `  <object><name>${name}</name><difficult>0</difficult><bndbox><xmin>${b[0]}</xmin><ymin>${b[1]}</ymin><xmax>${b[2]}</xmax><ymax>${b[3]}</ymax></bndbox></object>\n`;

function readAll(files: Map<string, string> | [string, string][]): ReadResult {
  const out: ReadResult = { labels: [], images: [], annotations: [], errors: [] };
  for (const [file, text] of files) {
    const r = readVocFile(text, file);
    out.images.push(...r.images);
    out.annotations.push(...r.annotations);
    out.errors.push(...r.errors);
    for (const l of r.labels) if (!out.labels.some((x) => x.name === l.name)) out.labels.push(l);
  }
  return out;
}

const FIXTURE: [string, string][] = [
  ['Annotations/2007_000027.xml', xml('2007_000027.jpg', obj('person', ['174', '101', '349', '351']) + obj('dog', ['1', '1', '500', '375']))],
  ['Annotations/frac.xml', xml('frac.jpg', obj('cat', ['10.5', '20.25', '33.3', '40.000001']) + obj('cat', ['1.0', '2', '3.10', '4']))],
  ['Annotations/empty.xml', xml('empty.jpg', '')],
  ['Annotations/猫.xml', xml('猫 ü.jpg', obj('猫', ['5', '5', '5', '5']))],
];

describe('Pascal VOC', () => {
  it('maps 1-based inclusive corners to continuous boxes', () => {
    const r = readAll(FIXTURE);
    expect(r.errors).toEqual([]);
    expect(r.annotations[0]).toMatchObject({ image: '2007_000027.jpg', label: 'person', bbox: [173, 100, 176, 251] });
    expect(r.annotations[1].bbox).toEqual([0, 0, 500, 375]); // the whole image
    expect(r.annotations.at(-1)!.bbox).toEqual([4, 4, 1, 1]); // one pixel
    expect(r.images.map((i) => i.file)).toContain('empty.jpg');
  });

  it('import → export → import is identical and keeps the numbers as written', () => {
    const first = readAll(FIXTURE);
    const out = writeVoc(first);
    expect(out.warnings).toEqual([]);
    const second = readAll(out.files);
    expect(second.errors).toEqual([]);
    expect(second.annotations).toEqual(first.annotations);
    expect(second.images).toEqual(first.images);
    const frac = out.files.get('Annotations/frac.xml')!;
    for (const v of ['10.5', '20.25', '33.3', '40.000001', '1.0', '3.10']) expect(frac).toContain(`>${v}<`);
  });

  it('writes an image without objects as an XML with its size and no <object>', () => {
    const out = writeVoc(readAll(FIXTURE));
    const empty = out.files.get(vocXmlPath('empty.jpg'))!;
    expect(empty).toContain('<width>500</width>');
    expect(empty).not.toContain('<object>');
  });

  it('writes edited boxes from the model: x + 1 .. x + w', () => {
    const r = readAll(FIXTURE.slice(0, 1));
    r.annotations[0].bbox = [0, 0, 10, 20];
    const text = writeVoc(r).files.get('Annotations/2007_000027.xml')!;
    expect(text).toMatch(/<xmin>1<\/xmin>\s*<ymin>1<\/ymin>\s*<xmax>10<\/xmax>\s*<ymax>20<\/ymax>/);
  });

  it('reports a missing size, a bad number, a box outside and broken XML, each on its own', () => {
    const r = readAll([
      ['nosize.xml', xml('a.jpg', obj('cat', ['1', '1', '2', '2']), '')],
      ['nan.xml', xml('b.jpg', obj('cat', ['1', 'x', '2', '2']) + obj('dog', ['1', '1', '2', '2']))],
      ['outside.xml', xml('c.jpg', obj('cat', ['1', '1', '501', '2']))],
      ['broken.xml', '<annotation>\n<filename>d.jpg</filename>\n<size>\n</annotation>'],
      ['ok.xml', xml('e.jpg', obj('cat', ['1', '1', '2', '2']))],
    ]);
    expect(r.annotations.map((a) => a.image)).toEqual(['b.jpg', 'e.jpg']);
    expect(r.errors.map((e) => [e.file, e.path ?? `line ${e.line}`])).toEqual([
      ['nosize.xml', 'annotation.size'],
      ['nan.xml', 'annotation.object[0].bndbox.ymin'],
      ['outside.xml', 'annotation.object[0].bndbox'],
      ['broken.xml', 'line 4'],
    ]);
    expect(r.errors[0].reason).toMatch(/missing or invalid <size>/);
    expect(r.errors[2].reason).toMatch(/outside the 500×375 image/);
  });
});
