// The CLI's side of the vault agent (./agent.ts): asks the data folder's agent for the vault key
// over its unix socket. Small on purpose: every `clusterdeck power ...` loads it at start.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { ScryptParams } from './crypto';
import type { PrederivedKey } from './vaultService';

export const AGENT_SOCKET = 'agent.sock';
/** A CLI run waits this long for the agent before deriving the key itself. */
const ASK_TIMEOUT_MS = 500;

export const agentSocketPath = (dataDir: string): string => path.join(dataDir, AGENT_SOCKET);

/** One request to the agent at `socketPath`; undefined when none answers (no socket, stale, hung). */
export function askAgent(socketPath: string, verb: 'key' | 'status' | 'stop', timeoutMs = ASK_TIMEOUT_MS): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve) => {
    if (!fs.existsSync(socketPath)) return resolve(undefined);
    const sock = net.connect(socketPath);
    let data = '';
    const finish = (v: Record<string, unknown> | undefined): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    sock.on('error', () => finish(undefined));
    sock.on('connect', () => sock.write(`${verb}\n`));
    sock.on('data', (c) => {
      data += c.toString('utf8');
      const nl = data.indexOf('\n');
      if (nl < 0) return;
      try {
        finish(JSON.parse(data.slice(0, nl)) as Record<string, unknown>);
      } catch {
        finish(undefined);
      }
    });
    sock.on('end', () => finish(undefined));
  });
}

/** The key the data folder's agent holds, or undefined (no agent: the caller derives it itself). */
export async function keyFromAgent(dataDir: string): Promise<PrederivedKey | undefined> {
  const a = await askAgent(agentSocketPath(dataDir), 'key');
  if (!a || typeof a.salt !== 'string' || typeof a.key !== 'string' || typeof a.params !== 'object' || !a.params) return undefined;
  return { salt: Buffer.from(a.salt, 'base64'), params: a.params as ScryptParams, key: Buffer.from(a.key, 'base64'), fromAgent: true };
}
