export * from './types';
export {
  runBatch,
  statusOfCode,
  toErrorData,
  BATCH_TIMEOUT,
  BATCH_CANCELLED,
  BATCH_UNREACHABLE,
  BATCH_FAILED,
  BATCH_INVALID_OPTIONS,
} from './runBatch';
export { failedTargets, retryFailed, type RetryFilter } from './retry';
export { foldOutcomes, summarize, renderOutcome, compareNames, type OutcomeGroup } from './fold';
