// `clusterdeck <noun> <verb>` in-process: commander, the command's module, the services. ./index.ts
// loads this unless the vault agent ran the command (./agentRun.ts).
import { Command, CommanderError } from 'commander';
import { CliSession, startEarlyUnlock } from './session';
import { COMMANDS, commandsToLoad, compositionOf, rootOptionValue } from './commandTable';
import { CliExit, describeError, EXIT_OK, EXIT_USAGE } from './exitCodes';
import { VERSION } from '../../version';
import { sessionKeptOpen } from './lifecycle';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('clusterdeck');
  let session: CliSession | undefined;
  // Only the module of the command being run is loaded (see ./commandTable.ts), and, for the BMC
  // commands, only the services they use.
  const wanted = commandsToLoad(argv);
  const composition = compositionOf(wanted);
  // The BMC commands always open the vault: its scrypt (~0.1 s, on the thread pool) starts before
  // their modules load when the passphrase is in the environment.
  const early = composition === 'bmc' && !argv.some((a) => a === '-h' || a === '--help' || a === 'help')
    ? await startEarlyUnlock(rootOptionValue(argv, '--data-dir')) : undefined;
  const getSession = () => (session ??= new CliSession({ dataDir: program.opts().dataDir }, composition, early));

  program
    .description('ClusterDeck: operations console for HPC and AI clusters')
    .version(VERSION)
    .option('--data-dir <dir>', 'data folder (default: $CLUSTERDECK_DATA_DIR or the platform app-data folder)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  for (const entry of COMMANDS) if (wanted.has(entry)) (await entry.load())(program, getSession);
  for (const c of program.commands) c.exitOverride();

  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof CliExit) {
      if (error.message) process.stderr.write(`clusterdeck: ${error.message}\n`);
      return error.code;
    }
    const { message, exit } = describeError(error);
    process.stderr.write(`clusterdeck: error: ${message}\n`);
    return exit;
  } finally {
    if (!sessionKeptOpen()) session?.close();
  }
}
