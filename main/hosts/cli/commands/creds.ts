import fs from 'node:fs';
import type { Command } from 'commander';
import type { CliSession } from '../session';
import { printJson, printTable } from '../output';
import { readSecret, promptHidden } from '../prompt';
import { AppError } from '../../../../shared/errors';
import { CREDENTIAL_KINDS } from '../../../../shared/contract/schemas/vault';

type Kind = (typeof CREDENTIAL_KINDS)[number];

export function registerCreds(program: Command, session: () => CliSession): void {
  const creds = program.command('creds').description('credentials in the encrypted vault (names only are ever shown)');

  creds.command('list').option('--json', 'JSON output').action(async (o: { json?: boolean }) => {
    const list = await (await session().caller()).vault.list();
    if (o.json) return printJson(list);
    printTable(['NAME', 'KIND', 'USER', 'USED BY', 'UPDATED'], list.map((c) => [c.name, c.kind, c.username, c.usedBy, c.updatedAt]));
  });

  creds.command('add <name>')
    .description('add a credential; the secret is read from stdin or asked for, never taken from the command line')
    .requiredOption('--kind <kind>', CREDENTIAL_KINDS.join(', '))
    .option('--user <user>', 'user name the secret belongs to')
    .option('--key-file <path>', 'read an SSH private key (ssh_key) or kubeconfig from this file instead of stdin')
    .option('--key-passphrase', 'the SSH key is encrypted: ask for its passphrase')
    .option('--replace', 'replace a credential of the same name')
    .action(async (name: string, o: { kind: string; user?: string; keyFile?: string; keyPassphrase?: boolean; replace?: boolean }) => {
      if (!(CREDENTIAL_KINDS as readonly string[]).includes(o.kind)) {
        throw new AppError('INVALID_INPUT', `--kind must be one of ${CREDENTIAL_KINDS.join(', ')}`);
      }
      const api = await session().caller(true);
      let secret: string;
      if (o.keyFile) {
        try { secret = fs.readFileSync(o.keyFile, 'utf8'); } catch (e) { throw new AppError('FILE_UNREADABLE', `Cannot read ${o.keyFile}: ${(e as NodeJS.ErrnoException).code}`); }
      } else secret = await readSecret(`Secret for ${name}`);
      const passphrase = o.keyPassphrase ? await promptHidden('Key passphrase: ') : null;
      const c = await api.vault.add({ name, kind: o.kind as Kind, username: o.user ?? null, secret, passphrase, replace: !!o.replace });
      process.stdout.write(`stored credential ${c.name} (${c.kind})\n`);
    });

  creds.command('rm <name>').action(async (name: string) => {
    await (await session().caller()).vault.remove({ name });
    process.stdout.write(`removed credential ${name}\n`);
  });
}
