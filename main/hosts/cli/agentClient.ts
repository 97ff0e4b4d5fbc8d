// The CLI's side of the vault agent's batch protocol (./agentProtocol.ts), and nothing else: when a
// vault agent runs for the data folder (`clusterdeck agent start`), `power`, `sensors` and `sel`
// send their command line to it; the agent reads it, runs the batch and renders the output with the
// in-process CLI's own code (./batchOutput.ts), and this side writes what it streams back.
//
// Built as an entry of its own, out/main/agentClient.js, that requires node: built-ins only (a test
// checks the built file): the POSIX launcher (resources/bin/clusterdeck) runs it directly, so such a
// command loads a few milliseconds of code instead of the CLI (commander, zod, the services). When
// the agent will not run the command (help, a bad option, a destructive action without --yes, another
// protocol version, a vault that does not open) it answers AGENT_FALLBACK, and the full CLI runs it:
// as a child here (with the environment the launcher changed put back), in-process under cli.js
// (./index.ts uses runThroughAgent too, for `node resources/bin/clusterdeck.cjs`).
//
// Frames are checked by hand (no zod here: loading it is most of what this file avoids).
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Kept equal to main/services/vault/agentClient.ts AGENT_SOCKET (a unit test checks). */
export const AGENT_SOCKET_NAME = 'agent.sock';
export const AGENT_PROTOCOL = 2;
/** The error code that means "run it yourself": version mismatch, a command the agent leaves to the CLI, an agent that cannot serve. */
export const AGENT_FALLBACK = 'AGENT_FALLBACK';
/** Where the launcher keeps NODE_EXTRA_CA_CERTS while this client runs (it never opens TLS; Node reads the file at start). */
export const SAVED_CA_CERTS = 'CLUSTERDECK_SAVED_NODE_EXTRA_CA_CERTS';

export const CANCELLING_MESSAGE = '\nclusterdeck: cancelling: closing the BMC sessions (Ctrl-C again to quit at once)\n';
/** The progress line on a terminal's stderr, and what erases it. */
export const progressText = (done: number, total: number): string => `\r${done}/${total} node(s) done`;
export const CLEAR_PROGRESS = '\r\x1b[K';

/** How long the agent may take to send its first frame (it comes once the batch began, before any BMC is contacted). */
const FIRST_FRAME_TIMEOUT_MS = Number(process.env.CLUSTERDECK_AGENT_ANSWER_MS) || 10_000; // the variable: for tests
/** Actions that must not run twice: after a silent agent they are not run again by the full CLI. */
const NOT_REPEATABLE = new Set(['cycle', 'reset', 'soft']);

/** What the client sends: its command line as typed, whose it is, and whether its output goes to terminals. */
export interface AgentRequestLine {
  v: typeof AGENT_PROTOCOL;
  argv: string[];
  user: string;
  tty: { stdout: boolean; stderr: boolean };
}

/** What the agent streams back (agentRunner.ts writes them). */
export type AgentFrame =
  | { type: 'accepted' } // the batch began (audit entry written): from here on there is no falling back
  | { type: 'progress'; done: number; total: number } // only when the client's stderr is a terminal
  | { type: 'stdout' | 'stderr'; text: string }
  | { type: 'exit'; code: number }
  | { type: 'error'; error: { code: string; message: string } };

/**
 * The command's position after the root's --data-dir, when it is one the agent may run (`power`,
 * `sensors`, `sel`). Plain string work: the agent reads the rest (./agentArgs.ts).
 */
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
 * main/store/dataDir.ts resolveDataDir, repeated here so this file imports nothing of ours (a unit
 * test and the launcher's test check they agree).
 */
export function dataDirOf(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return path.resolve(flag);
  if (env.CLUSTERDECK_DATA_DIR) return path.resolve(env.CLUSTERDECK_DATA_DIR);
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'ClusterDeck');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'ClusterDeck');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'ClusterDeck');
}

/**
 * True when `argv` names a command the agent may run and something is at its socket's path.
 * CLUSTERDECK_IN_PROCESS=1 runs it in-process all the same (the agent still lends its key).
 */
export function agentMayRun(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.CLUSTERDECK_IN_PROCESS === '1') return false;
  const start = agentCommandStart(argv);
  return !!start && fs.existsSync(path.join(dataDirOf(start.dataDir, env), AGENT_SOCKET_NAME));
}

/**
 * The socket of the data folder's agent, if one may be there: a socket file owned by this user.
 * Node cannot ask the kernel who listens on it (no SO_PEERCRED), so ownership of the file, made
 * 0600 by the agent, is what says it is ours.
 */
function agentSocket(dataDir: string): string | undefined {
  const p = path.join(dataDir, AGENT_SOCKET_NAME);
  try {
    const st = fs.statSync(p);
    if (!st.isSocket()) return undefined;
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return undefined;
    return p;
  } catch {
    return undefined;
  }
}

function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER || process.env.USERNAME || 'unknown'; // no passwd entry (some containers)
  }
}

/** The exit code of the command as the agent ran it, or undefined: the full CLI must run it. */
export function runThroughAgent(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number | undefined> {
  if (env.CLUSTERDECK_IN_PROCESS === '1') return Promise.resolve(undefined);
  const start = agentCommandStart(argv);
  if (!start) return Promise.resolve(undefined);
  const socketPath = agentSocket(dataDirOf(start.dataDir, env));
  if (!socketPath) return Promise.resolve(undefined);
  const request: AgentRequestLine = {
    v: AGENT_PROTOCOL,
    argv: [...argv],
    user: userName(),
    tty: { stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY === true },
  };
  const [noun, verb] = [argv[start.at], argv[start.at + 1]];
  return stream(socketPath, request, noun === 'power' && NOT_REPEATABLE.has(verb));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** A frame this client knows, or undefined. */
export function frameOf(value: unknown): AgentFrame | undefined {
  if (!isObject(value)) return undefined;
  switch (value.type) {
    case 'accepted':
      return { type: 'accepted' };
    case 'progress':
      return Number.isSafeInteger(value.done) && Number.isSafeInteger(value.total) ? { type: 'progress', done: value.done as number, total: value.total as number } : undefined;
    case 'stdout':
    case 'stderr':
      return typeof value.text === 'string' ? { type: value.type, text: value.text } : undefined;
    case 'exit':
      return Number.isInteger(value.code) && (value.code as number) >= 0 && (value.code as number) <= 255 ? { type: 'exit', code: value.code as number } : undefined;
    case 'error': {
      const e = value.error;
      return isObject(e) && typeof e.code === 'string' && typeof e.message === 'string' ? { type: 'error', error: { code: e.code, message: e.message } } : undefined;
    }
    default:
      return undefined;
  }
}

function stream(socketPath: string, request: AgentRequestLine, notRepeatable: boolean): Promise<number | undefined> {
  return new Promise((resolve) => {
    const sock = net.connect(socketPath);
    let answered = false; // a frame arrived: from here on there is no falling back
    let settled = false;
    let buffer = '';
    let interrupts = 0;
    let drawn = false; // a progress line is on the terminal

    const clearProgress = (): void => {
      if (drawn) process.stderr.write(CLEAR_PROGRESS);
      drawn = false;
    };
    const end = (code: number | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(firstFrame);
      process.off('SIGINT', onSigint);
      clearProgress();
      sock.destroy();
      resolve(code);
    };
    const fail = (message: string): void => {
      if (settled) return;
      clearProgress();
      process.stderr.write(`clusterdeck: error: ${message}\n`);
      end(1);
    };
    // An agent that accepts but never answers is treated as none: closing the socket cancels anything it began,
    // and the full CLI runs the command, unless running it twice could cycle a machine twice.
    const firstFrame = setTimeout(() => {
      if (notRepeatable) {
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
        clearProgress();
        process.stderr.write(`clusterdeck: error: ${frame.error.message}\n`);
        return end(frame.error.code === 'INTERNAL' ? 1 : 2); // as ./exitStatus.ts exitOfErrorCode
      }
      answered = true;
      clearTimeout(firstFrame);
      if (frame.type === 'progress') {
        process.stderr.write(progressText(frame.done, frame.total));
        drawn = true;
      } else if (frame.type === 'stdout' || frame.type === 'stderr') {
        clearProgress();
        (frame.type === 'stdout' ? process.stdout : process.stderr).write(frame.text);
      } else if (frame.type === 'exit') end(frame.code);
    };

    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(`${JSON.stringify(request)}\n`));
    sock.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while (!settled && (nl = buffer.indexOf('\n')) >= 0) {
        const text = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let frame: AgentFrame | undefined;
        try {
          frame = frameOf(JSON.parse(text));
        } catch {
          frame = undefined;
        }
        if (!frame) {
          if (!answered) return end(undefined); // an agent of another version
          return fail('the vault agent sent an answer this CLI does not understand; the batch was cancelled. Restart the agent (clusterdeck agent stop, then start) after an upgrade.');
        }
        onFrame(frame);
      }
    });
    sock.on('error', () => (answered ? undefined : end(undefined)));
    sock.on('close', () => {
      if (!answered) return end(undefined); // no agent, or one older than this protocol (it hangs up)
      fail('the vault agent went away before the batch ended (was it killed?): BMC sessions it had open may stay open until the BMCs time them out.');
    });
  });
}

/** Exits with `code` once stdout and stderr have been handed to the OS (a pipe not drained yet would lose their tail). */
export function exitFlushed(code: number): void {
  const flushed = (s: NodeJS.WriteStream) => new Promise<void>((resolve) => (s.writableLength === 0 ? resolve() : s.write('', () => resolve())));
  flushed(process.stdout).then(() => flushed(process.stderr)).then(() => process.exit(code), () => process.exit(code));
}

/**
 * The full CLI as a child, for what the agent does not run: same argv, the terminal (stdio) and
 * the environment as the user had it (NODE_EXTRA_CA_CERTS back), plus CLUSTERDECK_IN_PROCESS=1 so
 * that it does not ask the agent a second time (which might again not answer for 10 s); exits as
 * it exits. Ctrl-C reaches it from the terminal (the whole foreground group gets it), so here it
 * is only kept from ending this process; a SIGTERM or SIGHUP sent to this process alone is passed on.
 */
function runFullCli(argv: readonly string[]): void {
  const env: NodeJS.ProcessEnv = { ...process.env, CLUSTERDECK_IN_PROCESS: '1' };
  if (env[SAVED_CA_CERTS] !== undefined) {
    env.NODE_EXTRA_CA_CERTS = env[SAVED_CA_CERTS];
    delete env[SAVED_CA_CERTS];
  }
  // Required here, not at the top: only this way needs it (and import() would start the ESM loader).
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const cli = path.join(__dirname, '..', '..', 'resources', 'bin', 'clusterdeck.cjs');
  const child = spawn(process.execPath, [...process.execArgv, cli, ...argv], { stdio: 'inherit', env });
  const ignore = (): void => undefined;
  const pass = (signal: NodeJS.Signals) => (): void => void child.kill(signal);
  const handlers: [NodeJS.Signals, () => void][] = [['SIGINT', ignore], ['SIGTERM', pass('SIGTERM')], ['SIGHUP', pass('SIGHUP')]];
  for (const [signal, handler] of handlers) process.on(signal, handler);
  child.on('error', (error) => {
    process.stderr.write(`clusterdeck: error: could not run ${cli}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const [s, handler] of handlers) process.off(s, handler);
    if (code !== null) process.exit(code);
    // End as it ended, so the shell sees the same; a signal Node ignores (SIGPIPE) leaves the shell's 128+n.
    process.exitCode = 128 + (os.constants.signals[signal ?? 'SIGTERM'] ?? 0);
    if (signal) process.kill(process.pid, signal);
  });
}

/** `node out/main/agentClient.js ARGS...`, as the launcher runs it. */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const code = await runThroughAgent(argv);
  if (code === undefined) runFullCli(argv);
  else exitFlushed(code);
}

// Run as the entry (the launcher); cli.js imports it for runThroughAgent and must not start it.
if (typeof module !== 'undefined' && require.main === module) void main();
