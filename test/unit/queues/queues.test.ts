// The queues view's arithmetic: TRES and gres parsing, node classes, partition folding, and
// per-user booked hours clipped to the window (what Apulis's user status table shows).
import { describe, expect, it } from 'vitest';
import { available, parseQuantity, accountedJobs, activeJobs, classifyNode, summarizeNodes, cpuSeconds, gpusOfGres, parseTres, summarizePartitions, usageRows, type QueueJob } from '../../../main/services/queues';
import { parseQuota } from '../../../main/hosts/cli/commands/queues';
import type { SlurmNode, SlurmPartition } from '../../../main/protocols/slurm';

const node = (name: string, state: string, cpus: number, gres = '', reason = '', partitions = ['gpu']): SlurmNode => ({ name, state, cpus, gres, reason, partitions });
const job = (over: Partial<QueueJob>): QueueJob => ({ id: '1', user: 'alice', state: 'RUNNING', partition: 'gpu', cpus: 1, gpus: {}, start: 0, ...over });

describe('Slurm parsing', () => {
  it('reads CPUs and GPUs from TRES, keeping the typed split when Slurm gives it', () => {
    expect(parseTres('cpu=8,mem=64G,node=1,billing=8,gres/gpu=4')).toEqual({ cpus: 8, gpus: { gpu: 4 } });
    expect(parseTres('cpu=16,node=2,gres/gpu=6,gres/gpu:a100=4,gres/gpu:t4=2')).toEqual({ cpus: 16, gpus: { 'gpu:a100': 4, 'gpu:t4': 2 } });
    expect(parseTres('cpu=1,node=1,billing=1')).toEqual({ cpus: 1, gpus: {} });
    expect(parseTres('')).toEqual({ cpus: 0, gpus: {} });
  });

  it('counts GPUs in a node\'s gres, with types and socket bindings', () => {
    expect(gpusOfGres('gpu:a100:4(S:0-1),gpu:t4:2')).toBe(6);
    expect(gpusOfGres('gpu:8')).toBe(8);
    expect(gpusOfGres('mps:100,gpu:2(S:0)')).toBe(2);
    expect(gpusOfGres('')).toBe(0);
  });

  it('classifies node states; a drained idle node (reason set) is down', () => {
    expect(classifyNode({ state: 'idle', reason: '' })).toBe('idle');
    expect(classifyNode({ state: 'mixed', reason: '' })).toBe('mixed');
    expect(classifyNode({ state: 'allocated', reason: '' })).toBe('allocated');
    expect(classifyNode({ state: 'down', reason: 'Not responding' })).toBe('down');
    expect(classifyNode({ state: 'IDLE+DRAIN', reason: 'bad dimm' })).toBe('down');
    expect(classifyNode({ state: 'idle', reason: 'maintenance' })).toBe('down');
  });

  it('reads sacct TotalCPU durations', () => {
    expect(cpuSeconds('1-02:03:04')).toBe(93784);
    expect(cpuSeconds('03:04.500')).toBe(184.5);
    expect(cpuSeconds('')).toBeNull();
  });
});

describe('partition summary', () => {
  const parts: SlurmPartition[] = [{ name: 'gpu', state: 'UP', nodes: 'g[1-4]', isDefault: true, totalCpus: 128, totalNodes: 4 }];
  const nodes = [node('g1', 'idle', 32, 'gpu:a100:8'), node('g2', 'mixed', 32, 'gpu:a100:8'), node('g3', 'allocated', 32, 'gpu:a100:8'), node('g4', 'down', 32, 'gpu:a100:8', 'Not responding'), node('c1', 'idle', 64, '', '', ['cpu'])];

  it('folds nodes, CPUs and GPUs from nodes and running jobs', () => {
    const jobs = [job({ cpus: 32, gpus: { 'gpu:a100': 8 } }), job({ id: '2', cpus: 8, gpus: { 'gpu:a100': 2 } }), job({ id: '3', state: 'PENDING', cpus: 4 }), job({ id: '4', partition: 'cpu', cpus: 64 })];
    const [p] = summarizePartitions(parts, nodes, jobs);
    expect(p).toEqual({
      name: 'gpu', state: 'UP', isDefault: true, nodeList: 'g[1-4]',
      nodes: { total: 4, idle: 1, allocated: 2, mixed: 1, down: 1 },
      cpus: { total: 128, allocated: 40, down: 32, idle: 56 },
      gpus: { total: 32, allocated: 10, down: 8, idle: 14 },
      runningJobs: 2, pendingJobs: 1,
    });
  });

  it('lists each node with its class, CPUs and GPUs', () => {
    expect(summarizeNodes(nodes.slice(3))).toEqual([
      { name: 'g4', status: 'down', state: 'down', partitions: ['gpu'], cpus: 32, gpus: 8, reason: 'Not responding' },
      { name: 'c1', status: 'idle', state: 'idle', partitions: ['cpu'], cpus: 64, gpus: 0, reason: '' },
    ]);
  });

  it('without jobs (slurmrestd): allocated nodes count their CPUs, GPU allocation is unknown', () => {
    const [p] = summarizePartitions(parts, nodes, null);
    expect(p.cpus).toEqual({ total: 128, allocated: 32, down: 32, idle: 64 });
    expect(p.gpus).toEqual({ total: 32, allocated: null, down: 8, idle: null });
    expect(p.runningJobs).toBeNull();
  });
});

describe('per-user usage', () => {
  const H = 3600;
  const since = 1_000_000;
  const until = since + 30 * 24 * H;

  it('books device-hours inside the window, adds running jobs not yet accounted, totals per device type', () => {
    const { rows, totals } = usageRows(
      [job({ id: '10', user: 'bob', gpus: { 'gpu:a100': 4 }, cpus: 16, start: until - 2 * H }), job({ id: '11', user: 'alice', cpus: 2, start: until - H }), job({ id: '12', state: 'PENDING', user: 'carol', cpus: 8, start: null })],
      [
        { id: '1', user: 'alice', devices: { cpu: 4 }, start: since - 2 * H, end: since + H, cpuUsedSeconds: null }, // only 1 h inside
        { id: '2', user: 'bob', devices: { 'gpu:a100': 2 }, start: since + 10 * H, end: since + 13 * H, cpuUsedSeconds: null },
        { id: '11', user: 'alice', devices: { cpu: 2 }, start: until - H, end: null, cpuUsedSeconds: null }, // running, listed by slurmdbd
      ],
      since,
      until,
    );
    expect(rows).toEqual([
      { user: 'alice', deviceType: 'cpu', allocated: 2, allocatedPreemptible: null, idleNow: null, runningJobs: 1, bookedHours: 4 + 2, idleHours: null, idlePercent: null },
      { user: 'bob', deviceType: 'gpu:a100', allocated: 4, allocatedPreemptible: null, idleNow: null, runningJobs: 1, bookedHours: 6 + 8, idleHours: null, idlePercent: null },
    ]);
    expect(totals.map((t) => [t.deviceType, t.allocated, t.bookedHours])).toEqual([['cpu', 2, 6], ['gpu:a100', 4, 14]]);
  });

  it('idle CPU-hours from slurmdbd TotalCPU (allocated but unused), with a percentage', () => {
    const { rows } = usageRows([], [{ id: '1', user: 'dan', devices: { cpu: 4 }, start: since, end: since + 10 * H, cpuUsedSeconds: 10 * H }], since, until);
    expect(rows[0]).toMatchObject({ bookedHours: 40, idleHours: 30, idlePercent: 75 });
  });

  it('totals take the idle share from unrounded hours, so jobs of seconds agree with their rows', () => {
    // A two-second sleep on one CPU (what the e2e runs): 0.00 hours shown, but all of it idle.
    const { rows, totals } = usageRows([], [{ id: '1', user: 'root', devices: { cpu: 1 }, start: since + 100, end: since + 102, cpuUsedSeconds: 0.01 }], since, until);
    expect(rows[0]).toMatchObject({ bookedHours: 0, idleHours: 0, idlePercent: 100 });
    expect(totals[0]).toMatchObject({ bookedHours: 0, idleHours: 0, idlePercent: 100 });
  });
});

describe('CLI quota option', () => {
  it('parses resource=quantity lists and "none"', () => {
    expect(parseQuota('deserved', 'cpu=8, memory=64Gi,nvidia.com/gpu=4')).toEqual({ cpu: '8', memory: '64Gi', 'nvidia.com/gpu': '4' });
    expect(parseQuota('guarantee', 'none')).toBeNull();
    expect(() => parseQuota('capability', 'cpu')).toThrow(/--capability "cpu" is not resource=quantity/);
  });
});

describe('reading squeue and sacct output', () => {
  // A runner that answers like the commands do (the lab's own outputs for the completion log and
  // squeue --json; sacct -P's layout for slurmdbd, steps under their job as the lab's slurmdbd prints them); each call is recorded.
  function runner(answers: Array<(argv: string[]) => { code: number; stdout: string; stderr: string } | null>) {
    const calls: string[][] = [];
    return {
      calls,
      r: { where: 'test', run: async (argv: string[]) => { calls.push(argv); for (const a of answers) { const x = a(argv); if (x) return x; } throw new Error(`unexpected ${argv.join(' ')}`); } },
    };
  }
  const has = (word: string) => (argv: string[]) => argv.includes(word);

  it('slurmdbd: jobs with GPUs by type, CPU jobs with the CPU time they used, times as Unix seconds', async () => {
    const { r, calls } = runner([(a) => (has('--completion')(a) ? null : { code: 0, stderr: '', stdout: '101|alice|1795400000|1795403600|billing=8,cpu=8,gres/gpu=2,gres/gpu:a100=2,mem=64G,node=1|02:00:00|COMPLETED\n101.batch||1795400000|1795403600|cpu=8,gres/gpu=2,mem=64G,node=1|02:00:00|COMPLETED\n102|bob|1795400000|1795407200|billing=4,cpu=4,mem=8G,node=1|1:00:00|COMPLETED\n102.batch||1795400000|1795407200|cpu=4,mem=0,node=1|50:00.500|COMPLETED\n102.0||1795400000|1795407200|cpu=4,mem=0,node=1|09:59.500|COMPLETED\n103|carol|Unknown|Unknown|||PENDING\n104|dan|1795400000|Unknown|cpu=2,node=1|00:00:00|RUNNING\n' })]);
    const out = await accountedJobs(r, 30);
    // Steps are asked for (their CPU time is summed into the job's line) and then skipped.
    expect(calls[0]).toEqual(['env', 'SLURM_TIME_FORMAT=%s', 'sacct', '-a', '-n', '-P', '-S', 'now-30days', '-E', 'now', '-o', 'JobID,User,Start,End,AllocTRES,TotalCPU,State']);
    expect(out.source).toBe('slurmdbd');
    expect(out.jobs).toEqual([
      { id: '101', user: 'alice', devices: { 'gpu:a100': 2 }, start: 1795400000, end: 1795403600, cpuUsedSeconds: null },
      { id: '102', user: 'bob', devices: { cpu: 4 }, start: 1795400000, end: 1795407200, cpuUsedSeconds: 3600 },
      { id: '104', user: 'dan', devices: { cpu: 2 }, start: 1795400000, end: null, cpuUsedSeconds: null },
    ]);
  });

  it('no slurmdbd: falls back to the completion log, then to nothing, saying why', async () => {
    const disabled = () => ({ code: 0, stdout: '', stderr: 'Slurm accounting storage is disabled\n' });
    const comp = runner([(a) => (has('--completion')(a) ? { code: 0, stderr: '', stdout: '2|root(0)|1795439615|1795439715|2|COMPLETED\n' } : null), disabled]);
    expect(await accountedJobs(comp.r, 7)).toEqual({ source: 'jobcomp', detail: 'Slurm accounting storage is disabled', jobs: [{ id: '2', user: 'root', devices: { cpu: 2 }, start: 1795439615, end: 1795439715, cpuUsedSeconds: null }] });
    const none = runner([(a) => (has('--completion')(a) ? { code: 1, stdout: '', stderr: 'sacct: error: JobCompType is jobcomp/none\n' } : null), disabled]);
    expect(await accountedJobs(none.r, 7)).toEqual({ source: 'none', jobs: [], detail: 'Slurm accounting storage is disabled; sacct: error: JobCompType is jobcomp/none' });
  });

  it('squeue --json: active jobs with their TRES; a controller that does not answer is SLURM_UNREACHABLE', async () => {
    const json = JSON.stringify({ jobs: [
      { job_id: 7, user_name: 'alice', job_state: 'RUNNING', partition: 'gpu', tres_alloc_str: 'cpu=8,node=1,billing=8,gres/gpu=4', cpus: 8, start_time: 1795400000 },
      { job_id: 8, user_name: 'bob', job_state: 'PENDING', partition: 'gpu', tres_alloc_str: '', cpus: 2, start_time: 0 },
      { job_id: 9, user_name: 'bob', job_state: 'COMPLETED', partition: 'gpu', tres_alloc_str: 'cpu=1', cpus: 1, start_time: 1795400000 },
    ] });
    const ok = runner([() => ({ code: 0, stdout: json, stderr: '' })]);
    expect(await activeJobs(ok.r)).toEqual([
      { id: '7', user: 'alice', state: 'RUNNING', partition: 'gpu', cpus: 8, gpus: { gpu: 4 }, start: 1795400000 },
      { id: '8', user: 'bob', state: 'PENDING', partition: 'gpu', cpus: 2, gpus: {}, start: null },
    ]);
    const down = runner([() => ({ code: 1, stdout: '', stderr: 'slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n' })]);
    await expect(activeJobs(down.r)).rejects.toMatchObject({ code: 'SLURM_UNREACHABLE' });
  });
});

describe('Kubernetes quantities', () => {
  it('reads decimal, binary, milli and exponent forms', () => {
    expect(parseQuantity('500m')).toEqual({ value: 0.5, suffix: 'm' });
    expect(parseQuantity('64Gi')).toEqual({ value: 64 * 2 ** 30, suffix: 'Gi' });
    expect(parseQuantity('2e3')).toEqual({ value: 2000, suffix: '' });
    expect(parseQuantity('1.5k')).toEqual({ value: 1500, suffix: 'k' });
    expect(parseQuantity('eight')).toBeNull();
  });

  it('available = capability - allocated, in the capability\'s unit, never below zero', () => {
    expect(available({ cpu: '16', memory: '1Ti', 'nvidia.com/gpu': '8' }, { cpu: '3500m', memory: '256Gi', 'nvidia.com/gpu': '10' })).toEqual({ cpu: '12.5', memory: '0.75Ti', 'nvidia.com/gpu': '0' });
    expect(available({ cpu: '4' }, null)).toEqual({ cpu: '4' });
    expect(available(null, { cpu: '1' })).toBeNull();
  });
});
