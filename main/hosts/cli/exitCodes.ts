import { TRPCError } from '@trpc/server';
import { toAppErrorData } from '../../../shared/contract/trpc';
import { exitOfErrorCode } from './exitStatus';

export { EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE } from './exitStatus';

export class CliExit extends Error {
  constructor(readonly code: number, message = '') {
    super(message);
  }
}

export function describeError(error: unknown): { message: string; exit: number } {
  const data = toAppErrorData(error instanceof TRPCError || !(error instanceof Error) ? error : error);
  return { message: data.message, exit: exitOfErrorCode(data.code) };
}
