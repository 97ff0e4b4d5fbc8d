import { z } from 'zod';

// Parallel commands over SSH (`clusterdeck exec`, the Exec page). A run is a subscription: one
// `node` event per node as it finishes, then `done` with the folded summary.

export const ExecRunInput = z.object({
  nodeset: z.string().min(1, 'the node set is empty').max(100_000),
  command: z.string().min(1, 'the command is empty').max(100_000),
  /** Sliding window: at most this many nodes at once. */
  fanout: z.number().int().min(1).max(1024).default(64),
  /** TCP connect, handshake and login, per hop. */
  connectTimeoutS: z.number().positive().max(3600).default(10),
  /** 0: no limit. */
  commandTimeoutS: z.number().min(0).max(7 * 86400).default(0),
  /** Store unknown host keys instead of refusing them (OpenSSH's StrictHostKeyChecking=accept-new). */
  acceptNew: z.boolean().default(false),
  /** Output kept per node (stdout and stderr together); the rest is dropped and flagged. */
  maxOutputBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
});
export type ExecRunInput = z.input<typeof ExecRunInput>;

/**
 * ok: exit 0. failed: the command ran and exited non-zero or was killed. unreachable: refused,
 * unknown host, no route, or a jump host that failed. timeout: connect or command timeout.
 * error: anything else that kept the command from running (login, host key, no SSH endpoint).
 */
export const EXEC_STATUSES = ['ok', 'failed', 'unreachable', 'timeout', 'error', 'cancelled'] as const;
export const ExecStatus = z.enum(EXEC_STATUSES);
export type ExecStatus = z.infer<typeof ExecStatus>;

export const ErrorData = z.object({ code: z.string(), key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])), message: z.string() });

/** What a command did on a node: the part that folding compares. */
const ExecOutcome = z.object({
  status: ExecStatus,
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  truncated: z.boolean(),
  error: ErrorData.nullable(),
});

export const ExecNodeResult = ExecOutcome.extend({ name: z.string(), elapsedMs: z.number() });
export type ExecNodeResult = z.infer<typeof ExecNodeResult>;

/** Nodes whose results are identical, folded (`clubak -b`). */
export const ExecGroup = ExecOutcome.extend({ nodes: z.string(), count: z.number().int() });
export type ExecGroup = z.infer<typeof ExecGroup>;

export const ExecSummary = z.object({
  total: z.number().int(),
  counts: z.record(ExecStatus, z.number().int()),
  elapsedMs: z.number(),
  cancelled: z.boolean(),
  auditId: z.number().int(),
  /** Folded node sets per status that is not ok ('' when none). */
  nodes: z.object({ failed: z.string(), unreachable: z.string(), timeout: z.string(), error: z.string(), cancelled: z.string() }),
  /** One line: "47 ok; 2 failed: n[048-049]; 3 unreachable: n[050-052]". */
  line: z.string(),
  groups: z.array(ExecGroup),
  /** Host keys stored under acceptNew. */
  hostKeysAdded: z.number().int(),
});
export type ExecSummary = z.infer<typeof ExecSummary>;

export const ExecEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), total: z.number().int(), nodes: z.string(), auditId: z.number().int() }),
  z.object({ type: z.literal('node'), result: ExecNodeResult }),
  z.object({ type: z.literal('done'), summary: ExecSummary }),
]);
export type ExecEvent = z.infer<typeof ExecEvent>;
