// Simulated controllers for the test API server: what the training operator, the Job controller
// and Volcano's job controller do that the client can observe. On creation a job gets its pods
// (with the labels and ownerReferences the real controllers set) and its first status; after
// that it moves one step per advance() call, or per tick of a timer the test starts.

import type { FakeKubeApiServer, Obj } from './apiServer';
import type { ServedResource } from './resources';

type Step = 'Created' | 'Running' | 'Succeeded' | 'Failed' | 'Suspended';

interface Tracked {
  group: string;
  plural: string;
  namespace: string;
  name: string;
  step: Step;
}

const NEXT: Record<Step, Step | null> = { Created: 'Running', Running: 'Succeeded', Succeeded: null, Failed: null, Suspended: null };

export class Controllers {
  private readonly jobs = new Map<string, Tracked>();
  private timer: NodeJS.Timeout | null = null;
  /** Set false to create jobs that nothing reconciles (e.g. for seeding thousands of them). */
  enabled = true;

  constructor(private readonly server: FakeKubeApiServer) {}

  created(r: ServedResource, o: Obj): void {
    if (!this.enabled || !isJob(r)) {
      if (r.kind === 'Queue') openQueue(this.server, o);
      return;
    }
    const t: Tracked = { group: r.group, plural: r.plural, namespace: o.metadata.namespace ?? 'default', name: o.metadata.name, step: 'Created' };
    this.jobs.set(`${r.group}/${r.plural}/${t.namespace}/${t.name}`, t);
    // Like a real controller, react after the create call has answered.
    setImmediate(() => {
      const current = this.server.object(t.group, t.plural, t.namespace, t.name);
      if (!current) return;
      for (const pod of podsFor(r, current)) {
        this.server.create('', 'pods', pod);
        this.server.event(t.namespace, { kind: current.kind!, name: t.name, uid: current.metadata.uid }, 'SuccessfulCreatePod', `Created pod: ${pod.metadata.name}`);
      }
      this.setStatus(r, t, 'Created');
    });
  }

  /** A job's spec changed: suspending stops its pods and sets Suspended; resuming starts it again. */
  changed(r: ServedResource, o: Obj): void {
    if (!this.enabled || !isJob(r) || r.group === 'batch.volcano.sh') return;
    const t = this.jobs.get(`${r.group}/${r.plural}/${o.metadata.namespace}/${o.metadata.name}`);
    if (!t || t.step === 'Succeeded' || t.step === 'Failed') return;
    const suspend = r.group === 'batch' ? o.spec?.suspend === true : (o.spec?.runPolicy as { suspend?: boolean } | undefined)?.suspend === true;
    const suspended = t.step === 'Suspended';
    if (suspend === suspended) return;
    setImmediate(() => {
      if (suspend) {
        for (const pod of this.server.objects('', 'pods', t.namespace).filter((p) => p.metadata.ownerReferences?.some((ref) => ref.uid === o.metadata.uid))) this.server.remove('', 'pods', t.namespace, pod.metadata.name);
        t.step = 'Suspended';
        this.server.update(t.group, t.plural, t.namespace, t.name, (j) => {
          const now = new Date().toISOString();
          if (r.group === 'batch') j.status = { ...(j.status ?? {}), active: 0, conditions: [{ type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended', lastTransitionTime: now }] };
          else j.status = { ...(j.status ?? {}), conditions: [...((j.status?.conditions ?? []) as Array<Record<string, string>>).map((c) => (c.type === 'Running' ? { ...c, status: 'False' } : c)), { type: 'Suspended', status: 'True', reason: `${j.kind}Suspended`, message: `${j.kind} ${t.name} is suspended.`, lastTransitionTime: now }] };
        });
        this.server.event(t.namespace, { kind: o.kind!, name: t.name, uid: o.metadata.uid }, 'Suspended', `${o.kind} ${t.namespace}/${t.name} is suspended.`);
      } else {
        for (const pod of podsFor(r, o)) this.server.create('', 'pods', pod);
        this.setStatus(r, t, 'Running');
        t.step = 'Running';
        this.server.update(t.group, t.plural, t.namespace, t.name, (j) => {
          const conditions = ((j.status?.conditions ?? []) as Array<Record<string, string>>).map((c) => (c.type === 'Suspended' ? { ...c, status: 'False' } : c));
          if (r.group !== 'batch') j.status = { ...(j.status ?? {}), conditions };
          else j.status = { ...(j.status ?? {}), conditions: [] };
        });
      }
    });
  }

  /** Moves one job a step (Created → Running → Succeeded), or straight to `to`. */
  advance(group: string, plural: string, namespace: string, name: string, to?: Step): void {
    const t = this.jobs.get(`${group}/${plural}/${namespace}/${name}`);
    if (!t) throw new Error(`the controller does not know ${plural}.${group} ${namespace}/${name}`);
    const next = to ?? NEXT[t.step];
    if (!next || !this.server.object(group, plural, namespace, name)) return;
    t.step = next;
    const r = { group, plural, kind: this.server.object(group, plural, namespace, name)!.kind! } as ServedResource;
    this.setStatus(r, t, next);
    for (const pod of this.server.objects('', 'pods', namespace).filter((p) => p.metadata.ownerReferences?.some((o) => o.name === name))) {
      const phase = next === 'Running' ? 'Running' : next === 'Succeeded' ? 'Succeeded' : next === 'Failed' ? 'Failed' : 'Pending';
      this.server.update('', 'pods', namespace, pod.metadata.name, (p) => (p.status = { phase }));
      if (next === 'Succeeded' || next === 'Failed') this.server.endLog(namespace, pod.metadata.name);
    }
  }

  /** Advances every unfinished job one step each `ms` until stop(). */
  every(ms: number): void {
    this.stop();
    this.timer = setInterval(() => {
      for (const t of this.jobs.values()) if (NEXT[t.step]) this.advance(t.group, t.plural, t.namespace, t.name);
    }, ms);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private setStatus(r: Pick<ServedResource, 'group' | 'plural' | 'kind'>, t: Tracked, step: Step): void {
    const now = new Date().toISOString();
    const obj = this.server.object(t.group, t.plural, t.namespace, t.name);
    if (!obj) return;
    this.server.update(t.group, t.plural, t.namespace, t.name, (o) => {
      if (r.group === 'kubeflow.org') o.status = kubeflowStatus(o, step, now);
      else if (r.group === 'batch') o.status = batchStatus(o, step, now);
      else o.status = volcanoStatus(o, step, now);
    });
    const reason = r.group === 'kubeflow.org' ? `${obj.kind}${step}` : step;
    this.server.event(t.namespace, { kind: obj.kind!, name: t.name, uid: obj.metadata.uid }, reason, `${obj.kind} ${t.namespace}/${t.name} is ${step.toLowerCase()}.`, step === 'Failed' ? 'Warning' : 'Normal');
  }
}

function isJob(r: ServedResource): boolean {
  return ['PyTorchJob', 'MPIJob', 'TFJob'].includes(r.kind) || (r.kind === 'Job' && (r.group === 'batch' || r.group === 'batch.volcano.sh'));
}

function openQueue(server: FakeKubeApiServer, o: Obj): void {
  setImmediate(() => {
    if (server.object('scheduling.volcano.sh', 'queues', null, o.metadata.name)) server.update('scheduling.volcano.sh', 'queues', null, o.metadata.name, (q) => (q.status = { state: 'Open', pending: 0, inqueue: 0, running: 0 }));
  });
}

/** Kubeflow keeps every condition it ever set; the current one is the latest True. */
function kubeflowStatus(o: Obj, step: Step, now: string): Record<string, unknown> {
  const kind = o.kind!;
  const prior = ((o.status?.conditions ?? []) as Array<Record<string, string>>).map((c) => (c.type === 'Running' && step !== 'Running' ? { ...c, status: 'False' } : c));
  const conditions = [...prior, { type: step, status: 'True', reason: `${kind}${step}`, message: `${kind} ${o.metadata.namespace}/${o.metadata.name} is ${step.toLowerCase()}.`, lastUpdateTime: now, lastTransitionTime: now }];
  return { conditions, replicaStatuses: {}, startTime: o.status?.startTime ?? now, ...(step === 'Succeeded' || step === 'Failed' ? { completionTime: now } : {}) };
}

/** Volcano's job controller: the phase in status.state, and one condition per phase it entered (its time kept). */
function volcanoStatus(o: Obj, step: Step, now: string): Record<string, unknown> {
  const phase = ({ Created: 'Pending', Running: 'Running', Succeeded: 'Completed', Failed: 'Failed', Suspended: 'Aborted' } as const)[step];
  const conditions = [...((o.status?.conditions ?? []) as Array<Record<string, string>>), { status: phase, lastTransitionTime: now }];
  return { state: { phase, lastTransitionTime: now }, conditions, running: step === 'Running' ? 1 : 0 };
}

function batchStatus(o: Obj, step: Step, now: string): Record<string, unknown> {
  if (step === 'Created') return { active: 1, ready: 0, startTime: now };
  if (step === 'Running') return { active: 1, ready: 1, startTime: o.status?.startTime ?? now };
  const type = step === 'Succeeded' ? 'Complete' : 'Failed';
  return { succeeded: step === 'Succeeded' ? 1 : 0, failed: step === 'Failed' ? 1 : 0, startTime: o.status?.startTime, completionTime: now, conditions: [{ type, status: 'True', lastTransitionTime: now, lastProbeTime: now }] };
}

type PodTemplate = { metadata?: { labels?: Record<string, string> }; spec?: Record<string, unknown> };

function podsFor(r: ServedResource, job: Obj): Obj[] {
  const ns = job.metadata.namespace ?? 'default';
  const owner = { apiVersion: job.apiVersion!, kind: job.kind!, name: job.metadata.name, uid: job.metadata.uid!, controller: true };
  const pod = (name: string, labels: Record<string, string>, tpl: PodTemplate | undefined): Obj => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { ...(tpl?.metadata?.labels ?? {}), ...labels }, ownerReferences: [owner] },
    spec: structuredClone(tpl?.spec ?? { containers: [] }),
    status: { phase: 'Pending' },
  });
  const spec = job.spec ?? {};
  if (r.group === 'kubeflow.org') {
    const specs = (spec.pytorchReplicaSpecs ?? spec.mpiReplicaSpecs ?? spec.tfReplicaSpecs ?? {}) as Record<string, { replicas?: number; template?: PodTemplate }>;
    return Object.entries(specs).flatMap(([role, s]) =>
      Array.from({ length: s.replicas ?? 1 }, (_, i) =>
        pod(`${job.metadata.name}-${role.toLowerCase()}-${i}`, { 'training.kubeflow.org/job-name': job.metadata.name, 'training.kubeflow.org/replica-type': role.toLowerCase(), 'training.kubeflow.org/replica-index': String(i), 'training.kubeflow.org/operator-name': `${job.kind!.toLowerCase()}-controller` }, s.template),
      ),
    );
  }
  if (r.group === 'batch') {
    return [pod(`${job.metadata.name}-${job.metadata.uid!.slice(-5)}`, { 'job-name': job.metadata.name, 'batch.kubernetes.io/job-name': job.metadata.name, 'controller-uid': job.metadata.uid! }, spec.template as PodTemplate)];
  }
  const tasks = (spec.tasks ?? []) as Array<{ name: string; replicas?: number; template?: PodTemplate }>;
  return tasks.flatMap((t) => Array.from({ length: t.replicas ?? 1 }, (_, i) => pod(`${job.metadata.name}-${t.name}-${i}`, { 'volcano.sh/job-name': job.metadata.name, 'volcano.sh/task-spec': t.name }, t.template)));
}
