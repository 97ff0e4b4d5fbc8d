// `exec.run`: one command over SSH on every node of a node set, through the batch engine (sliding
// window, cancel, one result per node), with results folded like `clush -b` and the run written
// to the audit log before it starts and completed after.
import type { ExecService, InventoryService } from '../../../shared/contract/services';
import type { Actor } from '../../../shared/contract/trpc';
import type { CancelSignal } from '../../../shared/contract/signal';
import type { ExecEvent, ExecNodeResult, ExecRunInput, ExecStatus } from '../../../shared/contract/schemas/exec';
import { EXEC_STATUSES } from '../../../shared/contract/schemas/exec';
import type { AppErrorData } from '../../../shared/errors';
import type { z } from 'zod';
import type { ExecRunInput as RunInputSchema } from '../../../shared/contract/schemas/exec';
import type { AuditLog, AuditOutcome } from '../audit/auditLog';
import type { Vault } from '../vault/vaultService';
import { runBatch, BATCH_CANCELLED, BATCH_TIMEOUT, type BatchOutcome } from '../batch';
import { SshPool, SSH_ERROR, hostPort, runCommand, type ExecResult, type HostKeyStore, type SshTarget } from '../../protocols/ssh';
import { resolveTargets } from './targets';
import { fold, foldResults, nodesByStatus, summaryLine } from './fold';

type RunInput = z.output<typeof RunInputSchema>;

export interface ExecDeps {
  inventory: InventoryService;
  vault: Pick<Vault, 'reveal'>;
  audit: AuditLog;
  hostKeys: HostKeyStore;
  /** Connections shared across runs (jump hosts, repeated commands); closed by the app. */
  pool?: SshPool;
}

// A backstop above connect + command timeouts: the protocol's own timers give the precise error.
const MAX_TIMER_MS = 2 ** 31 - 1;

export function createExecService(deps: ExecDeps): ExecService & { close(): Promise<void> } {
  const pool = deps.pool ?? new SshPool();
  return {
    run: (actor: Actor, input: RunInput, signal?: CancelSignal) => run(deps, pool, actor, input, signal),
    close: () => pool.close(),
  };
}

async function* run(deps: ExecDeps, pool: SshPool, actor: Actor, input: RunInput, signal?: CancelSignal): AsyncGenerator<ExecEvent> {
  const resolved = resolveTargets(deps, input.nodeset);
  const nodes = fold(resolved.map((r) => r.name));
  const auditId = deps.audit.begin(actor, {
    module: 'exec',
    action: 'run',
    targets: nodes,
    params: { command: input.command, fanout: input.fanout, connectTimeoutS: input.connectTimeoutS, commandTimeoutS: input.commandTimeoutS, acceptNew: input.acceptNew },
  });
  const results: ExecNodeResult[] = [];
  let hostKeysAdded = 0;
  let cancelled = false;
  let outcome: AuditOutcome = 'failed';
  let detail = '';
  try {
    yield { type: 'started', total: resolved.length, nodes, auditId };

    const connectTimeoutMs = Math.round(input.connectTimeoutS * 1000);
    const commandTimeoutMs = Math.round(input.commandTimeoutS * 1000);
    // Each hop may take the connect timeout; the command its own; plus slack for the channel.
    const backstop = commandTimeoutMs > 0 ? Math.min(MAX_TIMER_MS, connectTimeoutMs * 9 + commandTimeoutMs + 5000) : MAX_TIMER_MS;
    const ctrl = new AbortController();
    const onAbort = (): void => ctrl.abort();
    if (signal?.aborted) ctrl.abort();
    else signal?.addEventListener('abort', onAbort);

    const t0 = performance.now();
    try {
      const batch = runBatch<ExecResult, { name: string; ssh: SshTarget | null; problem: Error | null }>({
        targets: resolved,
        fanout: input.fanout,
        perTargetTimeoutMs: backstop,
        signal: ctrl.signal,
        operation: async (t, ctx) => {
          if (!t.ssh) throw t.problem;
          return runCommand(pool, t.ssh, input.command, {
            hostKeys: deps.hostKeys,
            policy: input.acceptNew ? 'accept-new' : 'ask',
            connectTimeoutMs,
            commandTimeoutMs,
            maxOutputBytes: input.maxOutputBytes,
            signal: ctx.signal,
            where: hostPort(t.ssh.target.host, t.ssh.target.port),
            onHostKeyAdded: () => hostKeysAdded++,
            keepConnection: false, // one socket per running node, not per node of the run
          });
        },
      });
      for await (const event of batch) {
        if (event.type === 'result') {
          const result = toNodeResult(event.name, event.outcome);
          results.push(result);
          yield { type: 'node', result };
        } else if (event.type === 'done') {
          cancelled = event.summary.cancelled;
        }
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }

    const counts = Object.fromEntries(EXEC_STATUSES.map((s) => [s, 0])) as Record<ExecStatus, number>;
    for (const r of results) counts[r.status]++;
    const line = summaryLine(results, cancelled);
    outcome = cancelled ? 'cancelled' : counts.ok === results.length ? 'ok' : counts.ok === 0 ? 'failed' : 'partial';
    detail = line + (hostKeysAdded ? `; ${hostKeysAdded} new host key(s) stored (accept-new)` : '');
    yield {
      type: 'done',
      summary: {
        total: results.length,
        counts,
        elapsedMs: performance.now() - t0,
        cancelled,
        auditId,
        nodes: nodesByStatus(results),
        line,
        groups: foldResults(results),
        hostKeysAdded,
      },
    };
  } catch (error) {
    detail = `${(error as AppErrorData).code ?? 'ERROR'}: ${(error as Error).message}`;
    throw error;
  } finally {
    // Also reached when the subscriber goes away mid-run (generator return): record it as cancelled.
    if (!detail) {
      outcome = 'cancelled';
      detail = `cancelled after ${results.length} of ${resolved.length} node(s): ${summaryLine(results, true)}`;
    }
    deps.audit.complete(auditId, outcome, detail);
  }
}

/** Batch outcome → what the operator reads: exit status, or why the command never ran. */
export function toNodeResult(name: string, outcome: BatchOutcome<ExecResult>): ExecNodeResult {
  if (outcome.status === 'ok') {
    const v = outcome.value;
    return {
      name,
      status: v.exitCode === 0 ? 'ok' : 'failed',
      exitCode: v.exitCode,
      signal: v.signal,
      stdout: v.stdout,
      stderr: v.stderr,
      truncated: v.truncated,
      elapsedMs: outcome.elapsedMs,
      error: null,
    };
  }
  return {
    name,
    status: statusOf(outcome.error.code, outcome.status),
    exitCode: null,
    signal: null,
    stdout: '',
    stderr: '',
    truncated: false,
    elapsedMs: outcome.elapsedMs,
    error: outcome.error,
  };
}

function statusOf(code: string, batchStatus: string): ExecStatus {
  if (code === SSH_ERROR.UNREACHABLE || code === SSH_ERROR.JUMP_FAILED) return 'unreachable';
  if (code === SSH_ERROR.TIMEOUT || code === BATCH_TIMEOUT) return 'timeout';
  if (code === SSH_ERROR.CANCELLED || code === BATCH_CANCELLED || batchStatus === 'cancelled') return 'cancelled';
  return 'error';
}

export type { ExecRunInput };
