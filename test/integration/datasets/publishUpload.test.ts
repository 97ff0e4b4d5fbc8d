// Publishing a dataset version straight to a folder on a node over SFTP (the lab's sshd as the
// node): the zip arrives whole, the version records where, the local copy is removed, and a
// failure or a node without SSH is audited and leaves nothing behind.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labApp, type LabApp } from '../files/setup';
import { cli } from '../../support/cli';
import { tempDir } from '../../support/tmp';
import type { TransferEvent } from '../../../shared/contract/schemas/files';

const zipNames = (zip: string) => execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print("\\n".join(z.namelist()))', zip], { encoding: 'utf8' }).trim().split('\n');

describe('datasets publish to a node', () => {
  const t = tempDir();
  const data = path.join(t.dir, 'data');
  const remote = path.join(t.dir, 'cluster-share');
  let lab: LabApp;

  beforeAll(async () => {
    lab = await labApp(t.dir);
    const imgs = path.join(t.dir, 'imgs');
    fs.mkdirSync(imgs);
    for (const n of ['a', 'b']) await sharp({ create: { width: 64, height: 48, channels: 3, background: '#468' } }).png().toFile(path.join(imgs, `${n}.png`));
    await lab.api.datasets.create({ name: 'street', folder: imgs, kind: 'detection', labels: [{ name: 'car' }] });
    await lab.api.datasets.saveAnnotation({ name: 'street', file: 'a.png', id: null, label: 'car', bbox: [1.5, 2, 10, 8], polygons: null, hidden: false, locked: false });
    await lab.api.datasets.createVersion({ name: 'street', message: 'first' });
    fs.mkdirSync(remote);
  }, 120_000);
  afterAll(async () => { await lab?.close(); t.cleanup(); });

  it('uploads the version as a zip into the folder, with progress, and records node:path on the version', async () => {
    const events: TransferEvent[] = [];
    for await (const ev of await lab.api.datasets.publishUpload({ name: 'street', version: 1, format: 'coco', node: 'node001', remoteDir: remote })) events.push(ev);
    const done = events.at(-1)!;
    expect(done.type).toBe('done');
    const target = path.join(remote, 'street-v1-coco.zip');
    expect(done.type === 'done' && done.target).toBe(target);
    expect(zipNames(target).sort()).toEqual(['annotations.json', 'images/a.png', 'images/b.png']);
    const [v] = await lab.api.datasets.versions({ name: 'street' });
    expect(v.published).toEqual([expect.objectContaining({ format: 'coco', path: `node001:${target}`, bytes: fs.statSync(target).size })]);
    expect(fs.readdirSync(path.join(data, 'cache', 'publish'))).toEqual([]); // the local copy is gone
    const [entry] = (await lab.api.audit.list({ module: 'datasets', action: 'publish', offset: 0, limit: 1 })).items;
    expect(entry).toMatchObject({ result: 'ok', targets: 'street' });
  });

  it('refuses to replace a zip already there unless asked, and says so', async () => {
    await expect((async () => { for await (const _ of await lab.api.datasets.publishUpload({ name: 'street', version: 1, format: 'coco', node: 'node001', remoteDir: remote })) { /* drain */ } })())
      .rejects.toThrow(/exists/);
    const [entry] = (await lab.api.audit.list({ module: 'datasets', action: 'publish', offset: 0, limit: 1 })).items;
    expect(entry.result).toBe('failed');
    expect(fs.readdirSync(path.join(data, 'cache', 'publish'))).toEqual([]);
    const events: TransferEvent[] = [];
    for await (const ev of await lab.api.datasets.publishUpload({ name: 'street', version: 1, format: 'coco', node: 'node001', remoteDir: remote, overwrite: true })) events.push(ev);
    expect(events.at(-1)!.type).toBe('done');
  });

  it('a node without SSH settings fails with the reason, and nothing is recorded', async () => {
    await expect((async () => { for await (const _ of await lab.api.datasets.publishUpload({ name: 'street', version: 1, format: 'yolo', node: 'nossh1', remoteDir: remote })) { /* drain */ } })())
      .rejects.toThrow(/nossh1/);
    const [v] = await lab.api.datasets.versions({ name: 'street' });
    expect(v.published.map((p) => p.format)).toEqual(['coco', 'coco']);
  });

  it('CLI: --upload NODE:/folder publishes there; --out and --upload together, or neither, is a usage error', () => {
    const home = path.join(t.dir, 'home');
    const env = { HOME: home, SSH_AUTH_SOCK: '' };
    const r = cli(data, ['datasets', 'publish', 'street', '--version', '1', '--format', 'voc', '--upload', `node001:${remote}`], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(path.join(remote, 'street-v1-voc.zip'));
    expect(zipNames(path.join(remote, 'street-v1-voc.zip'))).toContain('Annotations/a.xml');
    const both = cli(data, ['datasets', 'publish', 'street', '--version', '1', '--format', 'voc', '--upload', `node001:${remote}`, '--out', path.join(t.dir, 'x.zip')], { env });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/either --out FILE\.zip .* or --upload NODE:\/folder/);
    const relative = cli(data, ['datasets', 'publish', 'street', '--version', '1', '--format', 'voc', '--upload', 'node001:share'], { env });
    expect(relative.code).toBe(2);
    expect(relative.stderr).toMatch(/NODE:\/absolute\/folder/);
  });
});
