#!/usr/bin/env node
// `clusterdeck <noun> <verb>`: the same services as the desktop app and `serve`, from a shell.
// Batch power, sensors and sel go to the data folder's vault agent when one runs (./agentClient.ts,
// which the POSIX launcher resources/bin/clusterdeck runs without this file: warm, unlocked, no
// commander or services loaded here); everything else, and those too when the agent leaves them to
// the CLI, runs in-process (./program.ts).
import { agentMayRun, exitFlushed, runThroughAgent } from './agentClient';
import { sessionKeptOpen } from './lifecycle';

export async function main(argv: string[]): Promise<number> {
  if (agentMayRun(argv)) {
    const viaAgent = await runThroughAgent(argv);
    if (viaAgent !== undefined) return viaAgent;
  }
  return (await import('./program')).main(argv);
}

/** Entry used by resources/bin/clusterdeck.cjs. */
export function run(argv = process.argv.slice(2)): void {
  void main(argv).then((code) => {
    if (sessionKeptOpen()) process.exitCode = code;
    // Exit only once stdout and stderr have been handed to the OS: a pipe that is not drained yet would lose the
    // tail of a large --json listing (seen at ~200 KB through spawnSync).
    else exitFlushed(code);
  });
}
