import type { Command } from 'commander';
import type { CliSession } from '../session';
import { printJson, printTable } from '../output';

const int = (v: string) => Number.parseInt(v, 10);

export function registerPlaces(program: Command, session: () => CliSession): void {
  const rooms = program.command('rooms').description('machine rooms');
  rooms.command('list').option('--json', 'JSON output').action(async (o: { json?: boolean }) => {
    const list = await (await session().caller()).inventory.listRooms();
    if (o.json) return printJson(list);
    printTable(['NAME', 'RACKS', 'DESCRIPTION'], list.map((r) => [r.name, r.racks, r.description]));
  });
  rooms.command('add <name>').option('--description <text>', '', '').action(async (name: string, o: { description: string }) => {
    await (await session().caller()).inventory.addRoom({ name, description: o.description });
    process.stdout.write(`added room ${name}\n`);
  });
  rooms.command('rm <name>').action(async (name: string) => {
    await (await session().caller()).inventory.removeRoom({ name });
    process.stdout.write(`removed room ${name}\n`);
  });

  const racks = program.command('racks').description('racks, with their height and place in a room');
  racks.command('list').option('--json', 'JSON output').action(async (o: { json?: boolean }) => {
    const list = await (await session().caller()).inventory.listRacks();
    if (o.json) return printJson(list);
    printTable(['NAME', 'ROOM', 'HEIGHT', 'ROW', 'COLUMN', 'NODES'], list.map((r) => [r.name, r.room, `${r.heightU}U`, r.row, r.column, r.nodes]));
  });
  racks.command('add <name>').option('--room <room>').option('--height <u>', 'height in U', int, 42).option('--row <n>', '', int).option('--column <n>', '', int)
    .action(async (name: string, o: { room?: string; height: number; row?: number; column?: number }) => {
      await (await session().caller()).inventory.addRack({ name, room: o.room ?? null, heightU: o.height, row: o.row ?? null, column: o.column ?? null });
      process.stdout.write(`added rack ${name}\n`);
    });
  racks.command('rm <name>').action(async (name: string) => {
    await (await session().caller()).inventory.removeRack({ name });
    process.stdout.write(`removed rack ${name}\n`);
  });
}
