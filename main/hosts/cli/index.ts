#!/usr/bin/env node
// `clusterdeck <noun> <verb>`: the same services as the desktop app and `serve`, from a shell.
import { Command, CommanderError } from 'commander';
import { CliSession } from './session';
import { CliExit, describeError, EXIT_OK, EXIT_USAGE } from './exitCodes';
import { registerNodes } from './commands/nodes';
import { registerGroups } from './commands/groups';
import { registerPlaces } from './commands/places';
import { registerCreds } from './commands/creds';
import { registerAudit } from './commands/audit';
import { registerDb } from './commands/db';
import { registerNodeset } from './commands/nodeset';
import { registerServe } from './commands/serve';
import { registerLab } from './commands/lab';
import { registerPower } from './commands/power';
import { registerSensors } from './commands/sensors';
import { registerSel } from './commands/sel';
import { registerExec } from './commands/exec';
import { registerHostkeys } from './commands/hostkeys';
import { registerFiles } from './commands/files';
import { registerForward } from './commands/forward';
import { registerJobs } from './commands/jobs';
import { registerTemplates } from './commands/templates';
import { registerDatasets } from './commands/datasets';
import { registerQueues } from './commands/queues';
import { VERSION } from '../../version';
import { sessionKeptOpen } from './lifecycle';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('clusterdeck');
  let session: CliSession | undefined;
  const getSession = () => (session ??= new CliSession({ dataDir: program.opts().dataDir }));

  program
    .description('ClusterDeck: operations console for HPC and AI clusters')
    .version(VERSION)
    .option('--data-dir <dir>', 'data folder (default: $CLUSTERDECK_DATA_DIR or the platform app-data folder)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  registerNodes(program, getSession);
  registerGroups(program, getSession);
  registerPlaces(program, getSession);
  registerCreds(program, getSession);
  registerAudit(program, getSession);
  registerDb(program, getSession);
  registerNodeset(program, getSession);
  registerServe(program, getSession);
  registerLab(program, getSession);
  registerPower(program, getSession);
  registerSensors(program, getSession);
  registerSel(program, getSession);
  registerExec(program, getSession);
  registerHostkeys(program, getSession);
  registerFiles(program, getSession);
  registerForward(program, getSession);
  registerJobs(program, getSession);
  registerTemplates(program, getSession);
  registerDatasets(program, getSession);
  registerQueues(program, getSession);
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
    else process.exit(code);
  });
}
