import { describe, expect, it } from 'vitest';
import { mapSlurmState, parseSacctJobs, sbatchArgs, shQuote } from '../../../main/protocols/slurm';
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

describe('sacct lines of jobs slurmctld has forgotten', () => {
  it('reads state, exit code, nodes and times; "None assigned" and "None" are empty; a requeued job keeps its last line', () => {
    const text = [
      '41|train|COMPLETED|None|gpu|gpu[01-02]|alice|1795400000|1795400010|1795403610|0:0',
      '42|oops|CANCELLED by 1000|None|debug|None assigned|bob|1795400000|Unknown|1795400005|0:15',
      '43|retry|REQUEUED|BeginTime|debug|gpu03|carol|1795400000|1795400001|1795400002|1:0',
      '43|retry|FAILED|NonZeroExitCode|debug|gpu03|carol|1795400000|1795400100|1795400200|1:0',
    ].join('\n');
    expect(parseSacctJobs(text)).toEqual([
      { id: '41', name: 'train', state: 'COMPLETED', reason: '', partition: 'gpu', nodes: 'gpu[01-02]', user: 'alice', exitCode: 0, submitTime: 1795400000, startTime: 1795400010, endTime: 1795403610, output: '' },
      { id: '42', name: 'oops', state: 'CANCELLED', reason: '', partition: 'debug', nodes: '', user: 'bob', exitCode: 0, submitTime: 1795400000, startTime: null, endTime: 1795400005, output: '' },
      { id: '43', name: 'retry', state: 'FAILED', reason: 'NonZeroExitCode', partition: 'debug', nodes: 'gpu03', user: 'carol', exitCode: 1, submitTime: 1795400000, startTime: 1795400100, endTime: 1795400200, output: '' },
    ]);
    expect(mapSlurmState(parseSacctJobs(text)[1].state)).toBe('cancelled');
  });
});
