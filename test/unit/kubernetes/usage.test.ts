import { describe, expect, it } from 'vitest';
import { jobDevices, runTimes } from '../../../main/protocols/kubernetes/usage';
import { kubeUsage } from '../../../main/services/queues/kubeUsage';

const T0 = '2026-11-20T08:00:00Z';
const T1 = '2026-11-20T10:00:00Z';
const gpuContainer = (n: unknown, cpu?: string) => ({ resources: { limits: { 'nvidia.com/gpu': n, ...(cpu ? { cpu } : {}) } } });

describe('run times from a job\'s status', () => {
  it('Kubeflow and batch/v1: startTime and completionTime; a failed Kubeflow job ends at its Failed condition', () => {
    expect(runTimes('PyTorchJob', { status: { startTime: T0, completionTime: T1 } })).toEqual({ start: T0, end: T1 });
    expect(runTimes('Job', { status: { startTime: T0 } })).toEqual({ start: T0, end: null });
    expect(runTimes('MPIJob', { status: { startTime: T0, conditions: [{ type: 'Running', status: 'False' }, { type: 'Failed', status: 'True', lastTransitionTime: T1 }] } })).toEqual({ start: T0, end: T1 });
    expect(runTimes('Job', { status: { startTime: T0, conditions: [{ type: 'Failed', status: 'True', lastTransitionTime: T1 }] } })).toEqual({ start: T0, end: T1 });
    // Not started yet: nothing, and never an end without a start.
    expect(runTimes('TFJob', { status: { completionTime: T1 } })).toEqual({ start: null, end: null });
    expect(runTimes('Job', {})).toEqual({ start: null, end: null });
  });

  it('Volcano: the Running and the first finished phase\'s condition times, else the phase time', () => {
    expect(runTimes('VolcanoJob', { status: { state: { phase: 'Completed' }, conditions: [{ status: 'Pending', lastTransitionTime: '2026-11-20T07:00:00Z' }, { status: 'Running', lastTransitionTime: T0 }, { status: 'Completed', lastTransitionTime: T1 }] } })).toEqual({ start: T0, end: T1 });
    expect(runTimes('VolcanoJob', { status: { state: { phase: 'Running', lastTransitionTime: T0 } } })).toEqual({ start: T0, end: null });
    expect(runTimes('VolcanoJob', { status: { state: { phase: 'Pending', lastTransitionTime: T0 } } })).toEqual({ start: null, end: null });
    expect(runTimes('VolcanoJob', { status: { conditions: [{ status: 'Running', lastTransitionTime: 'not a time' }] } })).toEqual({ start: null, end: null });
  });
});

describe('devices from the replicas\' limits', () => {
  it('sums GPUs over replicas and containers, by vendor; CPU-only jobs count CPUs', () => {
    expect(jobDevices('PyTorchJob', { spec: { pytorchReplicaSpecs: { Master: { replicas: 1, template: { spec: { containers: [gpuContainer(2)] } } }, Worker: { replicas: 3, template: { spec: { containers: [gpuContainer('2')] } } } } } })).toEqual({ gpu: 8 });
    expect(jobDevices('MPIJob', { spec: { mpiReplicaSpecs: { Launcher: { replicas: 1, template: { spec: { containers: [{}] } } }, Worker: { replicas: 2, template: { spec: { containers: [{ resources: { limits: { 'amd.com/gpu': 4 } } }] } } } } } })).toEqual({ 'gpu:amd.com': 8 });
    expect(jobDevices('Job', { spec: { parallelism: 2, template: { spec: { containers: [gpuContainer(1), gpuContainer(0, '500m')] } } } })).toEqual({ gpu: 2 });
    expect(jobDevices('VolcanoJob', { spec: { tasks: [{ replicas: 3, template: { spec: { containers: [gpuContainer(0, '2')] } } }] } })).toEqual({ cpu: 6 });
    expect(jobDevices('Job', { spec: { template: { spec: { containers: [{ resources: { requests: { cpu: '250m' } } }] } } } })).toEqual({ cpu: 0.25 });
    expect(jobDevices('TFJob', { spec: {} })).toEqual({});
  });
});

describe('usage rows from recorded jobs', () => {
  const since = Date.parse('2026-11-20T00:00:00Z') / 1000;
  const until = Date.parse('2026-11-21T00:00:00Z') / 1000;
  it('books device-hours inside the window; running jobs are allocated now and book until now; idle stays unknown', () => {
    const { rows, totals } = kubeUsage([
      // Started before the window: only its part inside counts (2 h × 4 GPUs).
      { id: 1, user: 'alice', state: 'succeeded', start: '2026-11-19T22:00:00Z', end: '2026-11-20T02:00:00Z', devices: { gpu: 4 } },
      // Still running: 4 h until the end of the window, 2 GPUs allocated now.
      { id: 2, user: 'alice', state: 'running', start: '2026-11-20T20:00:00Z', end: null, devices: { gpu: 2 } },
      { id: 3, user: 'bob', state: 'failed', start: '2026-11-20T10:00:00Z', end: '2026-11-20T10:30:00Z', devices: { cpu: 2 } },
      // No devices recorded (a job from before migration 0009): books nothing.
      { id: 4, user: 'carol', state: 'succeeded', start: '2026-11-20T10:00:00Z', end: '2026-11-20T11:00:00Z', devices: null },
    ], since, until);
    expect(rows).toEqual([
      { user: 'alice', deviceType: 'gpu', allocated: 2, allocatedPreemptible: null, idleNow: null, runningJobs: 1, bookedHours: 8 + 8, idleHours: null, idlePercent: null },
      { user: 'bob', deviceType: 'cpu', allocated: 0, allocatedPreemptible: null, idleNow: null, runningJobs: 0, bookedHours: 1, idleHours: null, idlePercent: null },
    ]);
    expect(totals.map((t) => [t.deviceType, t.allocated, t.bookedHours, t.idleHours])).toEqual([['cpu', 0, 1, null], ['gpu', 2, 16, null]]);
  });
});
