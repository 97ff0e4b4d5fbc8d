// How a job's endpoint is found: the line a job prints, the first node of a Slurm node list, the
// pod whose port is the job's; and the jupyter/tensorboard templates print that line.
import { describe, expect, it } from 'vitest';
import { firstNode, mainPod, parseEndpointLines } from '../../../main/services/jobs/endpoints';
import { renderTemplate } from '../../../main/services/jobs/render';
import { BUILTIN_TEMPLATES } from '../../../main/services/jobs/builtinTemplates';
import type { PodInfo } from '../../../main/protocols/kubernetes';

describe('job endpoints', () => {
  it('reads clusterdeck-endpoint lines, the last per name winning, and ignores anything else', () => {
    const out = [
      'starting',
      'clusterdeck-endpoint jupyter gpu01 8888',
      'clusterdeck-endpoint tensorboard gpu01 6006  ',
      'clusterdeck-endpoint jupyter gpu02 8890',
      'clusterdeck-endpoint bad gpu01 70000',
      'clusterdeck-endpoint evil $(id) 1',
      '  clusterdeck-endpoint indented gpu01 1',
      'clusterdeck-endpoint v6 [fe80::1] 80',
    ].join('\n');
    expect(parseEndpointLines(out)).toEqual([
      { name: 'jupyter', host: 'gpu02', port: 8890 },
      { name: 'tensorboard', host: 'gpu01', port: 6006 },
      { name: 'v6', host: 'fe80::1', port: 80 },
    ]);
  });

  it('takes the first node of a Slurm node list', () => {
    expect(firstNode('gpu[03-04],cpu1')).toBe('gpu03');
    expect(firstNode('localhost')).toBe('localhost');
    expect(firstNode(null)).toBeNull();
    expect(firstNode('')).toBeNull();
  });

  it('prefers the running master/chief/launcher pod', () => {
    const pod = (name: string, role: string | null, phase = 'Running'): PodInfo => ({ name, namespace: 'ns', phase, node: null, containers: ['c'], role, raw: { metadata: { name } } });
    expect(mainPod([pod('a-worker-0', 'worker'), pod('a-master-0', 'master')])?.name).toBe('a-master-0');
    expect(mainPod([pod('a-master-0', 'master', 'Pending'), pod('a-worker-1', 'worker'), pod('a-worker-0', 'worker')])?.name).toBe('a-worker-0');
    expect(mainPod([pod('x', null, 'Pending')])).toBeNull();
  });

  it('has the jupyter and tensorboard templates report their node and port', () => {
    for (const name of ['jupyter', 'tensorboard']) {
      const t = BUILTIN_TEMPLATES.find((x) => x.name === name)!;
      const r = renderTemplate(t, 1, name === 'tensorboard' ? { port: 9999, logDir: 'runs' } : { port: 9999 }, { workDir: '/tmp' });
      expect(r.text).toContain(`echo clusterdeck-endpoint ${name} "\${SLURMD_NODENAME:-$(hostname)}" 9999\n`);
      expect(r.spec.endpoints).toEqual([{ name, port: 9999 }]);
    }
  });
});
