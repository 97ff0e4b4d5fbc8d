// The top-level commands and the module that registers each. `clusterdeck` loads only the module
// of the command it runs (for `help <command>`, that command's): a run never pays for the code of
// the others, nor for the services it does not use. The root --help (or an unknown command) loads
// them all. test/unit/hosts/cliCommands.test.ts checks the names against what the modules
// register. To add a command: one entry here (the names it registers, and its loader).
import type { Command } from 'commander';
import type { CliSession, Composition } from './session';

export type Register = (program: Command, session: () => CliSession) => void;

export interface CommandEntry {
  /** Top-level command names the module registers. */
  names: readonly string[];
  load(): Promise<Register>;
  /** The services its callers get (./session.ts): 'bmc' for the commands that only talk to BMCs. */
  composition: Composition;
}

const entry = (names: readonly string[], load: () => Promise<Register>, composition: Composition = 'full'): CommandEntry => ({ names, load, composition });

export const COMMANDS: readonly CommandEntry[] = [
  entry(['nodes'], () => import('./commands/nodes').then((m) => m.registerNodes)),
  entry(['groups'], () => import('./commands/groups').then((m) => m.registerGroups)),
  entry(['rooms', 'racks'], () => import('./commands/places').then((m) => m.registerPlaces)),
  entry(['creds'], () => import('./commands/creds').then((m) => m.registerCreds)),
  entry(['agent'], () => import('./commands/agent').then((m) => m.registerAgent)),
  entry(['audit'], () => import('./commands/audit').then((m) => m.registerAudit)),
  entry(['db'], () => import('./commands/db').then((m) => m.registerDb)),
  entry(['nodeset'], () => import('./commands/nodeset').then((m) => m.registerNodeset)),
  entry(['serve'], () => import('./commands/serve').then((m) => m.registerServe)),
  entry(['lab'], () => import('./commands/lab').then((m) => m.registerLab)),
  entry(['power'], () => import('./commands/power').then((m) => m.registerPower), 'bmc'),
  entry(['sensors'], () => import('./commands/sensors').then((m) => m.registerSensors), 'bmc'),
  entry(['sel'], () => import('./commands/sel').then((m) => m.registerSel), 'bmc'),
  entry(['exec'], () => import('./commands/exec').then((m) => m.registerExec)),
  entry(['hostkeys'], () => import('./commands/hostkeys').then((m) => m.registerHostkeys)),
  entry(['files'], () => import('./commands/files').then((m) => m.registerFiles)),
  entry(['forward'], () => import('./commands/forward').then((m) => m.registerForward)),
  entry(['jobs', 'backends'], () => import('./commands/jobs').then((m) => m.registerJobs)),
  entry(['templates'], () => import('./commands/templates').then((m) => m.registerTemplates)),
  entry(['datasets'], () => import('./commands/datasets').then((m) => m.registerDatasets)),
  entry(['queues'], () => import('./commands/queues').then((m) => m.registerQueues)),
];

/** The composition a run of these entries needs: 'bmc' only when every one loaded asks for it. */
export function compositionOf(entries: ReadonlySet<CommandEntry>): Composition {
  return entries.size > 0 && [...entries].every((e) => e.composition === 'bmc') ? 'bmc' : 'full';
}

/** Root options that take a value (their value is not a command name). */
const VALUE_OPTIONS = new Set(['--data-dir']);

/**
 * A root option's value read ahead of commander (`--data-dir DIR` or `--data-dir=DIR` before the
 * command), for work started before the command's module loads; commander's parse stays the
 * authority (the session checks that both agree).
 */
export function rootOptionValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--' || !a.startsWith('-')) return undefined;
    if (a === name) return argv[i + 1];
    if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
    if (VALUE_OPTIONS.has(a)) i++;
  }
  return undefined;
}

/**
 * The entry to load for `argv`: the one naming its first operand (for `help <command>`, that
 * command's). Every entry for `--help`, no command or an unknown name (so help and commander's
 * "did you mean" see them all); none for `--version`.
 */
export function commandsToLoad(argv: readonly string[], table: readonly CommandEntry[] = COMMANDS): Set<CommandEntry> {
  const operands: string[] = [];
  for (let i = 0; i < argv.length && operands.length < 2; i++) {
    const a = argv[i];
    if (a === '--') {
      operands.push(...argv.slice(i + 1, i + 3));
      break;
    }
    if (a.startsWith('-')) {
      if (VALUE_OPTIONS.has(a)) i++;
      continue;
    }
    operands.push(a);
    if (a !== 'help') break;
  }
  const out = new Set<CommandEntry>();
  for (const name of operands) {
    const e = table.find((t) => t.names.includes(name));
    if (e) return new Set([e]);
  }
  if (operands.length === 0 && (argv.includes('-V') || argv.includes('--version'))) return out;
  return new Set(table);
}
