// The CLI's fast path for batch power: when a vault agent runs for the data folder (`clusterdeck
// agent start`), `power`, `sensors` and `sel` hand the batch to it over its socket and print the
// results it streams back (./agentProtocol.ts), exactly as the in-process run prints them
// (./batchOutput.ts). The agent has a warm JIT, an unlocked vault and an open store, so a run
// costs little more than Node's start. Loaded before commander, tRPC or any service: when no agent
// answers, or it speaks another protocol version, runThroughAgent() returns undefined and the
// full CLI runs the command in-process as if no agent existed.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import type { BatchSummary } from '../../../shared/contract/schemas/power';
import { resolveDataDir } from '../../store/dataDir';
import { agentSocketPath } from '../../services/vault/agentClient';
import { AGENT_FALLBACK, AGENT_PROTOCOL, AgentRequest, agentFrame, type AgentFrame } from './agentProtocol';
import { agentCommandLine } from './agentArgs';
import { CANCELLING_MESSAGE, printBatch, Progress, type ResultLike } from './batchOutput';
import { EXIT_SOME_FAILED, exitOfErrorCode } from './exitStatus';

/**
 * How long the agent may take to answer the request at all (its first frame comes once the audit
 * entry is written, before any BMC is contacted) before the CLI gives up on it.
 */
const FIRST_FRAME_TIMEOUT_MS = Number(process.env.CLUSTERDECK_AGENT_ANSWER_MS) || 10_000; // the variable: for tests
/** Actions that must not run twice: after a silent agent they are not run again in-process. */
const NOT_REPEATABLE = new Set(['cycle', 'reset', 'soft']);

/**
 * The socket of the data folder's agent, if one may be there: a socket file owned by this user.
 * Node cannot ask the kernel who listens on it (no SO_PEERCRED), so ownership of the file, made
 * 0600 by the agent, is what says it is ours.
 */
function agentSocket(dataDir: string): string | undefined {
  const p = agentSocketPath(dataDir);
  try {
    const st = fs.statSync(p);
    if (!st.isSocket()) return undefined;
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return undefined;
    return p;
  } catch {
    return undefined;
  }
}

/** The exit code of the command run by the agent, or undefined: run it in-process. */
export async function runThroughAgent(argv: readonly string[]): Promise<number | undefined> {
  const line = agentCommandLine(argv);
  if (!line) return undefined;
  const socketPath = agentSocket(resolveDataDir(line.dataDir));
  if (!socketPath) return undefined;
  const request = AgentRequest.safeParse({ v: AGENT_PROTOCOL, user: os.userInfo().username, ...line.request });
  if (!request.success) return undefined; // the in-process run reports the same input error in its own words
  return stream(socketPath, request.data, (results, summary) => printBatch(line.command, results, summary, line.json));
}

type Result = ResultLike & Record<string, unknown>;

function stream(socketPath: string, request: AgentRequest, print: (results: Result[], summary: BatchSummary) => number): Promise<number | undefined> {
  const schema = agentFrame(request.op);
  return new Promise((resolve) => {
    const sock = net.connect(socketPath);
    const progress = process.stderr.isTTY ? new Progress() : undefined;
    const results: Result[] = [];
    let answered = false; // a frame arrived: from here on there is no falling back
    let settled = false;
    let buffer = '';
    let interrupts = 0;

    const end = (code: number | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(firstFrame);
      process.off('SIGINT', onSigint);
      progress?.clear();
      sock.destroy();
      resolve(code);
    };
    const fail = (message: string): void => {
      if (settled) return;
      progress?.clear();
      process.stderr.write(`clusterdeck: error: ${message}\n`);
      end(EXIT_SOME_FAILED);
    };
    // An agent that accepts but never answers is treated as none: closing the socket cancels anything it began,
    // and the CLI runs the batch itself, unless running it twice could cycle a machine twice.
    const firstFrame = setTimeout(() => {
      if (request.op === 'power.run' && NOT_REPEATABLE.has(request.input.action)) {
        fail(`the vault agent did not answer within ${(FIRST_FRAME_TIMEOUT_MS / 1000).toFixed(1)} s and was left; if it had begun the batch, it cancelled it. Check \`clusterdeck audit list\`, then run again (CLUSTERDECK_IN_PROCESS=1 runs it in this process).`);
      } else end(undefined);
    }, FIRST_FRAME_TIMEOUT_MS);
    const onSigint = (): void => {
      if (++interrupts > 1) process.exit(130); // a second Ctrl-C: leave now (the closed socket cancels the batch)
      process.stderr.write(CANCELLING_MESSAGE);
      sock.write(`${JSON.stringify({ type: 'cancel' })}\n`);
    };
    process.on('SIGINT', onSigint);

    const onFrame = (frame: AgentFrame): void => {
      if (frame.type === 'error') {
        if (!answered && frame.error.code === AGENT_FALLBACK) return end(undefined);
        progress?.clear();
        process.stderr.write(`clusterdeck: error: ${frame.error.message}\n`);
        return end(exitOfErrorCode(frame.error.code));
      }
      answered = true;
      clearTimeout(firstFrame);
      if (frame.type === 'notice') {
        progress?.clear();
        process.stderr.write(`clusterdeck: ${frame.message}\n`);
        return;
      }
      const e = frame.event;
      if (e.type === 'plan') progress?.plan(e.nodes.length);
      else if (e.type === 'result') {
        results.push(e as Result);
        progress?.tick();
      } else if (e.type === 'done') {
        progress?.clear();
        end(print(results, e.summary));
      }
    };

    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(`${JSON.stringify(request)}\n`));
    sock.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while (!settled && (nl = buffer.indexOf('\n')) >= 0) {
        const text = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let frame: AgentFrame;
        try {
          frame = schema.parse(JSON.parse(text)) as AgentFrame;
        } catch {
          if (!answered) return end(undefined);
          return fail('the vault agent sent an answer this CLI does not understand; the batch was cancelled. Restart the agent (clusterdeck agent stop, then start) after an upgrade.');
        }
        onFrame(frame);
      }
    });
    sock.on('error', () => (answered ? undefined : end(undefined)));
    sock.on('close', () => {
      if (!answered) return end(undefined); // no agent, or one older than this protocol (it hangs up)
      fail(`the vault agent went away before the batch ended (was it killed?) after ${results.length} node result(s): BMC sessions it had open may stay open until the BMCs time them out.`);
    });
  });
}
