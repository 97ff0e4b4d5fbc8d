// `clusterdeck nodes import-ssh-config [FILE] [--dry-run] [--update]`: Host aliases of an ssh config
// become nodes, IdentityFile keys vault credentials (encrypted keys stay encrypted; their
// passphrase is asked for on the terminal, never taken from argv).
import type { Command } from 'commander';
import type { CliSession } from '../session';
import { printJson, printTable } from '../output';
import { promptHidden } from '../prompt';
import { CliExit, EXIT_USAGE } from '../exitCodes';
import type { SshConfigImportResult } from '../../../../shared/contract/schemas/sshconfig';

export function registerImportSshConfig(nodes: Command, session: () => CliSession): void {
  nodes.command('import-ssh-config [file]')
    .description('import ~/.ssh/config (or FILE): each Host alias becomes a node; wildcard Host patterns only lend their options; IdentityFile keys go to the vault')
    .option('--dry-run', 'show what would be imported; change nothing')
    .option('--update', 'replace the SSH settings of nodes that already exist')
    .option('--json', 'JSON output')
    .action(async (file: string | undefined, o: { dryRun?: boolean; update?: boolean; json?: boolean }) => {
      const api = await session().caller(true);
      const base = { path: file, update: !!o.update };
      let r = await api.sshconfig.import({ ...base, dryRun: true, passphrases: {} });
      const locked = r.keys.filter((k) => k.status === 'needs-passphrase' && r.hosts.some((h) => h.identityFile === k.file && (h.status === 'new' || h.status === 'update')));
      const passphrases: Record<string, string> = {};
      if (!o.dryRun && locked.length && process.stdin.isTTY) {
        for (const k of locked) passphrases[k.file] = await promptHidden(`Passphrase of ${k.file}: `);
      }
      if (!o.dryRun) r = await api.sshconfig.import({ ...base, dryRun: false, passphrases });
      if (o.json) printJson(r);
      else report(r);
      const blocking = r.keys.filter((k) => k.status !== 'new' && k.status !== 'exists' && r.hosts.some((h) => h.identityFile === k.file && (h.status === 'new' || h.status === 'update')));
      if (blocking.length && !o.dryRun) {
        for (const k of blocking) process.stderr.write(`clusterdeck: ${k.file}: ${k.reason}\n`);
        throw new CliExit(EXIT_USAGE, `${blocking.length} key(s) could not be used; nothing was imported.${blocking.some((k) => k.status === 'needs-passphrase') ? ' Run it on a terminal to be asked for the passphrase.' : ''}`);
      }
    });
}

function report(r: SshConfigImportResult): void {
  printTable(['ALIAS', 'STATUS', 'HOST', 'PORT', 'USER', 'JUMP', 'CREDENTIAL', 'NOTE'],
    r.hosts.map((h) => [h.alias, h.status, h.hostname, h.port, h.user, h.jumpHost, h.credential, h.reason]));
  if (r.patterns.length) process.stderr.write(`patterns (options applied, not nodes): ${r.patterns.join(' ')}\n`);
  for (const k of r.keys) process.stderr.write(`key ${k.file} → credential ${k.credential || '-'}: ${k.status}${k.encrypted ? ' (encrypted, kept encrypted)' : ''}${k.reason ? `: ${k.reason}` : ''}\n`);
  for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
  const counted = r.hosts.filter((h) => h.status === 'new' || h.status === 'update').length;
  process.stdout.write(r.dryRun ? `dry run: ${counted} node(s) would be imported from ${r.source}\n` : `imported ${r.imported} node(s) from ${r.source}\n`);
}
