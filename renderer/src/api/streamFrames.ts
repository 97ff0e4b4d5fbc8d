import { decodeStreamFrame, type StreamFrame } from '../../../shared/contract/streamFrames';

type FrameListener = (frame: StreamFrame) => void;

const listeners = new Map<number, FrameListener>();
/** Frames that beat their stream's `opened` event here (they share a connection, but tRPC delivers a tick later). */
const early = new Map<number, StreamFrame[]>();
const MAX_EARLY_CHANNELS = 64;

/** A binary message from the connection: hand it to its console. */
export function deliverStreamFrame(data: ArrayBuffer | Uint8Array): void {
  const frame = decodeStreamFrame(data);
  if (!frame) return;
  const listener = listeners.get(frame.channel);
  if (listener) return listener(frame);
  let held = early.get(frame.channel);
  if (!held) {
    // Output of a stream nobody opens (it was closed meanwhile) must not pile up: keep the newest few channels.
    if (early.size >= MAX_EARLY_CHANNELS) early.delete(early.keys().next().value!);
    held = [];
    early.set(frame.channel, held);
  }
  held.push(frame);
}

/** Receives a channel's frames, starting with any that arrived before this call. */
export function listenStreamFrames(channel: number, listener: FrameListener): () => void {
  listeners.set(channel, listener);
  const held = early.get(channel);
  early.delete(channel);
  for (const f of held ?? []) listener(f);
  return () => { if (listeners.get(channel) === listener) listeners.delete(channel); };
}
