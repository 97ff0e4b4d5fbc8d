#!/usr/bin/env node
// `clusterdeck <noun> <verb>`: the same services as the desktop app and `serve`, from a shell.
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

/** Entry used by resources/bin/clusterdeck.cjs. */
export function run(argv = process.argv.slice(2)): void {
  void main(argv).then((code) => {
    if (sessionKeptOpen()) process.exitCode = code;
    // Exit only once stdout and stderr have been handed to the OS: a pipe that is not drained yet would lose the
    // tail of a large --json listing (seen at ~200 KB through spawnSync).
    else flushed(process.stdout).then(() => flushed(process.stderr)).then(() => process.exit(code), () => process.exit(code));
  });
}

const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => {
  if (stream.writableLength === 0) resolve();
  else stream.write('', () => resolve());
});
