// The vault agent's batch protocol (README "Vault agent"), version 2: a CLI run hands `power`,
// `sensors` or `sel` to the resident agent over its unix socket (main/services/vault/agent.ts); the
// agent reads the command line, runs the batch and renders what the in-process CLI would print.
// Newline-delimited JSON, one object a line:
//
//   CLI -> agent   one request line  {"v":2,"argv":["power","status","@gpu"],"user":"alice","tty":{"stdout":true,"stderr":true}}
//                  (argv as given after the program name); later, optionally {"type":"cancel"} (Ctrl-C);
//                  closing the socket cancels too
//   agent -> CLI   {"type":"accepted"}                   the batch began (its audit entry is written)
//                  {"type":"progress","done":n,"total":N} only when the CLI's stderr is a terminal, at most 10 a second
//                  {"type":"stdout"|"stderr","text":"..."}  what the CLI writes, in order
//                  {"type":"exit","code":n}              the command's exit code: the end
//                  {"type":"error","error":{AppErrorData}}  a request the agent could not read
//                  frames of one event-loop turn leave in one write
//
// The agent checks the request with zod here; the CLI side (./agentClient.ts) checks frames by hand,
// so that it loads no zod. Anything the agent will not run (help, an unknown or malformed option, a
// destructive action without --yes, another protocol version, a vault that no longer opens) is
// answered with an error of code AGENT_FALLBACK before any other frame: the CLI then runs the full
// CLI as if no agent ran. An agent older than this protocol answers AGENT_FALLBACK too (version 1
// did), or closes the socket.
import { z } from 'zod';
import { ErrorData, PowerRunInput, SelInput, SensorsInput } from '../../../shared/contract/schemas/power';
import { AGENT_FALLBACK, AGENT_PROTOCOL, type AgentFrame } from './agentClient';

export { AGENT_FALLBACK, AGENT_PROTOCOL, type AgentFrame };

/** A request line longer than this is refused (a node set is at most 100,000 characters). */
export const MAX_REQUEST_BYTES = 256 * 1024;

export const AgentRequest = z.object({
  v: z.literal(AGENT_PROTOCOL),
  argv: z.array(z.string().max(MAX_REQUEST_BYTES)).max(1000),
  user: z.string().min(1).max(256),
  tty: z.object({ stdout: z.boolean(), stderr: z.boolean() }).strict(),
}).strict();
export type AgentRequest = z.infer<typeof AgentRequest>;

/** The batch a command line stands for (./agentArgs.ts), checked with the procedures' own input schemas before it runs. */
export const BatchRequest = z.discriminatedUnion('op', [
  z.object({ op: z.literal('power.run'), input: PowerRunInput }).strict(),
  z.object({ op: z.literal('power.sensors'), input: SensorsInput }).strict(),
  z.object({ op: z.literal('power.sel'), input: SelInput }).strict(),
]);
export type BatchRequest = z.input<typeof BatchRequest>;

/** What the CLI may send after its request. */
export const AgentControl = z.object({ type: z.literal('cancel') }).strict();

/** One frame as it goes on the socket. */
export const frameLine = (frame: AgentFrame): string => `${JSON.stringify(frame)}\n`;

/** An error frame (the agent builds these without a schema round trip). */
export const errorFrame = (error: z.infer<typeof ErrorData>): string => `${JSON.stringify({ type: 'error', error })}\n`;
