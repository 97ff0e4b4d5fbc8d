// `clusterdeck datasets list|create|import|export|stats|versions|version|publish|images|labels|rm`.
// Per-item errors go to stderr as "file:line: reason" (or "file [json.path]: reason"); an import
// with errors exits 1 (2 when --all-or-nothing refused it), so scripts notice.
import path from 'node:path';
import type { Command } from 'commander';
import type { CliSession } from '../session';
import { CliExit, EXIT_SOME_FAILED, EXIT_USAGE } from '../exitCodes';
import { printJson, printLines, printTable } from '../output';
import { callerWithSignal, runTransfer } from '../transfer';
import { AppError } from '../../../../shared/errors';
import { DATASET_FORMATS, DATASET_KINDS, type ItemError } from '../../../../shared/contract/schemas/datasets';
import { LABEL_PALETTE } from '../../../../shared/contract/schemas/datasets';


type Format = (typeof DATASET_FORMATS)[number];
type Kind = (typeof DATASET_KINDS)[number];

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new AppError('INVALID_INPUT', `Unknown ${what} "${value}": use ${allowed.join(', ')}.`);
  return value as T;
}

export function itemErrorLine(e: ItemError): string {
  return `${e.file}${e.line !== undefined ? `:${e.line}` : ''}${e.path ? ` [${e.path}]` : ''}: ${e.reason}`;
}

const version = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new AppError('INVALID_INPUT', `--version takes a version number, not "${v}".`);
  return n;
};

function sizeText(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (bytes >= 1024 && i < units.length - 1) {
    bytes /= 1024;
    i++;
  }
  return `${i === 0 ? bytes : bytes.toFixed(1)} ${units[i]}`;
}

/**
 * The root program's --version (print ClusterDeck's version) would swallow `datasets export NAME
 * --version N`. Hide --version after the `datasets` noun from the root's parser so the dataset
 * commands get it; every other root option keeps working anywhere.
 */
function keepVersionOptionForDatasets(program: Command): void {
  const HIDDEN = '\u0000version';
  const original = program.parseOptions.bind(program);
  program.parseOptions = (args: string[]) => {
    const noun = args.findIndex((a, i) => a === 'datasets' && args[i - 1] !== '--data-dir');
    if (noun < 0) return original(args);
    const hidden = args.map((a, i) => (i > noun && (a === '--version' || a.startsWith('--version=')) ? HIDDEN + a.slice('--version'.length) : a));
    const restore = (list: string[]) => list.map((a) => (a.startsWith(HIDDEN) ? `--version${a.slice(HIDDEN.length)}` : a));
    const parsed = original(hidden);
    // Commander parses only `unknown` further down, so the hidden option and what follows go there.
    const at = parsed.operands.findIndex((a) => a.startsWith(HIDDEN));
    if (at < 0) return { operands: parsed.operands, unknown: restore(parsed.unknown) };
    return { operands: parsed.operands.slice(0, at), unknown: restore([...parsed.operands.slice(at), ...parsed.unknown]) };
  };
}

/**
 * The command's process ends with the command: wait for the tile pyramids of large images that a
 * create or import started in the background (a terminal sees how far they got).
 */
async function awaitPyramids(session: () => CliSession): Promise<void> {
  const caller = await session().caller();
  for (let shown = -1; ;) {
    const p = await caller.datasets.pyramids();
    if (p.pending === 0) return;
    if (process.stderr.isTTY && p.built !== shown) process.stderr.write(`tile pyramids of large images: ${p.built}/${p.total}\n`);
    shown = p.built;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export function registerDatasets(program: Command, session: () => CliSession): void {
  keepVersionOptionForDatasets(program);
  const ds = program.command('datasets').description('image datasets: folders of images, annotations, COCO / VOC / YOLO, versions');

  ds.command('list').option('--json', 'JSON output').action(async (o: { json?: boolean }) => {
    const list = await (await session().caller()).datasets.list();
    if (o.json) return printJson(list);
    printTable(['NAME', 'KIND', 'IMAGES', 'ANNOTATIONS', 'SIZE', 'LAST CHANGE', 'PUBLISHED'],
      list.map((d) => [d.name, d.kind, d.images, d.annotations, sizeText(d.bytes), d.updatedAt, d.published === null ? '' : `v${d.published}`]));
  });

  ds.command('create <name> <folder>').description('record a folder of images where it is (JPEG, PNG, WebP, TIFF, BMP)')
    .option('--kind <kind>', DATASET_KINDS.join(' | '), 'detection')
    .option('--labels <names>', 'comma-separated label names; hotkeys 1-9 in order')
    .option('--json', 'JSON output')
    .action(async (name: string, folder: string, o: { kind: string; labels?: string; json?: boolean }) => {
      const labels = (o.labels ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((l, i) => ({ name: l, color: LABEL_PALETTE[i % LABEL_PALETTE.length], hotkey: i < 9 ? String(i + 1) : null }));
      const r = await (await session().caller()).datasets.create({ name, kind: oneOf<Kind>(o.kind, DATASET_KINDS, 'kind'), folder: path.resolve(folder), labels, description: '' });
      await awaitPyramids(session);
      if (o.json) printJson(r);
      else process.stdout.write(`created dataset ${name}: ${r.dataset.images} images in ${r.dataset.root}\n`);
      for (const e of r.errors) process.stderr.write(`${itemErrorLine(e)}\n`);
      if (r.errors.length) throw new CliExit(EXIT_SOME_FAILED);
    });

  ds.command('import <name>').description('read annotations (the dataset is created when it does not exist)')
    .requiredOption('--format <format>', DATASET_FORMATS.join(' | '))
    .option('--annotations <path>', 'COCO: the JSON file; VOC: the XML folder; YOLO: data.yaml or the dataset folder')
    .option('--images <dir>', 'the images folder (COCO file_name and VOC filename are relative to it)')
    .option('--kind <kind>', DATASET_KINDS.join(' | '))
    .option('--task <task>', 'YOLO lines: detect | segment | auto', 'auto')
    .option('--all-or-nothing', 'import nothing when any item has an error')
    .option('--replace', "replace the dataset's annotations instead of adding")
    .option('--json', 'JSON output')
    .action(async (name: string, o: { format: string; annotations?: string; images?: string; kind?: string; task: string; allOrNothing?: boolean; replace?: boolean; json?: boolean }) => {
      const r = await (await session().caller()).datasets.import({
        name,
        format: oneOf<Format>(o.format, DATASET_FORMATS, 'format'),
        annotations: o.annotations && path.resolve(o.annotations),
        images: o.images && path.resolve(o.images),
        kind: o.kind ? oneOf<Kind>(o.kind, DATASET_KINDS, 'kind') : undefined,
        yoloTask: oneOf(o.task, ['detect', 'segment', 'auto'] as const, 'task'),
        allOrNothing: Boolean(o.allOrNothing),
        replace: Boolean(o.replace),
      });
      await awaitPyramids(session);
      if (o.json) printJson(r);
      for (const e of r.errors) process.stderr.write(`${itemErrorLine(e)}\n`);
      if (!r.imported) {
        process.stderr.write(`nothing imported: ${r.errors.length} errors (--all-or-nothing)\n`);
        throw new CliExit(EXIT_USAGE);
      }
      if (!o.json) process.stdout.write(`imported ${r.annotations} annotations on ${r.images} images, ${r.labels} labels${r.errors.length ? `; ${r.errors.length} items skipped` : ''}\n`);
      if (r.errors.length) throw new CliExit(EXIT_SOME_FAILED);
    });

  ds.command('export <name>').description('write the dataset (or a version) in a format, images copied into its layout')
    .requiredOption('--format <format>', DATASET_FORMATS.join(' | '))
    .requiredOption('--out <dir>', 'a new or empty folder')
    .option('--version <n>', 'a version instead of the current state', version)
    .option('--no-images', 'write annotations only')
    .option('--json', 'JSON output')
    .action(async (name: string, o: { format: string; out: string; version?: number; images: boolean; json?: boolean }) => {
      const r = await (await session().caller()).datasets.export({ name, format: oneOf<Format>(o.format, DATASET_FORMATS, 'format'), out: path.resolve(o.out), version: o.version, copyImages: o.images });
      if (o.json) printJson(r);
      else process.stdout.write(`exported ${r.annotations} annotations on ${r.images} images to ${r.out} (${r.files} files)\n`);
      for (const w of r.warnings) process.stderr.write(`warning: ${itemErrorLine(w)}\n`);
    });

  ds.command('stats <name>').description('per-label counts and box-size histograms').option('--version <n>', 'of a version', version).option('--json', 'JSON output')
    .action(async (name: string, o: { version?: number; json?: boolean }) => {
      const s = await (await session().caller()).datasets.stats({ name, version: o.version });
      if (o.json) return printJson(s);
      process.stdout.write(`${s.images} images, ${s.annotations} annotations; ${Object.entries(s.statuses).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
      printTable(['LABEL', 'ANNOTATIONS', 'IMAGES'], s.labels.map((l) => [l.name, l.annotations, l.images]));
      if (s.boxSides.length) {
        process.stdout.write('\nbox size (sqrt(w*h) px)\n');
        printTable(['FROM', 'TO', 'BOXES'], s.boxSides.map((b) => [b.from, b.to, b.count]));
      }
    });

  ds.command('versions <name>').description('immutable versions with counts and the change against their parent').option('--json', 'JSON output')
    .action(async (name: string, o: { json?: boolean }) => {
      const list = await (await session().caller()).datasets.versions({ name });
      if (o.json) return printJson(list);
      printTable(['VERSION', 'CREATED', 'BY', 'IMAGES', 'ANNOTATIONS', 'CHANGE', 'PUBLISHED', 'MESSAGE'], list.map((v) => [
        v.number, v.createdAt, v.createdBy, v.counts.images, v.counts.annotations,
        `+${v.diff.annotationsAdded} -${v.diff.annotationsRemoved} ann, +${v.diff.imagesAdded} -${v.diff.imagesRemoved} img`,
        v.published.map((p) => p.format).join(','), v.message,
      ]));
    });

  ds.command('version <name>').description('freeze the current state as a new version').option('-m, --message <text>', '', '').option('--json', 'JSON output')
    .action(async (name: string, o: { message: string; json?: boolean }) => {
      const v = await (await session().caller()).datasets.createVersion({ name, message: o.message });
      if (o.json) return printJson(v);
      process.stdout.write(`version ${v.number} of ${name}: ${v.counts.images} images, ${v.counts.annotations} annotations (+${v.diff.annotationsAdded} -${v.diff.annotationsRemoved})\n`);
    });

  ds.command('publish <name>').description('write a version as a zip in a format, to a local file or a folder on a node (SFTP)')
    .requiredOption('--version <n>', 'the version', version).requiredOption('--format <format>', DATASET_FORMATS.join(' | '))
    .option('--out <file.zip>', 'the zip to write').option('--upload <node:folder>', 'upload the zip into this folder on the node, e.g. login01:/shared/datasets')
    .option('--overwrite', 'with --upload: replace a zip of the same name there').option('--json', 'JSON output')
    .action(async (name: string, o: { version: number; format: string; out?: string; upload?: string; overwrite?: boolean; json?: boolean }) => {
      const format = oneOf<Format>(o.format, DATASET_FORMATS, 'format');
      if (!o.out === !o.upload) throw new AppError('INVALID_INPUT', 'Give either --out FILE.zip (a local file) or --upload NODE:/folder (a folder on a node).');
      if (o.upload) {
        const at = o.upload.indexOf(':');
        if (at < 1 || !o.upload.slice(at + 1).startsWith('/')) throw new AppError('INVALID_INPUT', `--upload takes NODE:/absolute/folder, not "${o.upload}".`);
        const app = await session().open(true);
        await runTransfer((signal) => callerWithSignal(app, signal).datasets.publishUpload({ name, version: o.version, format, node: o.upload!.slice(0, at), remoteDir: o.upload!.slice(at + 1), overwrite: !!o.overwrite }), 'publish');
        return;
      }
      const r = await (await session().caller()).datasets.publish({ name, version: o.version, format, out: path.resolve(o.out!) });
      if (o.json) printJson(r);
      else process.stdout.write(`published version ${o.version} of ${name} as ${r.path} (${sizeText(r.bytes)}, ${r.files} files)\n`);
      for (const w of r.warnings) process.stderr.write(`warning: ${itemErrorLine(w)}\n`);
    });

  ds.command('images <name>').description('list images, e.g. --query "width > 1000 and has label cat"')
    .option('--query <text>', 'clauses joined by "and": width|height|bytes|annotations OP N, has label X, no label X, count X OP N, box width|height|area OP N, status = S, file contains T', '')
    .option('--status <status>', 'unlabeled | labeled | reviewed')
    .option('--save <title>', 'save the query under this title')
    .option('--json', 'JSON output')
    .action(async (name: string, o: { query: string; status?: string; save?: string; json?: boolean }) => {
      const api = await session().caller();
      const r = await api.datasets.images({ name, query: o.query, status: o.status ? oneOf(o.status, ['unlabeled', 'labeled', 'reviewed'] as const, 'status') : undefined, offset: 0, limit: 100_000 });
      if (o.save) await api.datasets.saveQuery({ name, title: o.save, query: o.query });
      if (o.json) return printJson(r);
      printTable(['FILE', 'WIDTH', 'HEIGHT', 'STATUS', 'ANNOTATIONS', 'ERROR'], r.items.map((i) => [i.file, i.width, i.height, i.status, i.annotations, i.error]));
    });

  ds.command('queries <name>').description('saved queries').option('--json', 'JSON output').action(async (name: string, o: { json?: boolean }) => {
    const list = await (await session().caller()).datasets.queries({ name });
    if (o.json) return printJson(list);
    printTable(['TITLE', 'QUERY'], list.map((q) => [q.title, q.query]));
  });

  const pairs = (list: string[], flag: string) => list.map((p) => {
    const at = p.lastIndexOf('=');
    if (at <= 0) throw new AppError('INVALID_INPUT', `${flag} takes LABEL=VALUE, not "${p}".`);
    return [p.slice(0, at), p.slice(at + 1)] as const;
  });
  const collect = (v: string, all: string[]) => [...all, v];
  ds.command('labels <name>').description('list or edit the label set: add, rename, recolor, set hotkeys, delete')
    .option('--add <label>', 'add a label (repeatable)', collect, [])
    .option('--rename <old=new>', 'rename a label, keeping its annotations (repeatable)', collect, [])
    .option('--color <label=#rrggbb>', 'recolor a label (repeatable)', collect, [])
    .option('--hotkey <label=key>', 'set a label\'s one-character hotkey; an empty key clears it (repeatable)', collect, [])
    .option('--delete <label>', 'delete a label (repeatable)', collect, [])
    .option('--yes', 'also delete the annotations of deleted labels')
    .option('--json', 'JSON output')
    .action(async (name: string, o: { add: string[]; rename: string[]; color: string[]; hotkey: string[]; delete: string[]; yes?: boolean; json?: boolean }) => {
      const api = await session().caller();
      let d = await api.datasets.get({ name });
      if (o.add.length || o.rename.length || o.color.length || o.hotkey.length || o.delete.length) {
        const rows = d.labels.map((l) => ({ from: l.name as string | null, name: l.name, color: l.color, hotkey: l.hotkey }));
        const find = (label: string, flag: string) => {
          const row = rows.find((r) => r.from === label || r.name === label);
          if (!row) throw new AppError('DATASET_LABEL_NOT_FOUND', `${flag}: dataset "${name}" has no label "${label}"; labels: ${d.labels.map((l) => l.name).join(', ')}.`, { label });
          return row;
        };
        for (const label of o.add) rows.push({ from: null, name: label, color: LABEL_PALETTE[rows.length % LABEL_PALETTE.length], hotkey: null });
        for (const [from, to] of pairs(o.rename, '--rename')) find(from, '--rename').name = to;
        for (const [label, color] of pairs(o.color, '--color')) find(label, '--color').color = color;
        for (const [label, key] of pairs(o.hotkey, '--hotkey')) find(label, '--hotkey').hotkey = key || null;
        const gone = new Set(o.delete.map((label) => find(label, '--delete')));
        d = await api.datasets.editLabels({ name, labels: rows.filter((r) => !gone.has(r)), deleteAnnotations: !!o.yes });
      }
      if (o.json) return printJson(d.labels);
      printTable(['LABEL', 'COLOR', 'HOTKEY', 'ANNOTATIONS'], d.labels.map((l) => [l.name, l.color, l.hotkey ?? '', l.annotations]));
    });

  ds.command('rm <name>').description('forget a dataset (its images stay on disk)').action(async (name: string) => {
    await (await session().caller()).datasets.remove({ name });
    printLines([`removed dataset ${name}; its images are untouched`]);
  });
}
