/**
 * The part of AbortSignal the contract relies on. shared/ sees neither DOM nor Node types, and
 * tRPC hands resolvers a real AbortSignal, which fits this shape.
 */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
