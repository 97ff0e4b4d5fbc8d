import { z } from 'zod';

// SSH local port forwards (Consoles → Port forwards, `clusterdeck forward add`): a listener on
// this machine whose connections are carried to host:port as seen from the node.

export const ForwardAddInput = z.object({
  node: z.string().min(1, 'pick a node').max(255),
  bindAddress: z.string().min(1).max(255).default('127.0.0.1'),
  /** 0: any free port. */
  localPort: z.number().int().min(0).max(65535).default(0),
  remoteHost: z.string().min(1, 'the remote host is empty').max(255).default('127.0.0.1'),
  remotePort: z.number().int().min(1, 'the remote port must be 1-65535').max(65535),
});
export type ForwardAddInput = z.input<typeof ForwardAddInput>;

export const ForwardState = z.enum(['listening', 'stopped', 'failed']);
export const Forward = z.object({
  id: z.string(),
  node: z.string(),
  bindAddress: z.string(),
  localPort: z.number().int(),
  remoteHost: z.string(),
  remotePort: z.number().int(),
  state: ForwardState,
  /** Connections open now, and since the forward started. */
  activeConnections: z.number().int(),
  totalConnections: z.number().int(),
  /** e.g. http://127.0.0.1:8888/ */
  url: z.string(),
  /** Last error of a connection through it, if any. */
  lastError: z.string().nullable(),
  startedAt: z.string(),
});
export type Forward = z.infer<typeof Forward>;

export const ForwardAddResult = z.object({
  forward: Forward,
  /** Set when the listener is reachable from other machines (not loopback). */
  warning: z.string().nullable(),
});
export type ForwardAddResult = z.infer<typeof ForwardAddResult>;

export const ForwardStopInput = z.object({ id: z.string().min(1) });
export const ForwardStopResult = z.object({ stopped: z.number().int() });
