import { describe, expect, it } from 'vitest';
import { kubeJobId, manifestOf, parseKubeJobId } from '../../../main/services/jobs/kubeJobs';

describe('Kubernetes job ids and manifests', () => {
  it('a job id is Kind/namespace/name and reads back', () => {
    expect(kubeJobId('PyTorchJob', 'team-a', 'ddp')).toBe('PyTorchJob/team-a/ddp');
    expect(parseKubeJobId('VolcanoJob/ns/g')).toEqual({ kind: 'VolcanoJob', namespace: 'ns', name: 'g' });
    expect(() => parseKubeJobId('12345')).toThrow(/"12345" is not a Kubernetes job id/);
    expect(() => parseKubeJobId('Deployment/ns/x')).toThrow(/not a Kubernetes job id/);
  });

  it('the manifest submitted is the preview text parsed, strings kept as strings', () => {
    const m = manifestOf('apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n      containers:\n        - args:\n            - "key: {"\n            - "\'; rm -rf ~ #"\n            - "yes"\n');
    const args = (m.spec as { template: { spec: { containers: Array<{ args: unknown[] }> } } }).template.spec.containers[0].args;
    expect(args).toEqual(['key: {', "'; rm -rf ~ #", 'yes']);
    expect(() => manifestOf('kind: Job\n')).toThrow(/no metadata.name/);
  });
});
