// `clusterdeck sensors NODESET`: every BMC's sensors, identical readings folded like clubak.
import type { Command } from 'commander';
import type { CliSession } from '../session';
import { CliExit } from '../exitCodes';
import type { SensorsEvent } from '../../../../shared/contract/schemas/power';
import { printBatch } from '../batchOutput';
import { batchOptionsOf, runBatchCommand, withBatchOptions, type BatchFlags } from './batchCli';

export { sensorTable } from '../batchOutput';

type SensorsResult = Extract<SensorsEvent, { type: 'result' }>;

export function registerSensors(program: Command, session: () => CliSession): void {
  withBatchOptions(program.command('sensors <nodeset>').description('read the sensors of the nodes\' BMCs'))
    .action(async (nodeset: string, o: BatchFlags) => {
      const { results, summary } = await runBatchCommand<SensorsResult>(session(), (caller) => caller.power.sensors({ nodeset, options: batchOptionsOf(o) }));
      const code = printBatch({ kind: 'sensors' }, results, summary, o.json);
      if (code !== 0) throw new CliExit(code);
    });
}
