// The first, cheapest question of every `clusterdeck` run: might the vault agent run this
// command? Only `power`, `sensors` and `sel`, and only when the data folder holds the agent's
// socket. Plain string work and one stat: nothing else loads before the answer.
import fs from 'node:fs';
import path from 'node:path';
import { resolveDataDir } from '../../store/dataDir';

/** Kept equal to main/services/vault/agentClient.ts AGENT_SOCKET (a unit test checks). */
export const AGENT_SOCKET_NAME = 'agent.sock';

/** The command's position after the root's --data-dir, when it is one the agent may run. */
export function agentCommandStart(argv: readonly string[]): { dataDir?: string; at: number } | undefined {
  let dataDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--data-dir') {
      if (i + 1 >= argv.length) return undefined;
      dataDir = argv[++i];
    } else if (a.startsWith('--data-dir=')) dataDir = a.slice('--data-dir='.length);
    else if (a === 'power' || a === 'sensors' || a === 'sel') return { dataDir, at: i };
    else return undefined;
  }
  return undefined;
}

/**
 * True when `argv` names a command the agent may run and an agent socket exists for its data
 * folder. CLUSTERDECK_IN_PROCESS=1 runs it in this process all the same (the agent still lends
 * its key): for comparing the two, or to rule the agent out.
 */
export function agentMayRun(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.CLUSTERDECK_IN_PROCESS === '1') return false;
  const start = agentCommandStart(argv);
  return !!start && fs.existsSync(path.join(resolveDataDir(start.dataDir), AGENT_SOCKET_NAME));
}
