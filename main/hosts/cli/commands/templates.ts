// `clusterdeck templates ...`: built-in (read-only) and custom (versioned) job templates.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliSession } from '../session';
import { printJson, printTable } from '../output';
import { AppError } from '../../../../shared/errors';

const ver = (v: string) => {
  if (!/^\d+$/.test(v)) throw new AppError('INVALID_INPUT', `--version "${v}" must be a number`);
  return Number(v);
};

function readText(file: string): string {
  try {
    return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (err) {
    throw new AppError('INVALID_INPUT', `cannot read ${file}: ${(err as Error).message}`);
  }
}

export function registerTemplates(program: Command, session: () => CliSession): void {
  const t = program.command('templates').description('job templates: a JSON Schema for parameters plus a script or manifest');

  t.command('list').description('built-in and custom templates').option('--json', 'JSON output')
    .action(async (o: { json?: boolean }) => {
      const rows = await (await session().caller()).templates.list();
      if (o.json) return printJson(rows);
      printTable(['NAME', 'TARGET', 'VERSION', 'KIND', 'TITLE'], rows.map((r) => [r.name, r.target, r.version, r.builtin ? 'built-in' : `custom (${r.versions.length} versions)`, r.title]));
    });

  t.command('show <name>').description('parameters and script/manifest of a template').option('--version <n>', 'version', ver).option('--json', 'JSON output')
    .action(async (name: string, o: { version?: number; json?: boolean }) => {
      const tpl = await (await session().caller()).templates.get({ name, version: o.version });
      if (o.json) return printJson(tpl);
      const required = new Set(tpl.body.parameters.required);
      process.stdout.write(`${tpl.name} v${tpl.version} (${tpl.builtin ? 'built-in' : 'custom'}, ${tpl.target}): ${tpl.title}\n${tpl.body.description}\n\n`);
      printTable(['PARAMETER', 'TYPE', 'DEFAULT', 'REQUIRED', 'TITLE'], Object.entries(tpl.body.parameters.properties).map(([k, p]) => [k, p.type, p.default === undefined ? '' : JSON.stringify(p.default), required.has(k) ? 'yes' : '', p.title ?? '']));
      process.stdout.write(`\n${tpl.body.script ?? JSON.stringify(tpl.body.manifest, null, 2)}\n`);
    });

  t.command('export <name>').description('write a template as a JSON file').option('--version <n>', 'version', ver).option('-o, --output <file>', 'file (default: stdout)')
    .action(async (name: string, o: { version?: number; output?: string }) => {
      const r = await (await session().caller()).templates.export({ name, version: o.version });
      if (o.output) writeFileSync(o.output, r.text);
      else process.stdout.write(r.text);
    });

  t.command('import <file>').description('add a custom template from a JSON file (- for stdin)').option('--replace', 'add a new version if the name exists').option('--json', 'JSON output')
    .action(async (file: string, o: { replace?: boolean; json?: boolean }) => {
      const r = await (await session().caller()).templates.import({ text: readText(file), replace: !!o.replace });
      if (o.json) printJson(r);
      else process.stdout.write(`template ${r.name} v${r.version} saved\n`);
    });

  t.command('save <file>').description('save an edited template file as the next version of its custom template').option('--json', 'JSON output')
    .action(async (file: string, o: { json?: boolean }) => {
      let body: unknown;
      try {
        body = JSON.parse(readText(file));
      } catch (err) {
        throw new AppError('INVALID_INPUT', `${file} is not JSON: ${(err as Error).message}`);
      }
      const r = await (await session().caller()).templates.save({ body: body as never });
      if (o.json) printJson(r);
      else process.stdout.write(`template ${r.name} v${r.version} saved\n`);
    });

  t.command('clone <from> <to>').description('copy a template (built-in or custom) to a new custom template')
    .action(async (from: string, to: string) => {
      const r = await (await session().caller()).templates.clone({ from, to });
      process.stdout.write(`template ${r.name} v${r.version} created from ${from}\n`);
    });

  t.command('rm <name>').description('delete a custom template and all its versions')
    .action(async (name: string) => {
      await (await session().caller()).templates.remove({ name });
    });
}
