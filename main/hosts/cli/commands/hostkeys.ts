import type { Command } from 'commander';
import type { CliSession } from '../session';
import { printJson, printTable } from '../output';
import { CliExit, EXIT_SOME_FAILED } from '../exitCodes';
import { AppError } from '../../../../shared/errors';

const num = (what: string) => (v: string) => {
  const n = Number(v);
  if (!(n > 0)) throw new AppError('INVALID_INPUT', `${what} "${v}" must be a positive number`);
  return n;
};

export function registerHostkeys(program: Command, session: () => CliSession): void {
  const hk = program.command('hostkeys').description('SSH host keys: ClusterDeck\'s store and (read only) ~/.ssh/known_hosts');

  hk.command('list [nodeset]').description('known keys; with a node set, every key that applies to those nodes (known_hosts included)')
    .option('--json', 'JSON output')
    .action(async (nodeset: string | undefined, o: { json?: boolean }) => {
      const rows = await (await session().caller()).hostkeys.list({ nodeset });
      if (o.json) return printJson(rows);
      printTable(['HOST', 'PORT', 'TYPE', 'FINGERPRINT', 'SOURCE', 'ADDED', 'NODES'], rows.map((r) => [r.host, r.port, r.keyType, r.fingerprint, r.source, r.addedAt, r.nodes]));
    });

  hk.command('scan <nodeset>').description('fetch the nodes\' host keys (no login on the nodes), store new ones, report changed ones')
    .option('--connect-timeout <s>', 'seconds per endpoint', num('--connect-timeout'), 10)
    .option('--expect <fingerprint>', 'store a new key only if it has this SHA256 fingerprint')
    .option('--json', 'JSON output')
    .action(async (nodeset: string, o: { connectTimeout: number; expect?: string; json?: boolean }) => {
      const results = await (await session().caller(true)).hostkeys.scan({ nodeset, connectTimeoutS: o.connectTimeout, expectFingerprint: o.expect });
      if (o.json) printJson(results);
      else {
        printTable(['HOST', 'PORT', 'STATUS', 'TYPE', 'FINGERPRINT', 'NODES'], results.map((r) => [r.host, r.port, r.status, r.keyType, r.fingerprint, r.nodes]));
        for (const r of results) {
          if (r.status === 'changed') process.stderr.write(`clusterdeck: WARNING: host key of ${r.host}:${r.port} CHANGED: stored ${r.storedFingerprint}, presented ${r.fingerprint}; not stored. Verify it on the host, then \`hostkeys forget\` and scan again.\n`);
          if (r.status === 'mismatch') process.stderr.write(`clusterdeck: ${r.host}:${r.port} presented ${r.fingerprint}, not the expected ${o.expect}; not stored.\n`);
          if (r.error) process.stderr.write(`clusterdeck: ${r.host}:${r.port}: ${r.error.message} (${r.error.code})\n`);
        }
      }
      if (results.some((r) => r.status === 'changed' || r.status === 'mismatch' || r.status === 'error')) throw new CliExit(EXIT_SOME_FAILED);
    });

  hk.command('forget <nodeset>').description('remove ClusterDeck\'s stored keys for these nodes\' endpoints (known_hosts is left alone)')
    .option('--json', 'JSON output')
    .action(async (nodeset: string, o: { json?: boolean }) => {
      const r = await (await session().caller()).hostkeys.forget({ nodeset });
      if (o.json) return printJson(r);
      process.stdout.write(`removed ${r.removed} key(s) for ${r.endpoints} endpoint(s)\n`);
      for (const line of r.knownHostsLeft) process.stderr.write(`clusterdeck: still in a known_hosts file (not edited by ClusterDeck; use ssh-keygen -R): ${line}\n`);
    });
}
