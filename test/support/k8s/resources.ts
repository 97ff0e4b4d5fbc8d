// The resources the test API server serves, keyed the way the real API server routes them:
// group/version/plural. A group that is "not installed" simply has no entry, so every path
// under it is the API server's plain "404 page not found", exactly as when a CRD is missing.

export interface ServedResource {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  /** Which optional component brings it (absent: built into Kubernetes). */
  addon?: 'kubeflow' | 'volcano';
}

export const RESOURCES: ServedResource[] = [
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true },
  { group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true },
  { group: 'batch', version: 'v1', plural: 'jobs', kind: 'Job', namespaced: true },
  { group: 'kubeflow.org', version: 'v1', plural: 'pytorchjobs', kind: 'PyTorchJob', namespaced: true, addon: 'kubeflow' },
  { group: 'kubeflow.org', version: 'v1', plural: 'mpijobs', kind: 'MPIJob', namespaced: true, addon: 'kubeflow' },
  { group: 'kubeflow.org', version: 'v1', plural: 'tfjobs', kind: 'TFJob', namespaced: true, addon: 'kubeflow' },
  { group: 'kubeflow.org', version: 'v2beta1', plural: 'mpijobs', kind: 'MPIJob', namespaced: true, addon: 'kubeflow' },
  { group: 'batch.volcano.sh', version: 'v1alpha1', plural: 'jobs', kind: 'Job', namespaced: true, addon: 'volcano' },
  { group: 'scheduling.volcano.sh', version: 'v1beta1', plural: 'queues', kind: 'Queue', namespaced: false, addon: 'volcano' },
];

export function resourceId(r: Pick<ServedResource, 'group' | 'plural'>): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

export interface Cause {
  reason: string;
  message: string;
  field: string;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

type Obj = { apiVersion?: string; kind?: string; metadata?: { name?: string }; spec?: Record<string, unknown> };

/** What the API server (its OpenAPI schema for CRDs, or built-in validation) would refuse. */
export function validate(r: ServedResource, o: Obj): Cause[] {
  const causes: Cause[] = [];
  const name = o.metadata?.name;
  if (!name) causes.push({ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' });
  else if (!DNS_SUBDOMAIN.test(name)) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`, field: 'metadata.name' });
  const spec = o.spec ?? {};
  const checkPod = (tpl: unknown, field: string) => {
    const containers = (tpl as { spec?: { containers?: Array<{ name?: string; image?: string }> } } | undefined)?.spec?.containers;
    if (!Array.isArray(containers) || containers.length === 0) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${field}.spec.containers` });
    else containers.forEach((c, i) => {
      if (!c.image) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${field}.spec.containers[${i}].image` });
    });
  };
  const replicaSpecs = (key: string) => {
    const specs = spec[key] as Record<string, { replicas?: unknown; template?: unknown }> | undefined;
    if (!specs || typeof specs !== 'object') return causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `spec.${key}` });
    for (const [role, s] of Object.entries(specs)) {
      if (s.replicas !== undefined && (!Number.isInteger(s.replicas) || (s.replicas as number) < 0)) causes.push({ reason: 'FieldValueTypeInvalid', message: `Invalid value: ${JSON.stringify(s.replicas)}: spec.${key}.${role}.replicas in body must be of type integer`, field: `spec.${key}.${role}.replicas` });
      checkPod(s.template, `spec.${key}.${role}.template`);
    }
  };
  if (r.kind === 'PyTorchJob') replicaSpecs('pytorchReplicaSpecs');
  if (r.kind === 'MPIJob') replicaSpecs('mpiReplicaSpecs');
  if (r.kind === 'TFJob') replicaSpecs('tfReplicaSpecs');
  if (r.kind === 'Job' && r.group === 'batch') checkPod(spec.template, 'spec.template');
  if (r.kind === 'Job' && r.group === 'batch.volcano.sh') {
    const tasks = spec.tasks as Array<{ name?: string; template?: unknown }> | undefined;
    if (!Array.isArray(tasks) || tasks.length === 0) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.tasks' });
    else tasks.forEach((t, i) => checkPod(t.template, `spec.tasks[${i}].template`));
  }
  if (r.kind === 'Queue') {
    if (spec.weight !== undefined && (!Number.isInteger(spec.weight) || (spec.weight as number) < 1)) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(spec.weight)}: weight must be a positive integer`, field: 'spec.weight' });
    if (spec.reclaimable !== undefined && typeof spec.reclaimable !== 'boolean') causes.push({ reason: 'FieldValueTypeInvalid', message: 'Invalid value: must be of type boolean', field: 'spec.reclaimable' });
  }
  return causes;
}
