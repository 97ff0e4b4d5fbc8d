import { describe, expect, it } from 'vitest';
import { mapSlurmState, sbatchArgs, shQuote } from '../../../main/protocols/slurm';
import { execFileSync } from 'node:child_process';

describe('Slurm state mapping', () => {
  it.each([
    ['PENDING', '', 'queued'],
    ['PENDING', 'JobHeldUser', 'paused'],
    ['CONFIGURING', '', 'scheduling'],
    ['RUNNING', '', 'running'],
    ['COMPLETING', '', 'running'],
    ['SUSPENDED', '', 'paused'],
    ['COMPLETED', '', 'succeeded'],
    ['FAILED', '', 'failed'],
    ['TIMEOUT', '', 'failed'],
    ['OUT_OF_MEMORY', '', 'failed'],
    ['CANCELLED by 0', '', 'cancelled'],
    ['PREEMPTED', '', 'cancelled'],
    ['SOMETHING_NEW', '', 'unknown'],
  ])('%s (%s) -> %s', (raw, reason, want) => {
    expect(mapSlurmState(raw, reason)).toBe(want);
  });
});

describe('sbatch arguments and shell quoting', () => {
  it('puts each option in one argv word and refuses bad environment names', () => {
    const a = sbatchArgs({ script: '', name: "a b'; rm -rf ~ #", cwd: '/tmp/x y', partition: 'gpu', nodes: 2, tasksPerNode: 4, gpusPerNode: 1, gpuType: 'a100', nice: 5 });
    expect(a).toContain("--job-name=a b'; rm -rf ~ #");
    expect(a).toContain('--gres=gpu:a100:1');
    expect(a).toContain('--chdir=/tmp/x y');
    expect(() => sbatchArgs({ script: '', name: 'x', cwd: '/', env: { 'A;B': '1' } })).toThrow(/not a valid name/);
  });

  it('shQuote makes any value one literal word for sh', () => {
    for (const v of ["'; rm -rf ~ #", '$(id)', '`id`', 'a\nb', 'x: {', '', "it's"]) {
      expect(execFileSync('sh', ['-c', `printf %s ${shQuote(v)}`], { encoding: 'utf8' })).toBe(v);
    }
  });
});
