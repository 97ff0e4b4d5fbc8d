// Each kind's status → ClusterDeck's job states (shared/contract/schemas/jobs.ts). The backend's
// own words are kept in rawState so nothing is lost in translation.

import { isFinishedState, type JobState } from '../../../shared/contract/schemas/jobs';
import type { JobKind } from './kinds';

export interface MappedState {
  state: JobState;
  /** The backend's state as it said it: a condition type, a Volcano phase, "Terminating", ... */
  rawState: string;
  reason: string | null;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

interface K8sObject {
  metadata?: { deletionTimestamp?: string };
  spec?: { suspend?: boolean; runPolicy?: { suspend?: boolean } };
  status?: { conditions?: Condition[]; active?: number; ready?: number; succeeded?: number; failed?: number; state?: { phase?: string; reason?: string; message?: string } };
}

/** The condition in force: the latest True one (by transition time, then by position). */
function currentCondition(conditions: Condition[] | undefined, among: string[]): Condition | null {
  const trueOnes = (conditions ?? []).map((c, i) => ({ c, i })).filter(({ c }) => c.status === 'True' && among.includes(c.type ?? ''));
  trueOnes.sort((a, b) => (a.c.lastTransitionTime ?? '').localeCompare(b.c.lastTransitionTime ?? '') || a.i - b.i);
  return trueOnes.at(-1)?.c ?? null;
}

function why(c: Condition | null): string | null {
  if (!c) return null;
  return [c.reason, c.message].filter(Boolean).join(': ') || null;
}

const KUBEFLOW: Record<string, JobState> = { Created: 'scheduling', Running: 'running', Restarting: 'running', Suspended: 'paused', Succeeded: 'succeeded', Failed: 'failed' };

const VOLCANO: Record<string, JobState> = {
  Pending: 'queued',
  Inqueue: 'scheduling',
  Running: 'running',
  Restarting: 'running',
  Completing: 'running',
  Completed: 'succeeded',
  Aborting: 'pausing',
  Aborted: 'paused',
  Terminating: 'cancelled',
  Terminated: 'cancelled',
  Failed: 'failed',
};

export function toJobState(kind: JobKind, object: unknown): MappedState {
  const o = (object ?? {}) as K8sObject;
  const terminating = !!o.metadata?.deletionTimestamp;
  switch (kind) {
    case 'PyTorchJob':
    case 'MPIJob':
    case 'TFJob': {
      const c = currentCondition(o.status?.conditions, Object.keys(KUBEFLOW));
      if (terminating && !isFinal(c?.type)) return { state: 'cancelled', rawState: 'Terminating', reason: 'the job is being deleted' };
      const suspendAsked = o.spec?.runPolicy?.suspend === true;
      if (suspendAsked && c?.type !== 'Suspended' && !isFinal(c?.type)) return { state: 'pausing', rawState: c?.type ?? 'Suspending', reason: 'runPolicy.suspend is set' };
      if (!c) return { state: 'queued', rawState: 'Pending', reason: null };
      return { state: KUBEFLOW[c.type!], rawState: c.type!, reason: why(c) };
    }
    case 'Job': {
      const c = currentCondition(o.status?.conditions, ['Complete', 'Failed', 'Suspended', 'FailureTarget', 'SuccessCriteriaMet']);
      if (c?.type === 'Complete' || c?.type === 'SuccessCriteriaMet') return { state: 'succeeded', rawState: c.type, reason: why(c) };
      if (c?.type === 'Failed' || c?.type === 'FailureTarget') return { state: 'failed', rawState: c.type, reason: why(c) };
      if (terminating) return { state: 'cancelled', rawState: 'Terminating', reason: 'the job is being deleted' };
      if (c?.type === 'Suspended') return { state: 'paused', rawState: 'Suspended', reason: why(c) };
      if (o.spec?.suspend === true) return { state: 'pausing', rawState: 'Suspending', reason: 'spec.suspend is set' };
      const active = o.status?.active ?? 0;
      // `ready` (Kubernetes 1.24+) separates running pods from pods still waiting for a node.
      if (active > 0) return o.status?.ready === 0 ? { state: 'scheduling', rawState: 'Active', reason: `${active} pod(s) not ready yet` } : { state: 'running', rawState: 'Active', reason: null };
      return { state: 'queued', rawState: 'Pending', reason: null };
    }
    case 'VolcanoJob': {
      const phase = o.status?.state?.phase;
      const reason = [o.status?.state?.reason, o.status?.state?.message].filter(Boolean).join(': ') || null;
      if (!phase) return terminating ? { state: 'cancelled', rawState: 'Terminating', reason: 'the job is being deleted' } : { state: 'queued', rawState: 'Pending', reason: null };
      return { state: VOLCANO[phase] ?? 'unknown', rawState: phase, reason };
    }
  }
}

function isFinal(type: string | undefined): boolean {
  return type === 'Succeeded' || type === 'Failed';
}

/** Whether the backend is done with a job (one definition for every backend, in the contract). */
export const isFinished = (state: JobState): boolean => isFinishedState(state);
