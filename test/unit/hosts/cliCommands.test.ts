// The CLI's command table (main/hosts/cli/commandTable.ts): a run loads only the module of the
// command it names, so the table must name exactly what each module registers.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { COMMANDS, commandsToLoad, compositionOf, rootOptionValue } from '../../../main/hosts/cli/commandTable';
import type { CliSession } from '../../../main/hosts/cli/session';

const noSession = (): CliSession => {
  throw new Error('registering a command must not open a session');
};

describe('CLI command table', () => {
  it('names what each module registers, and no name twice', async () => {
    for (const entry of COMMANDS) {
      const program = new Command('clusterdeck');
      (await entry.load())(program, noSession);
      expect(program.commands.map((c) => c.name())).toEqual(entry.names);
    }
    const names = COMMANDS.flatMap((e) => e.names);
    expect(new Set(names).size).toBe(names.length);
  });

  it('every command module is in the table, or registered by another command module', () => {
    const dir = path.join(__dirname, '../../../main/hosts/cli/commands');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'));
    const source = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
    const table = fs.readFileSync(path.join(dir, '../commandTable.ts'), 'utf8');
    for (const f of files.filter((x) => /^export function register/m.test(source(x)))) {
      const mod = f.replace(/\.ts$/, '');
      const inTable = table.includes(`import('./commands/${mod}')`);
      const bySibling = files.some((other) => other !== f && source(other).includes(`from './${mod}'`));
      expect(inTable || bySibling, `${f}: add it to main/hosts/cli/commandTable.ts`).toBe(true);
    }
  });

  it('loads only the module of the command being run', () => {
    const names = (argv: string[]) => [...commandsToLoad(argv)].flatMap((e) => e.names);
    const all = COMMANDS.flatMap((e) => e.names);
    expect(names(['power', 'status', 'node[1-4]'])).toEqual(['power']);
    expect(names(['--data-dir', '/tmp/power', 'nodes', 'list'])).toEqual(['nodes']);
    expect(names(['--data-dir=/tmp/x', 'racks', 'list'])).toEqual(['rooms', 'racks']);
    expect(names(['backends', 'list'])).toEqual(['jobs', 'backends']);
    expect(names(['help', 'sel'])).toEqual(['sel']);
    expect(names(['--', 'exec'])).toEqual(['exec']);
    expect(names(['nodeset', '-c', 'power'])).toEqual(['nodeset']);
    // Root help, no command and unknown names see every command (help lists them; "did you mean").
    expect(names(['--help'])).toEqual(all);
    expect(names(['help'])).toEqual(all);
    expect(names([])).toEqual(all);
    expect(names(['powr', 'status'])).toEqual(all);
    expect(names(['--version'])).toEqual([]);
  });

  it('gives the BMC commands the BMC services only, every other run the full app', () => {
    const of = (argv: string[]) => compositionOf(commandsToLoad(argv));
    expect(of(['power', 'status', 'node[1-4]'])).toBe('bmc');
    expect(of(['--data-dir', '/tmp/x', 'sensors', 'n1'])).toBe('bmc');
    expect(of(['sel', 'list', 'n1'])).toBe('bmc');
    expect(of(['help', 'power'])).toBe('bmc');
    expect(of(['nodes', 'list'])).toBe('full');
    expect(of(['exec', 'n1', 'true'])).toBe('full');
    expect(of(['--help'])).toBe('full');
    expect(of(['--version'])).toBe('full');
    expect(COMMANDS.filter((e) => e.composition === 'bmc').flatMap((e) => e.names)).toEqual(['power', 'sensors', 'sel']);
  });

  it('reads --data-dir ahead of commander only where it is a root option', () => {
    expect(rootOptionValue(['--data-dir', '/d', 'power', 'status', 'n1'], '--data-dir')).toBe('/d');
    expect(rootOptionValue(['--data-dir=/d', 'power', 'status', 'n1'], '--data-dir')).toBe('/d');
    expect(rootOptionValue(['power', 'status', 'n1'], '--data-dir')).toBeUndefined();
    // After the command name it is not the root option (commander would refuse it there anyway).
    expect(rootOptionValue(['power', '--data-dir', '/d', 'status', 'n1'], '--data-dir')).toBeUndefined();
    expect(rootOptionValue(['--', '--data-dir', '/d'], '--data-dir')).toBeUndefined();
  });
});
