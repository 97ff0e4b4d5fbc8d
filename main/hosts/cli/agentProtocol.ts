// The vault agent's batch protocol (README "Vault agent"): a CLI run hands `power`, `sensors` or
// `sel` to the resident agent over its unix socket (main/services/vault/agent.ts) instead of
// running the batch itself. Newline-delimited JSON, one object a line, both directions checked
// with the contract's own schemas (shared/contract/schemas/power.ts):
//
//   CLI -> agent   one request line  {"v":1,"op":"power.run","user":"alice","input":{...}}
//                  later, optionally {"type":"cancel"} (Ctrl-C); closing the socket cancels too
//   agent -> CLI   {"type":"event","event":{plan|result|done}} ... as the batch runs (no `started`:
//                  the CLI has no use for them); the frames of one event-loop turn in one write
//                  {"type":"notice","message":"..."}  something the CLI prints on stderr
//                  {"type":"error","error":{AppErrorData}}  the request failed (no batch, or no summary)
//
// Only the three batch procedures exist here, and nothing in a frame is a secret (the events are
// the ones the Power page receives). An agent that does not speak version `v`, or cannot serve
// (its vault no longer opens), answers an error with code AGENT_FALLBACK: the CLI then runs the
// batch in-process as if no agent ran. An agent older than this protocol closes the socket.
import { z } from 'zod';
import { ErrorData, PowerEvent, PowerRunInput, SelEvent, SelInput, SensorsEvent, SensorsInput } from '../../../shared/contract/schemas/power';

export const AGENT_PROTOCOL = 1;
/** The error code that means "run it yourself": version mismatch or an agent that cannot serve. */
export const AGENT_FALLBACK = 'AGENT_FALLBACK';
/** A request line longer than this is refused (a node set is at most 100,000 characters). */
export const MAX_REQUEST_BYTES = 256 * 1024;

const User = z.string().min(1).max(256);
const common = { v: z.literal(AGENT_PROTOCOL), user: User };

export const AgentRequest = z.discriminatedUnion('op', [
  z.object({ ...common, op: z.literal('power.run'), input: PowerRunInput }).strict(),
  z.object({ ...common, op: z.literal('power.sensors'), input: SensorsInput }).strict(),
  z.object({ ...common, op: z.literal('power.sel'), input: SelInput }).strict(),
]);
export type AgentRequest = z.input<typeof AgentRequest>;
export type AgentOp = AgentRequest['op'];

/** What the CLI may send after its request. */
export const AgentControl = z.object({ type: z.literal('cancel') }).strict();

const EVENT_OF = { 'power.run': PowerEvent, 'power.sensors': SensorsEvent, 'power.sel': SelEvent } as const;

const frameOf = <E extends z.ZodType>(event: E) =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('event'), event }),
    z.object({ type: z.literal('notice'), message: z.string() }),
    z.object({ type: z.literal('error'), error: ErrorData }),
  ]);

type FrameSchema<E extends z.ZodType> = ReturnType<typeof frameOf<E>>;
type Frames = { [Op in AgentOp]: FrameSchema<(typeof EVENT_OF)[Op]> };
// Built on first use: a CLI run needs one of them, and building zod schemas is part of its start.
const frames: Partial<Frames> = {};

export type AgentFrame = z.infer<Frames[AgentOp]>;

/** The frame schema for the answers to `op`. */
export const agentFrame = <Op extends AgentOp>(op: Op): Frames[Op] => (frames[op] ??= frameOf(EVENT_OF[op]) as Frames[Op]) as Frames[Op];

/** An error frame (the agent side builds these without a schema round trip). */
export const errorFrame = (error: z.infer<typeof ErrorData>): string => `${JSON.stringify({ type: 'error', error })}\n`;
