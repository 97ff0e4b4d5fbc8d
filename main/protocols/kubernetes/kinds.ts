// The job kinds ClusterDeck drives on Kubernetes, with the facts each needs: where its REST
// collection lives, which label its pods carry, and what to tell the user when its CRD is absent.

export type JobKind = 'PyTorchJob' | 'MPIJob' | 'TFJob' | 'Job' | 'VolcanoJob';
export const JOB_KINDS: readonly JobKind[] = ['PyTorchJob', 'MPIJob', 'TFJob', 'Job', 'VolcanoJob'];

export interface KindInfo {
  /** "" for the core group. */
  group: string;
  version: string;
  plural: string;
  /** The object's own `kind` field (VolcanoJob is `Job` in batch.volcano.sh). */
  kind: string;
  namespaced: boolean;
  /** Label every pod of a job of this kind carries, set to the job's name. */
  podLabel?: string;
  /** Defined by a CRD: a 404 on the group means the operator is not installed. */
  crd?: { operator: string };
}

export const KINDS: Record<JobKind | 'Queue', KindInfo> = {
  PyTorchJob: { group: 'kubeflow.org', version: 'v1', plural: 'pytorchjobs', kind: 'PyTorchJob', namespaced: true, podLabel: 'training.kubeflow.org/job-name', crd: { operator: "Kubeflow's training operator" } },
  MPIJob: { group: 'kubeflow.org', version: 'v1', plural: 'mpijobs', kind: 'MPIJob', namespaced: true, podLabel: 'training.kubeflow.org/job-name', crd: { operator: "Kubeflow's training operator (MPIJob)" } },
  TFJob: { group: 'kubeflow.org', version: 'v1', plural: 'tfjobs', kind: 'TFJob', namespaced: true, podLabel: 'training.kubeflow.org/job-name', crd: { operator: "Kubeflow's training operator (TFJob)" } },
  Job: { group: 'batch', version: 'v1', plural: 'jobs', kind: 'Job', namespaced: true, podLabel: 'job-name' },
  VolcanoJob: { group: 'batch.volcano.sh', version: 'v1alpha1', plural: 'jobs', kind: 'Job', namespaced: true, podLabel: 'volcano.sh/job-name', crd: { operator: 'Volcano' } },
  Queue: { group: 'scheduling.volcano.sh', version: 'v1beta1', plural: 'queues', kind: 'Queue', namespaced: false, crd: { operator: 'Volcano' } },
};

/**
 * The kind a manifest is, from its apiVersion and kind. MPIJob also comes as kubeflow.org/v2beta1
 * (the standalone mpi-operator, which the horovod template targets); the version is kept so the
 * object is created where the manifest says.
 */
export function kindOfManifest(manifest: { apiVersion?: unknown; kind?: unknown }): { kind: JobKind; version: string } | null {
  const apiVersion = String(manifest.apiVersion ?? '');
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === 'kubeflow.org' && manifest.kind === 'PyTorchJob') return { kind: 'PyTorchJob', version };
  if (group === 'kubeflow.org' && manifest.kind === 'MPIJob') return { kind: 'MPIJob', version };
  if (group === 'kubeflow.org' && manifest.kind === 'TFJob') return { kind: 'TFJob', version };
  if (group === 'batch' && manifest.kind === 'Job') return { kind: 'Job', version };
  if (group === 'batch.volcano.sh' && manifest.kind === 'Job') return { kind: 'VolcanoJob', version };
  return null;
}

export function apiVersionOf(info: KindInfo, version = info.version): string {
  return info.group ? `${info.group}/${version}` : version;
}

/** The REST path of a collection (name omitted) or of one object. */
export function resourcePath(info: KindInfo, namespace: string | null, name?: string, version = info.version): string {
  const base = info.group ? `/apis/${info.group}/${version}` : `/api/${version}`;
  const ns = info.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? 'default')}` : '';
  return `${base}${ns}/${info.plural}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
}
