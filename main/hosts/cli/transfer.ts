// Transfers from the CLI (files get/put, datasets publish --upload): a caller whose calls Ctrl-C
// cancels, and progress on stderr.
import os from 'node:os';
import type { CliSession } from './session';
import { appRouter } from '../../../shared/contract/router';
import type { TransferEvent } from '../../../shared/contract/schemas/files';
import { withCtrlC } from './ctrlC';

const mb = (n: number): string => (n / 1048576).toFixed(1);

export function callerWithSignal(app: Awaited<ReturnType<CliSession['open']>>, signal: AbortSignal) {
  return appRouter.createCaller({ services: app.services, actor: { user: os.userInfo().username, via: 'cli' } }, { signal });
}

/** Runs a transfer, printing progress on stderr (when it is a terminal) and the result; Ctrl-C cancels. */
export async function runTransfer(start: (signal: AbortSignal) => Promise<AsyncIterable<TransferEvent>>, verb: string): Promise<void> {
  const tty = process.stderr.isTTY;
  await withCtrlC(async (signal) => {
    for await (const ev of await start(signal)) {
      if (ev.type === 'progress' && tty) {
        const p = ev.progress;
        const pct = p.bytesTotal ? Math.floor((100 * p.bytesDone) / p.bytesTotal) : 100;
        process.stderr.write(`\r${pct}% ${p.filesDone}/${p.filesTotal} files ${mb(p.bytesDone)}/${mb(p.bytesTotal)} MB`);
      } else if (ev.type === 'done') {
        if (tty) process.stderr.write('\n');
        process.stdout.write(`${ev.target}\n`);
        process.stderr.write(`clusterdeck: ${verb}: ${ev.progress.filesDone} file(s), ${ev.progress.bytesDone} bytes\n`);
      }
    }
  }, `cancelling the ${verb}`);
}
