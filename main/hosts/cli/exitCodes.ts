import { TRPCError } from '@trpc/server';
import { toAppErrorData } from '../../../shared/contract/trpc';

// 0: everything worked. 1: some targets of a batch failed (or an unexpected fault).
// 2: the command line or its input was wrong — the user can fix it and run again.
export const EXIT_OK = 0;
export const EXIT_SOME_FAILED = 1;
export const EXIT_USAGE = 2;

export class CliExit extends Error {
  constructor(readonly code: number, message = '') {
    super(message);
  }
}

export function describeError(error: unknown): { message: string; exit: number } {
  const data = toAppErrorData(error instanceof TRPCError || !(error instanceof Error) ? error : error);
  const exit = data.code === 'INTERNAL' ? EXIT_SOME_FAILED : EXIT_USAGE;
  return { message: data.message, exit };
}
