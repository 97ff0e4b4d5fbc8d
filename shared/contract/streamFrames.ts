// Console output travels beside tRPC as binary frames on the same connection (a WebSocket binary
// message for `serve`, a Uint8Array on the one IPC channel for the desktop app): no JSON, no
// base64. The subscription's `opened` event names the channel; `exit` still comes through tRPC,
// after the last frame, because both share one ordered connection.
//
// Frame: byte 0 = STREAM_FRAME_DATA, bytes 1-3 = 0, bytes 4-7 = channel (u32 BE),
// bytes 8-11 = sequence number (u32 BE, wraps), then the raw output bytes.

export const STREAM_FRAME_DATA = 1;
export const STREAM_FRAME_HEADER = 12;

/** Where a connection's binary frames go (the context of each front door that has one). */
export type StreamFrameSink = (frame: Uint8Array) => void;

export interface StreamFrame {
  channel: number;
  seq: number;
  /** A view into the frame: no copy. */
  bytes: Uint8Array;
}

export function encodeStreamFrame(channel: number, seq: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(STREAM_FRAME_HEADER + payload.length);
  const view = new DataView(frame.buffer);
  view.setUint8(0, STREAM_FRAME_DATA);
  view.setUint32(4, channel >>> 0);
  view.setUint32(8, seq >>> 0);
  frame.set(payload, STREAM_FRAME_HEADER);
  return frame;
}

/** The frame in `data`, or null when it is not one of ours (short, or another type). */
export function decodeStreamFrame(data: ArrayBuffer | Uint8Array): StreamFrame | null {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.length < STREAM_FRAME_HEADER || bytes[0] !== STREAM_FRAME_DATA) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, STREAM_FRAME_HEADER);
  return { channel: view.getUint32(4), seq: view.getUint32(8), bytes: bytes.subarray(STREAM_FRAME_HEADER) };
}
