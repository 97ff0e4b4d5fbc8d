// Slurm job states mapped onto ClusterDeck's one job model; the raw state is always kept too.

import { isFinishedState, type JobState } from '../../../shared/contract/schemas/jobs';

export type { JobState };

const MAP: Record<string, JobState> = {
  PENDING: 'queued',
  REQUEUED: 'queued',
  REQUEUE_HOLD: 'paused',
  REQUEUE_FED: 'queued',
  RESV_DEL_HOLD: 'paused',
  CONFIGURING: 'scheduling',
  RESIZING: 'scheduling',
  RUNNING: 'running',
  COMPLETING: 'running',
  STAGE_OUT: 'running',
  SIGNALING: 'running',
  SUSPENDED: 'paused',
  STOPPED: 'paused',
  COMPLETED: 'succeeded',
  FAILED: 'failed',
  TIMEOUT: 'failed',
  NODE_FAIL: 'failed',
  OUT_OF_MEMORY: 'failed',
  BOOT_FAIL: 'failed',
  DEADLINE: 'failed',
  PREEMPTED: 'cancelled',
  CANCELLED: 'cancelled',
  REVOKED: 'cancelled',
  SPECIAL_EXIT: 'failed',
};

/** `raw` may carry flags ("CANCELLED by 0", "PENDING+HELD"); a held pending job counts as paused. */
export function mapSlurmState(raw: string, reason = ''): JobState {
  const base = raw.trim().split(/[\s+]/)[0].toUpperCase();
  const state = MAP[base] ?? 'unknown';
  if (state === 'queued' && /held/i.test(reason)) return 'paused';
  return state;
}

/** Whether the backend is done with a job (one definition for every backend, in the contract). */
export const isFinished = (state: JobState): boolean => isFinishedState(state);
