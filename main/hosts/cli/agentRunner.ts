// The vault agent as a resident runner of batch power (the agent's side of ./agentProtocol.ts):
// `clusterdeck agent start` keeps the BMC services open (./bmcApp.ts: store, audit, vault
// unlocked with the agent's key, inventory, power with its one UDP socket), reads each CLI's
// command line (./agentArgs.ts), runs it through the same procedures as the in-process CLI
// (./bmcRouter.ts), so validation, the fan-out engine, auditing (begun before, completed after;
// who = the requesting CLI's user, via cli) and the events are the same, and renders the output
// with the in-process CLI's printers (./batchOutput.ts) into frames the CLI writes as they come.
// The inventory and credentials are read from the store for every request, as another process
// may have changed them.
//
// A request ends with an exit frame, or an error frame. Closing the socket or a cancel frame
// aborts it (sessions still get their Close Session; the audit entry says cancelled). Stopping
// the agent aborts every request with a message saying why, and waits until each got its results.
import type net from 'node:net';
import type { PrederivedKey } from '../../services/vault/vaultService';
import { toAppErrorData } from '../../../shared/contract/trpc';
import type { BatchSummary } from '../../../shared/contract/schemas/power';
import { AppError } from '../../../shared/errors';
import { AGENT_FALLBACK, AGENT_PROTOCOL, AgentControl, AgentRequest, BatchRequest, errorFrame, frameLine, MAX_REQUEST_BYTES, type AgentFrame } from './agentProtocol';
import { agentCommandLine } from './agentArgs';
import { printBatch, Progress, type OutputSink, type ResultLike } from './batchOutput';
import { exitOfErrorCode } from './exitStatus';
import type { BmcApp } from './bmcApp';
import type { bmcRouter as BmcRouter } from './bmcRouter';

interface Ready { app: BmcApp; router: typeof BmcRouter }

interface Running {
  abort(): void;
  notice(message: string): void;
  done: Promise<void>;
}

export interface BatchRunner {
  serve(sock: net.Socket, line: string, rest: string): void;
  stop(reason: string): Promise<void>;
  /** Resolves once the services are open (or failed to: requests then fall back to the CLI). */
  readonly ready: Promise<unknown>;
}

const fallback = (message: string): string => errorFrame({ code: AGENT_FALLBACK, key: AGENT_FALLBACK, params: {}, message });
const invalid = (message: string): string => errorFrame({ code: 'INVALID_INPUT', key: 'INVALID_INPUT', params: { detail: message }, message: `Invalid input: ${message}` });

/**
 * Opens the BMC services of `dataDir` at once (so the first request finds them warm) with its
 * own copy of the agent's key, which the vault wipes once it unwrapped the data key.
 */
export function createBatchRunner(dataDir: string, key: PrederivedKey): BatchRunner {
  const copy: PrederivedKey = { salt: Buffer.from(key.salt), params: key.params, key: Buffer.from(key.key), fromAgent: true };
  const ready: Promise<Ready | undefined> = Promise.all([import('./bmcApp'), import('./bmcRouter')]).then(
    ([{ createBmcApp }, { bmcRouter }]) => ({ app: createBmcApp({ dataDir, prederived: copy }), router: bmcRouter }),
  ).catch(() => {
    copy.key.fill(0);
    return undefined;
  });
  const running = new Set<Running>();
  let stopping: string | undefined;

  async function run(sock: net.Socket, line: string, rest: string): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      sock.end(invalid('the request is not JSON'));
      return;
    }
    if (!raw || typeof raw !== 'object' || (raw as { v?: unknown }).v !== AGENT_PROTOCOL) {
      sock.end(fallback(`This vault agent speaks protocol ${AGENT_PROTOCOL}; run the command without it.`));
      return;
    }
    const parsed = AgentRequest.safeParse(raw);
    if (!parsed.success) {
      sock.end(invalid(parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ')));
      return;
    }
    const req = parsed.data;
    // Help, options it does not read, a confirmation to ask, input the procedures would refuse: the
    // full CLI runs those and says what is wrong in its own words. (The data folder in argv is the
    // CLI's business: it found this agent's socket there.)
    const command = agentCommandLine(req.argv);
    const batch = command && BatchRequest.safeParse(command.request);
    if (!command || !batch?.success) {
      sock.end(fallback('The vault agent leaves this command line to the CLI.'));
      return;
    }

    // Listening before the first await: the socket flows, and a frame without a listener is lost.
    // Ctrl-C in the CLI: a cancel frame; the CLI gone (closed, killed): the socket ends or closes.
    const stop = new AbortController();
    let control = '';
    const onControl = (text: string): void => {
      control += text;
      let nl: number;
      while ((nl = control.indexOf('\n')) >= 0) {
        const frame = control.slice(0, nl);
        control = control.slice(nl + 1);
        try {
          AgentControl.parse(JSON.parse(frame));
          stop.abort();
        } catch {
          /* nothing else is expected from the CLI; ignored */
        }
      }
      if (control.length > MAX_REQUEST_BYTES) sock.destroy();
    };
    sock.on('data', (chunk: Buffer) => onControl(chunk.toString('utf8')));
    sock.on('end', () => stop.abort());
    sock.on('close', () => stop.abort());
    onControl(rest);

    const r = await ready;
    if (!r || stopping || !r.app.services.vault.status().unlocked) {
      sock.end(fallback('This vault agent cannot run batches now (its vault does not open, or it is stopping).'));
      return;
    }
    if (stop.signal.aborted) {
      sock.destroy(); // the CLI left before anything ran
      return;
    }

    let finished!: () => void;
    const entry: Running = {
      abort: () => stop.abort(),
      notice: (message) => write({ type: 'stderr', text: `clusterdeck: ${message}\n` }),
      done: new Promise<void>((resolve) => (finished = resolve)),
    };
    running.add(entry);
    // Frames of one event-loop turn leave in one write (syscalls are most of what streaming costs).
    let pending = '';
    const flush = (): void => {
      if (pending && !sock.destroyed) sock.write(pending);
      pending = '';
    };
    function write(frame: AgentFrame): void {
      if (!pending) setImmediate(flush);
      pending += frameLine(frame);
    }
    const out: OutputSink = { stdout: (text) => write({ type: 'stdout', text }), stderr: (text) => write({ type: 'stderr', text }) };
    // The CLI draws the progress line (it clears it before any output); only worth sending to a terminal.
    const progress = req.tty.stderr ? new Progress((done, total) => write({ type: 'progress', done, total }), () => undefined) : undefined;

    try {
      const caller = r.router.createCaller({ services: r.app.services, actor: { user: req.user, via: 'cli' } }, { signal: stop.signal });
      const input = batch.data;
      const events = input.op === 'power.run' ? await caller.power.run(input.input)
        : input.op === 'power.sensors' ? await caller.power.sensors(input.input)
        : await caller.power.sel(input.input);
      // Drained to the end even when the CLI is gone: the summary comes after every session closed.
      const results: (ResultLike & Record<string, unknown>)[] = [];
      let summary: BatchSummary | undefined;
      for await (const event of events as AsyncIterable<{ type: string; nodes?: unknown[]; summary?: BatchSummary }>) {
        if (event.type === 'plan') {
          write({ type: 'accepted' });
          progress?.plan(event.nodes?.length ?? 0);
        } else if (event.type === 'result') {
          results.push(event as ResultLike & Record<string, unknown>);
          progress?.tick();
        } else if (event.type === 'done') summary = event.summary;
      }
      if (!summary) throw new AppError('INTERNAL', 'The batch ended without a summary.');
      write({ type: 'exit', code: printBatch(command.command, results, summary, command.json, out) });
    } catch (error) {
      // As the in-process CLI ends on an error (./program.ts).
      const e = toAppErrorData(error);
      out.stderr(`clusterdeck: error: ${e.message}\n`);
      write({ type: 'exit', code: exitOfErrorCode(e.code) });
    } finally {
      flush();
      sock.end();
      running.delete(entry);
      finished();
    }
  }

  return {
    ready,
    serve(sock, line, rest) {
      if (Buffer.byteLength(line) > MAX_REQUEST_BYTES) {
        sock.end(invalid(`the request is longer than ${MAX_REQUEST_BYTES} bytes`));
        return;
      }
      void run(sock, line, rest).catch(() => sock.destroy());
    },
    async stop(reason) {
      stopping = reason;
      const batches = [...running];
      for (const b of batches) {
        b.notice(`the vault agent stopped (${reason}) during the batch: the nodes not done are cancelled, and every BMC session it opened is closed.`);
        b.abort();
      }
      await Promise.all(batches.map((b) => b.done));
      const r = await ready;
      r?.app.close();
    },
  };
}
