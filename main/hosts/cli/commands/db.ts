import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliSession } from '../session';
import { printJson } from '../output';
import { AppError } from '../../../../shared/errors';

export function registerDb(program: Command, session: () => CliSession): void {
  const db = program.command('db').description('the local store');
  db.command('backup <file>').description('a consistent copy of the database, safe while ClusterDeck runs')
    .action(async (file: string) => {
      const target = path.resolve(file);
      if (fs.existsSync(target)) throw new AppError('FILE_EXISTS', `${target} already exists; choose a new file name.`);
      const app = await session().open();
      await app.db.backup(target);
      process.stdout.write(`backed up ${app.dataDir} to ${target}\n`);
    });
  db.command('info').option('--json', 'JSON output').action(async () => {
    printJson(await (await session().caller()).system.info());
  });
}
