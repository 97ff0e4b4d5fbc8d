// `clusterdeck power status|on|off|cycle|reset|soft|identify|bootdev|trust|last NODESET`
import readline from 'node:readline';
import type { Command } from 'commander';
import type { CliSession } from '../session';
import { CliExit, EXIT_SOME_FAILED, EXIT_USAGE } from '../exitCodes';
import { printJson, printTable } from '../output';
import { AppError } from '../../../../shared/errors';
import { isDestructive, type PowerAction, type PowerResultEvent, type RunOptions } from '../../../../shared/contract/schemas/power';
import { normalizeFingerprint } from '../../../protocols/redfish';
import { batchOptionsOf, confirmDestructive, failureText, parseCount, runBatchCommand, withBatchOptions, type BatchFlags } from './batchCli';
import { printBatch } from '../batchOutput';

const VERB: Record<PowerAction, string> = {
  status: 'read the power state of',
  on: 'power on',
  off: 'power off',
  cycle: 'power cycle',
  reset: 'hard reset',
  soft: 'ask for a soft shutdown of',
  identify: 'blink the identify light of',
  bootdev: 'set the boot device of',
};

async function runPower(session: CliSession, nodeset: string, action: PowerAction, flags: BatchFlags, extra: Partial<RunOptions> = {}): Promise<void> {
  if (isDestructive(action)) await confirmDestructive(await session.caller(true), nodeset, VERB[action], flags.yes);
  const options: RunOptions = { ...batchOptionsOf(flags), ...extra };
  const { results, summary } = await runBatchCommand<PowerResultEvent>(session, (caller) => caller.power.run({ nodeset, action, options }));
  const code = printBatch({ kind: 'power', action }, results, summary, flags.json);
  if (code !== 0) throw new CliExit(code);
}

export function registerPower(program: Command, session: () => CliSession): void {
  const power = program.command('power').description('batch power over the nodes\' BMCs (IPMI, Redfish), like ipmipower');

  for (const action of ['status', 'on', 'off', 'cycle', 'reset', 'soft'] as const) {
    const c = power.command(`${action} <nodeset>`).description(`${VERB[action]} the nodes`);
    c.option('-y, --yes', isDestructive(action) ? 'do it without asking (required)' : 'accepted, not needed');
    withBatchOptions(c).action((nodeset: string, o: BatchFlags) => runPower(session(), nodeset, action, o));
  }

  withBatchOptions(
    power.command('identify <nodeset>').description('blink the chassis identify light')
      .option('--seconds <n>', 'how long (0 turns it off; default 15)', parseCount)
      .option('--force', 'on until turned off')
      .option('--off', 'turn it off'),
  ).action((nodeset: string, o: BatchFlags & { seconds?: number; force?: boolean; off?: boolean }) =>
    runPower(session(), nodeset, 'identify', o, { identifySeconds: o.off ? 0 : o.seconds, identifyForce: o.off ? false : o.force }),
  );

  withBatchOptions(
    power.command('bootdev <nodeset> <device>').description('boot device for the next boot: pxe, disk or bios (setup)')
      .option('--persistent', 'for every boot, not only the next one')
      .option('--uefi', 'boot in UEFI mode'),
  ).action((nodeset: string, device: string, o: BatchFlags & { persistent?: boolean; uefi?: boolean }) => {
    if (device !== 'pxe' && device !== 'disk' && device !== 'bios') throw new AppError('INVALID_INPUT', `Unknown boot device "${device}": use pxe, disk or bios.`);
    return runPower(session(), nodeset, 'bootdev', o, { bootDevice: device, persistent: o.persistent, uefi: o.uefi });
  });

  power.command('trust <nodeset>').description('show the Redfish BMCs\' certificates and pin them (trust on first use)')
    .option('--fingerprint <sha256>', 'pin only a BMC that presents exactly this fingerprint')
    .option('--replace', 'also replace pins of BMCs whose certificate changed (after you checked the new one)')
    .option('-y, --yes', 'pin without asking')
    .option('--json', 'JSON output')
    .action(async (nodeset: string, o: { fingerprint?: string; replace?: boolean; yes?: boolean; json?: boolean }) => {
      const api = await session().caller();
      const certs = await api.power.certificates({ nodeset });
      const wanted = o.fingerprint === undefined ? null : normalizeFingerprint(o.fingerprint);
      if (o.fingerprint !== undefined && !wanted) throw new AppError('INVALID_INPUT', `--fingerprint ${o.fingerprint} is not a SHA-256 fingerprint.`);
      const candidates = certs.filter((c) => c.fingerprint && (c.status === 'new' || (c.status === 'changed' && o.replace)) && (!wanted || c.fingerprint === wanted));
      if (!o.json) {
        printTable(['NODE', 'BMC', 'CERTIFICATE', 'SHA-256 FINGERPRINT', 'SUBJECT'], certs.map((c) => [
          c.name, c.host ? `${c.host}:${c.port}` : '', c.status === 'error' ? failureText('error', c.error) : c.status, c.fingerprint ?? '', c.subject ?? '',
        ]));
      }
      if (candidates.length === 0) {
        if (o.json) printJson({ certificates: certs, pinned: [] });
        else process.stdout.write('nothing to pin\n');
        if (certs.some((c) => c.status === 'error' || c.status === 'changed')) throw new CliExit(EXIT_SOME_FAILED);
        return;
      }
      if (!o.yes && !(await askYes(`Pin ${candidates.length} certificate(s) shown above? Compare the fingerprints with the BMCs first. [y/N] `))) {
        throw new CliExit(EXIT_USAGE, `Nothing pinned. Compare the ${candidates.length} fingerprint(s) with the BMCs, then run again with --yes.`);
      }
      const results = await api.power.trust({ entries: candidates.map((c) => ({ name: c.name, fingerprint: c.fingerprint! })), replace: !!o.replace });
      if (o.json) printJson({ certificates: certs, pinned: results });
      else for (const r of results) process.stdout.write(r.ok ? `${r.name}: pinned ${r.fingerprint}\n` : `${r.name}: ${failureText('failed', r.error)}\n`);
      if (results.some((r) => !r.ok)) throw new CliExit(EXIT_SOME_FAILED);
    });

  power.command('last [nodeset]').description('the last power state each BMC reported (no BMC is asked)').option('--json', 'JSON output')
    .action(async (nodeset: string | undefined, o: { json?: boolean }) => {
      const states = await (await session().caller()).power.lastStates({ nodeset });
      if (o.json) return printJson(states);
      printTable(['NODE', 'POWER', 'CHECKED'], states.map((s) => [s.name, s.state, s.checkedAt]));
    });
}

async function askYes(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
