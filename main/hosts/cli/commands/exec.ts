import os from 'node:os';
import type { Command } from 'commander';
import type { CliSession } from '../session';
import { printJson } from '../output';
import { CliExit, EXIT_SOME_FAILED, EXIT_USAGE } from '../exitCodes';
import { withCtrlC } from '../ctrlC';
import { appRouter } from '../../../../shared/contract/router';
import type { ExecGroup, ExecNodeResult, ExecSummary } from '../../../../shared/contract/schemas/exec';
import { foldBy } from '../../../services/exec/fold';
import { AppError } from '../../../../shared/errors';

const num = (what: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || !(n >= min)) throw new AppError('INVALID_INPUT', `${what} "${v}" must be a number of at least ${min}`);
  return n;
};

const RULE = '---------------';

/** `clush -b` layout: a header naming the folded node set and its size, then the shared output. */
export function renderGroup(g: Pick<ExecGroup, 'nodes' | 'count'>, text: string): string {
  const body = text.endsWith('\n') || text === '' ? text : `${text}\n`;
  return `${RULE}\n${g.nodes} (${g.count})\n${RULE}\n${body}`;
}

/** Why a node is not ok, the same words for the same cause so nodes fold together. */
function describe(r: ExecNodeResult): string | null {
  if (r.status === 'ok') return null;
  if (r.status === 'failed') return r.signal ? `killed by signal ${r.signal}` : r.exitCode === null ? 'ended without an exit status' : `exited with exit code ${r.exitCode}`;
  return r.error ? `${r.status}: ${r.error.message} (${r.error.code})` : r.status;
}

export function registerExec(program: Command, session: () => CliSession): void {
  program.command('exec')
    .description('run a command on every node of a node set over SSH, output folded like clush -b (put the command after --)')
    .argument('<nodeset>', 'node set, e.g. gpu[001-100] or @rack3')
    .argument('<command...>', 'the command (after --)')
    .option('-f, --fanout <n>', 'nodes at once (sliding window)', num('--fanout', 1), 64)
    .option('--connect-timeout <s>', 'seconds for TCP, handshake and login (per hop)', num('--connect-timeout', 0.001), 10)
    .option('--command-timeout <s>', 'seconds the command may run, 0 for no limit', num('--command-timeout', 0), 0)
    .option('--accept-new', 'store unknown host keys (like ssh -o StrictHostKeyChecking=accept-new); changed keys are still refused')
    .option('--lines', 'print each node\'s output as it finishes, "node: line" (like clush without -b)')
    .option('--json', 'JSON output: every node\'s result and the summary')
    .addHelpText('after', '\nExit codes: 0 every node exited 0; 1 some node failed, was unreachable or timed out; 2 usage error.\nExample: clusterdeck exec \'gpu[001-100]\' --command-timeout 30 -- nvidia-smi -L')
    .action(async (nodeset: string, words: string[], o: { fanout: number; connectTimeout: number; commandTimeout: number; acceptNew?: boolean; lines?: boolean; json?: boolean }) => {
      if (!Number.isInteger(o.fanout)) throw new CliExit(EXIT_USAGE, '--fanout must be a whole number.');
      const command = words.join(' ');
      const app = await session().open(true);
      const results: ExecNodeResult[] = [];
      let summary: ExecSummary | undefined;
      await withCtrlC(async (signal) => {
        const api = appRouter.createCaller({ services: app.services, actor: { user: os.userInfo().username, via: 'cli' } }, { signal });
        const events = await api.exec.run({
          nodeset, command, fanout: o.fanout, connectTimeoutS: o.connectTimeout, commandTimeoutS: o.commandTimeout, acceptNew: !!o.acceptNew,
        });
        for await (const ev of events) {
          if (ev.type === 'node') {
            results.push(ev.result);
            if (o.lines && !o.json) printLines(ev.result);
          } else if (ev.type === 'done') summary = ev.summary;
        }
      }, 'cancelling');
      if (!summary) throw new CliExit(EXIT_SOME_FAILED, 'exec ended without a summary');
      if (o.json) printJson({ summary, nodes: results });
      else {
        if (!o.lines) printFolded(results);
        for (const g of foldBy(results, describe)) process.stderr.write(`clusterdeck: ${g.nodes} (${g.count}): ${g.key}\n`);
        for (const g of foldBy(results, (r) => (r.truncated ? 'output truncated: only the first part was kept (1 MiB per node)' : null))) {
          process.stderr.write(`clusterdeck: ${g.nodes} (${g.count}): ${g.key}\n`);
        }
        process.stderr.write(`clusterdeck: exec: ${summary.line} (${(summary.elapsedMs / 1000).toFixed(1)} s)${summary.hostKeysAdded ? `; ${summary.hostKeysAdded} new host key(s) stored` : ''}\n`);
      }
      if (summary.counts.ok !== summary.total) throw new CliExit(EXIT_SOME_FAILED);
    });
}

function printFolded(results: ExecNodeResult[]): void {
  // As clush -b: stdout folded by identical content (failed nodes' output too), remote stderr
  // folded the same way onto our stderr; nodes with no output print nothing.
  const ran = results.filter((r) => r.status === 'ok' || r.status === 'failed');
  for (const g of foldBy(ran, (r) => r.stdout || null)) process.stdout.write(renderGroup(g, g.key));
  for (const g of foldBy(ran, (r) => r.stderr || null)) process.stderr.write(renderGroup(g, g.key));
}

function printLines(r: ExecNodeResult): void {
  const prefix = (text: string, stream: NodeJS.WriteStream) => {
    if (!text) return;
    const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
    stream.write(lines.map((l) => `${r.name}: ${l}\n`).join(''));
  };
  prefix(r.stdout, process.stdout);
  prefix(r.stderr, process.stderr);
}
