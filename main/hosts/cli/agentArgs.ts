// The command lines the vault agent runs (./agentRunner.ts, from the argv the CLI sends), read
// without commander: `power status|on|off|cycle|reset|soft|identify|bootdev`, `sensors` and `sel
// list|clear` with the options ./commands/batchCli.ts declares, in the forms people type
// (`--fanout 64`, `--fanout=64`, `-f 64`, `--no-precheck`, options between operands). Anything
// else — help, an unknown or malformed option, a missing operand, a value that does not parse, a
// destructive action without --yes — is not read here: the agent answers AGENT_FALLBACK and the
// full CLI runs it and says what is wrong exactly as it always did.
import type { PowerAction, RunOptions } from '../../../shared/contract/schemas/power';
import { isDestructive } from '../../../shared/contract/schemas/power';
import { batchOptionsOf, parseCount, parseDuration, type BatchFlags, type BmcCommand } from './batchOutput';
import type { BatchRequest } from './agentProtocol';
import { agentCommandStart } from './agentClient';

export interface AgentCommandLine {
  /** --data-dir before the command, as given. */
  dataDir?: string;
  command: BmcCommand;
  json: boolean;
  /** The batch to run. */
  request: BatchRequest;
}

type Kind = 'flag' | 'count' | 'duration';
const BATCH: Record<string, [string, Kind]> = {
  '--json': ['json', 'flag'],
  '-f': ['fanout', 'count'],
  '--fanout': ['fanout', 'count'],
  '-t': ['timeout', 'duration'],
  '--timeout': ['timeout', 'duration'],
  '--retransmit': ['retransmit', 'duration'],
  '--stagger': ['stagger', 'duration'],
  '--retries': ['retries', 'count'],
  '--no-precheck': ['noPrecheck', 'flag'],
};
const YES: Record<string, [string, Kind]> = { '-y': ['yes', 'flag'], '--yes': ['yes', 'flag'] };
const IDENTIFY: Record<string, [string, Kind]> = { '--seconds': ['seconds', 'count'], '--force': ['force', 'flag'], '--off': ['off', 'flag'] };
const BOOTDEV: Record<string, [string, Kind]> = { '--persistent': ['persistent', 'flag'], '--uefi': ['uefi', 'flag'] };

const POWER_VERBS = new Set<string>(['status', 'on', 'off', 'cycle', 'reset', 'soft', 'identify', 'bootdev']);

/** The request for `argv`, or undefined when the full CLI must read it. */
export function agentCommandLine(argv: readonly string[]): AgentCommandLine | undefined {
  const start = agentCommandStart(argv);
  if (!start) return undefined;
  const noun = argv[start.at];
  const rest = argv.slice(start.at + 1);
  const verb = rest[0];
  let spec: Record<string, [string, Kind]>;
  let operands: number;
  if (noun === 'power') {
    if (!verb || !POWER_VERBS.has(verb)) return undefined;
    spec = verb === 'identify' ? { ...BATCH, ...IDENTIFY } : verb === 'bootdev' ? { ...BATCH, ...BOOTDEV } : { ...BATCH, ...YES };
    operands = verb === 'bootdev' ? 2 : 1;
  } else if (noun === 'sel') {
    if (verb !== 'list' && verb !== 'clear') return undefined;
    spec = verb === 'clear' ? { ...BATCH, ...YES } : BATCH;
    operands = 1;
  } else {
    spec = BATCH;
    operands = 1;
  }
  const parsed = readOptions(noun === 'sensors' ? rest : rest.slice(1), spec);
  if (!parsed || parsed.operands.length !== operands) return undefined;
  const o = parsed.values;
  const flags: BatchFlags = {
    json: o.json === true,
    fanout: o.fanout as number | undefined,
    timeout: o.timeout as number | undefined,
    retransmit: o.retransmit as number | undefined,
    stagger: o.stagger as number | undefined,
    retries: o.retries as number | undefined,
    precheck: o.noPrecheck !== true, // commander's default for a --no-* option
    yes: o.yes === true,
  };
  const nodeset = parsed.operands[0];
  const base = { dataDir: start.dataDir, json: flags.json === true };
  if (noun === 'sensors') return { ...base, command: { kind: 'sensors' }, request: { op: 'power.sensors', input: { nodeset, options: batchOptionsOf(flags) } } };
  if (noun === 'sel') {
    const op = verb as 'list' | 'clear';
    if (op === 'clear' && !flags.yes) return undefined; // the confirmation stays with the full CLI
    return { ...base, command: { kind: 'sel', op }, request: { op: 'power.sel', input: { nodeset, op, options: batchOptionsOf(flags) } } };
  }
  const action = verb as PowerAction;
  if (isDestructive(action) && !flags.yes) return undefined;
  const extra: Partial<RunOptions> = {};
  if (action === 'identify') {
    extra.identifySeconds = o.off === true ? 0 : (o.seconds as number | undefined);
    extra.identifyForce = o.off === true ? false : (o.force as boolean | undefined);
  } else if (action === 'bootdev') {
    const device = parsed.operands[1];
    if (device !== 'pxe' && device !== 'disk' && device !== 'bios') return undefined;
    Object.assign(extra, { bootDevice: device, persistent: o.persistent as boolean | undefined, uefi: o.uefi as boolean | undefined });
  }
  return { ...base, command: { kind: 'power', action }, request: { op: 'power.run', input: { nodeset, action, options: { ...batchOptionsOf(flags), ...extra } } } };
}

function readOptions(args: readonly string[], spec: Record<string, [string, Kind]>): { operands: string[]; values: Record<string, unknown> } | undefined {
  const operands: string[] = [];
  const values: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) {
    let a = args[i];
    if (!a.startsWith('-') || a === '-') {
      operands.push(a);
      continue;
    }
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const known = spec[a];
    if (!known) return undefined; // `--`, -h, combined short flags, -f64, anything unknown
    const [key, kind] = known;
    if (kind === 'flag') {
      if (inline !== undefined) return undefined;
      values[key] = true;
      continue;
    }
    const raw = inline ?? args[++i];
    if (raw === undefined) return undefined;
    try {
      values[key] = kind === 'count' ? parseCount(raw) : parseDuration(raw);
    } catch {
      return undefined;
    }
  }
  return { operands, values };
}
