// The tRPC instance every router in the contract is built with. The context is the only way a
// procedure reaches the outside world: `services` are interfaces declared in ./services.ts and
// implemented in main/, so this file (and the whole contract) stays free of Node and DOM.
import { initTRPC, TRPCError } from '@trpc/server';
import { AppError, type AppErrorData } from '../errors';
import type { Services } from './services';
import type { StreamFrameSink } from './streamFrames';

export type FrontDoor = 'app' | 'serve' | 'cli';

export interface Actor {
  /** Operating-system user who runs the front door; recorded in the audit log. */
  user: string;
  via: FrontDoor;
}

export interface Context {
  services: Services;
  actor: Actor;
  /** The connection's binary side channel for console output, where the front door has one. */
  frames?: StreamFrameSink;
}

const t = initTRPC.context<Context>().create({
  // Every error reaches the caller as AppErrorData (stable code + message key), whatever threw.
  errorFormatter({ shape, error }) {
    return { ...shape, data: { ...shape.data, stack: undefined, appError: toAppErrorData(error) } };
  },
});

export function toAppErrorData(error: unknown): AppErrorData {
  const cause = error instanceof TRPCError ? error.cause : error;
  if (AppError.is(cause)) return cause.toData();
  if (error instanceof TRPCError && error.code === 'BAD_REQUEST') {
    return { code: 'INVALID_INPUT', key: 'INVALID_INPUT', params: { detail: error.message }, message: `Invalid input: ${error.message}` };
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return { code: 'INTERNAL', key: 'INTERNAL', params: { detail: message }, message: `Internal error: ${message}` };
}

export const router = t.router;
export const procedure = t.procedure;
export const createCallerFactory = t.createCallerFactory;
