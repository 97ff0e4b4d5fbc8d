import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SlurmPoller } from '../../../main/services/jobs/slurmPoller';

describe('SlurmPoller', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('polls a backend every interval until its jobs are finished, once per backend however often asked', async () => {
    let left = 3;
    const poll = vi.fn(async () => --left > 0);
    const p = new SlurmPoller(poll, 1000);
    p.ensure('lab');
    p.ensure('lab');
    await vi.advanceTimersByTimeAsync(999);
    expect(poll).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(poll).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(poll).toHaveBeenCalledTimes(3); // the third answer said nothing is left
    p.ensure('lab'); // a new submit starts it again
    await vi.advanceTimersByTimeAsync(1000);
    expect(poll).toHaveBeenCalledTimes(4);
    p.close();
  });

  it('keeps polling through a failed look (an unreachable login node) and stops on close', async () => {
    const poll = vi.fn(async () => { throw new Error('login node unreachable'); });
    const p = new SlurmPoller(poll, 1000);
    p.ensure('far');
    await vi.advanceTimersByTimeAsync(3000);
    expect(poll).toHaveBeenCalledTimes(3);
    p.close();
    await vi.advanceTimersByTimeAsync(5000);
    expect(poll).toHaveBeenCalledTimes(3);
  });

  it('stop() ends one backend and leaves the others', async () => {
    const poll = vi.fn(async (_backend: string) => true);
    const p = new SlurmPoller(poll, 1000);
    p.ensure('a');
    p.ensure('b');
    p.stop('a');
    await vi.advanceTimersByTimeAsync(2000);
    expect(poll.mock.calls.map((c) => c[0])).toEqual(['b', 'b']);
    p.close();
  });
});
