import type { Command } from 'commander';
import type { CliSession } from '../session';
import { printJson, printLines, printTable } from '../output';
import { fold } from '../../../services/inventory/nodesets';

export function registerGroups(program: Command, session: () => CliSession): void {
  const groups = program.command('groups').description('node groups (a node may be in many)');

  groups.command('list').option('--json', 'JSON output').action(async (o: { json?: boolean }) => {
    const list = await (await session().caller()).inventory.listGroups();
    if (o.json) return printJson(list);
    printTable(['NAME', 'NODES', 'DESCRIPTION'], list.map((g) => [g.name, g.size, g.description]));
  });

  groups.command('add <name>').option('--description <text>', '', '').action(async (name: string, o: { description: string }) => {
    await (await session().caller()).inventory.addGroup({ name, description: o.description });
    process.stdout.write(`added group ${name}\n`);
  });

  groups.command('rm <name>').action(async (name: string) => {
    await (await session().caller()).inventory.removeGroup({ name });
    process.stdout.write(`removed group ${name}\n`);
  });

  groups.command('members <name>').description('show, or change with --add/--remove/--set NODESET')
    .option('--add <nodeset>').option('--remove <nodeset>').option('--set <nodeset>').option('--json', 'JSON output').option('-f, --fold', 'print the folded node set')
    .action(async (name: string, o: { add?: string; remove?: string; set?: string; json?: boolean; fold?: boolean }) => {
      const api = await session().caller();
      for (const op of ['set', 'add', 'remove'] as const) {
        if (o[op] !== undefined) await api.inventory.setGroupMembers({ name, op, nodeset: o[op]! });
      }
      const members = await api.inventory.groupMembers({ name });
      if (o.json) printJson(members);
      else if (o.fold) printLines([fold(members)]);
      else printLines(members);
    });
}
