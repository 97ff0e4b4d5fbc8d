// The desktop app's single IPC channel: the contract's JSON messages both directions, and console
// output frames (Uint8Array, see contract/streamFrames.ts) from main to the page.
export const IPC_CHANNEL = 'clusterdeck:trpc';
export const MAX_IPC_MESSAGE = 80 * 1024 * 1024;

/** What the preload exposes on `window.clusterdeck`, and nothing more. */
export interface PreloadBridge {
  send(message: string): void;
  onMessage(listener: (message: string | Uint8Array) => void): () => void;
}
