import { z } from 'zod';

// Byte streams (terminals: SSH shells, serial over LAN, later `kubectl exec`). Output travels as
// binary frames beside tRPC when the connection carries them (../streamFrames.ts: the `opened`
// event names the channel), else as base64 `data` events in sequenced chunks; the receiver acknowledges what it has rendered, and the producer
// pauses while too much is unacknowledged, so a flood cannot freeze the window or grow memory.

export const StreamOpenInput = z.object({
  kind: z.string().min(1).max(32),
  /** What to open: a node name for `ssh` and `sol`. */
  target: z.string().min(1).max(255),
  cols: z.number().int().min(1).max(1000).default(80),
  rows: z.number().int().min(1).max(500).default(24),
});

export const StreamEvent = z.discriminatedUnion('type', [
  /** `channel`: output comes as binary frames on this channel instead of `data` events. */
  z.object({ type: z.literal('opened'), id: z.string(), channel: z.number().int().min(0).optional() }),
  z.object({ type: z.literal('data'), seq: z.number().int(), data: z.string() }),
  z.object({ type: z.literal('exit'), code: z.number().int().nullable(), reason: z.string() }),
]);
export type StreamEvent = z.infer<typeof StreamEvent>;

export const StreamId = z.object({ id: z.string().min(1).max(64) });
export const StreamWrite = StreamId.extend({ data: z.string().max(1024 * 1024) });
export const StreamResize = StreamId.extend({ cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(500) });
export const StreamAck = StreamId.extend({ bytes: z.number().int().min(0) });
