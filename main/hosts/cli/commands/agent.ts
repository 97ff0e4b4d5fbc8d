// `clusterdeck agent start|stop|status`: the vault agent (main/services/vault/agent.ts), so that
// repeated CLI runs (a `power status` every few seconds from a script) skip the passphrase's
// scrypt derivation, and the resident runner of batch power (../agentRunner.ts): `power`,
// `sensors` and `sel` run in it, warm and unlocked. It runs in the foreground like `serve`; put
// it in the background with `&`.
import type { Command } from 'commander';
import type { CliSession } from '../session';
import { keepSessionOpen } from '../lifecycle';
import { printJson } from '../output';
import { readPassphrase } from '../prompt';
import { CliExit, EXIT_SOME_FAILED, EXIT_USAGE } from '../exitCodes';
import { deriveCheckedKey, startVaultAgent } from '../../../services/vault/agent';
import { agentSocketPath, askAgent } from '../../../services/vault/agentClient';
import { createBatchRunner } from '../agentRunner';

const parseHours = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 24 * 30) throw new CliExit(EXIT_USAGE, `--hours ${v} is not a number of hours between 0 and 720.`);
  return n;
};

export function registerAgent(program: Command, session: () => CliSession): void {
  const agent = program.command('agent').description('keep the vault unlocked for this data folder\'s CLI runs, like ssh-agent (the passphrase is never written down)');

  agent.command('start').description('unlock the vault once, serve its key and run power/sensors/sel batches on a 0600 socket in the data folder, in the foreground')
    .option('--hours <n>', 'stop after this many hours (default 8)', parseHours, 8)
    .action(async (o: { hours: number }) => {
      const dataDir = session().dataDir;
      const passphrase = await readPassphrase();
      const key = await deriveCheckedKey(dataDir, passphrase);
      const runner = createBatchRunner(dataDir, key);
      const running = await startVaultAgent(dataDir, key, o.hours * 3_600_000, runner).catch(async (error: unknown) => {
        await runner.stop('it could not start');
        throw error;
      });
      keepSessionOpen();
      process.stdout.write(`vault agent for ${dataDir} (pid ${process.pid}) on ${running.socketPath}, for ${o.hours} h\n`
        + 'power, sensors and sel batches of this folder\'s CLI runs now run here\nstop it with Ctrl-C or: clusterdeck agent stop\n');
      const stop = (): void => running.stop('Ctrl-C or a signal');
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      process.once('SIGHUP', stop);
      void running.stopped.then(() => process.exit(0));
    });

  agent.command('stop').description('stop the data folder\'s vault agent (its key is wiped)')
    .action(async () => {
      const dataDir = session().dataDir;
      // Batches running in the agent end first (cancelled, every session closed); this command does not wait for them.
      const a = await askAgent(agentSocketPath(dataDir), 'stop');
      if (!a) throw new CliExit(EXIT_SOME_FAILED, `no vault agent runs for ${dataDir}`);
      process.stdout.write('vault agent stopped\n');
    });

  agent.command('status').description('is a vault agent running for the data folder?').option('--json', 'JSON output')
    .action(async (o: { json?: boolean }) => {
      const dataDir = session().dataDir;
      const a = await askAgent(agentSocketPath(dataDir), 'status');
      if (o.json) printJson({ running: !!a, pid: a?.pid ?? null, socket: agentSocketPath(dataDir) });
      else process.stdout.write(a ? `vault agent running (pid ${String(a.pid)}) on ${agentSocketPath(dataDir)}\n` : `no vault agent runs for ${dataDir}\n`);
      if (!a) throw new CliExit(EXIT_SOME_FAILED);
    });
}
