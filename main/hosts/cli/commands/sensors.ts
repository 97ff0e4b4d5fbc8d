// `clusterdeck sensors NODESET`: every BMC's sensors, identical readings folded like clubak.
import type { Command } from 'commander';
import type { CliSession } from '../session';
import { CliExit } from '../exitCodes';
import type { Sensor, SensorsEvent } from '../../../../shared/contract/schemas/power';
import { batchOptionsOf, finish, foldedBlocks, runBatchCommand, withBatchOptions, type BatchFlags } from './batchCli';

type SensorsResult = Extract<SensorsEvent, { type: 'result' }>;

export function sensorTable(sensors: Sensor[]): string {
  const rows = sensors.map((s) => [s.name, s.value === null ? 'na' : String(Number(s.value.toFixed(3))), s.unit, s.status]);
  const widths = [0, 1, 2].map((i) => Math.max(0, ...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c)).join(' | ')).join('\n') || '(no sensors)';
}

export function registerSensors(program: Command, session: () => CliSession): void {
  withBatchOptions(program.command('sensors <nodeset>').description('read the sensors of the nodes\' BMCs'))
    .action(async (nodeset: string, o: BatchFlags) => {
      const { results, summary } = await runBatchCommand<SensorsResult>(session(), (caller) => caller.power.sensors({ nodeset, options: batchOptionsOf(o) }));
      const code = finish(
        summary,
        o.json ? { summary, results: results.map(({ type: _t, ...r }) => r) } : undefined,
        foldedBlocks(results, (r) => sensorTable(r.sensors ?? [])),
      );
      if (code !== 0) throw new CliExit(code);
    });
}
