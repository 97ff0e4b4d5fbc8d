// toJobState: each kind's status → ClusterDeck's job states, the raw state kept.
import { describe, expect, it } from 'vitest';
import { toJobState } from '../../../main/protocols/kubernetes';

const cond = (type: string, status = 'True', t = '2026-01-01T00:00:00Z', reason = '', message = '') => ({ type, status, lastTransitionTime: t, reason, message });

describe('toJobState: Kubeflow (PyTorchJob, MPIJob)', () => {
  it('no status yet is queued', () => {
    expect(toJobState('PyTorchJob', { metadata: { name: 'x' } })).toEqual({ state: 'queued', rawState: 'Pending', reason: null });
    expect(toJobState('MPIJob', { status: { conditions: [] } })).toMatchObject({ state: 'queued' });
  });

  it.each([
    ['Created', 'scheduling'],
    ['Running', 'running'],
    ['Restarting', 'running'],
    ['Suspended', 'paused'],
    ['Succeeded', 'succeeded'],
    ['Failed', 'failed'],
  ])('latest True condition %s → %s', (type, state) => {
    const o = { status: { conditions: [cond('Created', 'True', '2026-01-01T00:00:00Z'), cond(type, 'True', '2026-01-01T00:05:00Z', `PyTorchJob${type}`, 'why')] } };
    expect(toJobState('PyTorchJob', o)).toEqual({ state, rawState: type, reason: `PyTorchJob${type}: why` });
  });

  it('ignores conditions that are False (Running turns False once the job succeeded)', () => {
    const o = { status: { conditions: [cond('Created', 'True', 't1'), cond('Running', 'False', 't2'), cond('Succeeded', 'True', 't3')] } };
    expect(toJobState('PyTorchJob', o).state).toBe('succeeded');
    expect(toJobState('PyTorchJob', { status: { conditions: [cond('Created', 'True', 't1'), cond('Running', 'False', 't2')] } }).state).toBe('scheduling');
  });

  it('uses transition times, not array order', () => {
    const o = { status: { conditions: [cond('Running', 'True', '2026-01-01T00:10:00Z'), cond('Created', 'True', '2026-01-01T00:00:00Z')] } };
    expect(toJobState('MPIJob', o).rawState).toBe('Running');
  });

  it('suspend asked but not yet suspended is pausing; deletion in progress is cancelled', () => {
    expect(toJobState('PyTorchJob', { spec: { runPolicy: { suspend: true } }, status: { conditions: [cond('Running')] } })).toMatchObject({ state: 'pausing', rawState: 'Running' });
    expect(toJobState('PyTorchJob', { metadata: { deletionTimestamp: 't' }, status: { conditions: [cond('Running')] } })).toMatchObject({ state: 'cancelled', rawState: 'Terminating' });
    // A finished job being deleted stays finished.
    expect(toJobState('PyTorchJob', { metadata: { deletionTimestamp: 't' }, status: { conditions: [cond('Failed')] } }).state).toBe('failed');
  });
});

describe('toJobState: batch/v1 Job', () => {
  it.each([
    [{}, 'queued', 'Pending'],
    [{ status: { active: 2, ready: 0 } }, 'scheduling', 'Active'],
    [{ status: { active: 2, ready: 2 } }, 'running', 'Active'],
    [{ status: { active: 1 } }, 'running', 'Active'],
    [{ status: { conditions: [cond('Complete')] } }, 'succeeded', 'Complete'],
    [{ status: { conditions: [cond('SuccessCriteriaMet'), cond('Complete')] } }, 'succeeded', 'Complete'],
    [{ status: { conditions: [cond('Failed', 'True', 't', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')] } }, 'failed', 'Failed'],
    [{ status: { active: 1, conditions: [cond('FailureTarget')] } }, 'failed', 'FailureTarget'],
    [{ spec: { suspend: true }, status: { active: 1 } }, 'pausing', 'Suspending'],
    [{ spec: { suspend: true }, status: { conditions: [cond('Suspended')] } }, 'paused', 'Suspended'],
    [{ metadata: { deletionTimestamp: 't' }, status: { active: 1 } }, 'cancelled', 'Terminating'],
  ])('%j → %s (%s)', (o, state, rawState) => {
    expect(toJobState('Job', o)).toMatchObject({ state, rawState });
  });

  it('keeps the reason a Job failed', () => {
    expect(toJobState('Job', { status: { conditions: [cond('Failed', 'True', 't', 'DeadlineExceeded', 'Job was active longer than specified deadline')] } }).reason).toBe('DeadlineExceeded: Job was active longer than specified deadline');
  });
});

describe('toJobState: Volcano Job', () => {
  it.each([
    ['Pending', 'queued'],
    ['Inqueue', 'scheduling'],
    ['Running', 'running'],
    ['Restarting', 'running'],
    ['Completing', 'running'],
    ['Completed', 'succeeded'],
    ['Aborting', 'pausing'],
    ['Aborted', 'paused'],
    ['Terminating', 'cancelled'],
    ['Terminated', 'cancelled'],
    ['Failed', 'failed'],
    ['SomethingNew', 'unknown'],
  ])('phase %s → %s', (phase, state) => {
    expect(toJobState('VolcanoJob', { status: { state: { phase, reason: 'r' } } })).toEqual({ state, rawState: phase, reason: 'r' });
  });

  it('no phase yet is queued', () => {
    expect(toJobState('VolcanoJob', {}).state).toBe('queued');
    expect(toJobState('VolcanoJob', null).state).toBe('queued');
  });
});
