// KubeClient: the Kubernetes backend's protocol layer. One client is one kubeconfig context;
// withContext() gives a client on another context of the same kubeconfig. Every call takes an
// AbortSignal and has a timeout (default 15 s; streams time out only until they start).

import type { KubeConfig } from '@kubernetes/client-node';
import { AppError } from '../../../shared/errors';
import { resourceName } from './errors';
import { KINDS, apiVersionOf, kindOfManifest, resourcePath, type JobKind, type KindInfo } from './kinds';
import { listContexts, loadKubeconfig, useContext, type ContextInfo } from './kubeconfig';
import { podLogLines, type LogOptions } from './logs';
import { openPortForward, type PortForwardOptions } from './portForward';
import type { Duplex } from 'node:stream';
import { Transport, type CallOptions } from './transport';
import type { K8sObject, KubeEvent, ListOptions, Page, PodInfo, Queue, QueueChanges, QueueSpec, WatchEvent } from './types';
import { runWatch, type WatchOptions } from './watch';

export interface KubeClientOptions {
  /** Per-request timeout in ms (default 15,000). */
  timeoutMs?: number;
  /** API versions to use instead of KINDS' defaults, e.g. { MPIJob: 'v2beta1' } for the standalone mpi-operator. */
  versions?: Partial<Record<JobKind, string>>;
}

export interface DeleteOptions extends CallOptions {
  /** Background (default) deletes the job at once and its pods after; Foreground waits for the pods. */
  propagation?: 'Background' | 'Foreground' | 'Orphan';
}

export class KubeClient {
  private readonly transport: Transport;
  readonly context: ContextInfo;

  private constructor(
    private readonly text: string,
    private readonly kc: KubeConfig,
    context: string | undefined,
    private readonly options: KubeClientOptions,
  ) {
    this.context = useContext(kc, context);
    this.transport = new Transport(kc, options.timeoutMs ?? 15_000);
  }

  /** Parses kubeconfig text (YAML or JSON) and selects `context` (default: its current-context). */
  static fromKubeconfig(text: string, context?: string, options: KubeClientOptions = {}): KubeClient {
    return new KubeClient(text, loadKubeconfig(text), context, options);
  }

  /** The contexts of the kubeconfig; `current` marks this client's. */
  contexts(): ContextInfo[] {
    return listContexts(this.kc);
  }

  /** The same kubeconfig on another context. */
  withContext(context: string): KubeClient {
    return new KubeClient(this.text, loadKubeconfig(this.text), context, this.options);
  }

  get namespace(): string {
    return this.context.namespace;
  }

  private info(kind: JobKind | 'Queue'): KindInfo {
    const base = KINDS[kind];
    const version = kind !== 'Queue' ? this.options.versions?.[kind] : undefined;
    return version ? { ...base, version } : base;
  }

  private facts(info: KindInfo, verb: string, namespace: string | null, name?: string) {
    return { verb, resource: resourceName(info), info, namespace: info.namespaced ? namespace : null, name };
  }

  // ---- generic object calls -------------------------------------------------------------

  private get<T = K8sObject>(info: KindInfo, namespace: string | null, name: string, o: CallOptions = {}): Promise<T> {
    return this.transport.json<T>({ method: 'GET', path: resourcePath(info, namespace, name), ...o, facts: this.facts(info, 'get', namespace, name) });
  }

  private async list<T = K8sObject>(info: KindInfo, namespace: string | null, l: ListOptions & CallOptions = {}): Promise<Page<T>> {
    const res = await this.transport.json<{ items?: T[]; metadata?: { continue?: string; resourceVersion?: string; remainingItemCount?: number } }>({
      method: 'GET',
      path: resourcePath(info, namespace),
      query: { limit: l.limit, continue: l.continue || undefined, labelSelector: l.labelSelector, fieldSelector: l.fieldSelector },
      signal: l.signal,
      timeoutMs: l.timeoutMs,
      facts: this.facts(info, 'list', namespace),
    });
    return { items: res.items ?? [], continue: res.metadata?.continue || null, resourceVersion: res.metadata?.resourceVersion ?? '', remainingItemCount: res.metadata?.remainingItemCount ?? null };
  }

  /** Every page, `pageSize` at a time; the resourceVersion is the first page's (a consistent snapshot). */
  private async listAll<T = K8sObject>(info: KindInfo, namespace: string | null, o: ListOptions & CallOptions & { pageSize?: number } = {}): Promise<{ items: T[]; resourceVersion: string; pages: number }> {
    const items: T[] = [];
    let token: string | undefined;
    let resourceVersion = '';
    let pages = 0;
    do {
      const page = await this.list<T>(info, namespace, { ...o, limit: o.pageSize ?? 500, continue: token });
      if (pages === 0) resourceVersion = page.resourceVersion;
      pages += 1;
      items.push(...page.items);
      token = page.continue ?? undefined;
    } while (token);
    return { items, resourceVersion, pages };
  }

  private create<T = K8sObject>(info: KindInfo, namespace: string | null, body: unknown, o: CallOptions = {}): Promise<T> {
    return this.transport.json<T>({ method: 'POST', path: resourcePath(info, namespace), body, ...o, facts: this.facts(info, 'create', namespace, (body as K8sObject).metadata?.name) });
  }

  private replace<T = K8sObject>(info: KindInfo, namespace: string | null, name: string, body: unknown, o: CallOptions = {}): Promise<T> {
    return this.transport.json<T>({ method: 'PUT', path: resourcePath(info, namespace, name), body, ...o, facts: this.facts(info, 'update', namespace, name) });
  }

  private remove(info: KindInfo, namespace: string | null, name: string, o: DeleteOptions = {}): Promise<K8sObject> {
    return this.transport.json<K8sObject>({
      method: 'DELETE',
      path: resourcePath(info, namespace, name),
      body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: o.propagation ?? 'Background' },
      signal: o.signal,
      timeoutMs: o.timeoutMs,
      facts: this.facts(info, 'delete', namespace, name),
    });
  }

  // ---- jobs ------------------------------------------------------------------------------

  /**
   * Creates the job a rendered manifest describes (PyTorchJob, MPIJob, TFJob, batch/v1 Job, Volcano Job),
   * in metadata.namespace or the context's namespace. Returns the object as the server stored it.
   */
  async createJob(manifest: K8sObject, o: CallOptions = {}): Promise<K8sObject> {
    const found = kindOfManifest(manifest);
    if (!found) throw new AppError('K8S_INVALID', `ClusterDeck cannot submit a ${manifest.kind ?? '(no kind)'} of apiVersion ${manifest.apiVersion ?? '(none)'}: it runs PyTorchJob, MPIJob and TFJob (kubeflow.org), Job (batch/v1) and Job (batch.volcano.sh)`, { kind: String(manifest.kind ?? '') });
    const info = { ...this.info(found.kind), version: found.version };
    const namespace = manifest.metadata?.namespace || this.namespace;
    return this.create(info, namespace, manifest, o);
  }

  getJob(kind: JobKind, namespace: string, name: string, o: CallOptions = {}): Promise<K8sObject> {
    return this.get(this.info(kind), namespace, name, o);
  }

  /** One page of jobs: pass `continue` from the previous page; null means the end. */
  listJobs(kind: JobKind, namespace: string, o: ListOptions & CallOptions = {}): Promise<Page> {
    return this.list(this.info(kind), namespace, { limit: 500, ...o });
  }

  /** All jobs of a kind in a namespace, fetched in pages of `pageSize`. */
  listAllJobs(kind: JobKind, namespace: string, o: ListOptions & CallOptions & { pageSize?: number } = {}) {
    return this.listAll(this.info(kind), namespace, o);
  }

  deleteJob(kind: JobKind, namespace: string, name: string, o: DeleteOptions = {}): Promise<K8sObject> {
    return this.remove(this.info(kind), namespace, name, o);
  }

  /**
   * Pauses (suspend=true) or resumes a job: spec.runPolicy.suspend for Kubeflow jobs, spec.suspend
   * for batch/v1 Jobs, by JSON merge patch. The job then goes pausing → paused (toJobState).
   */
  async setSuspended(kind: JobKind, namespace: string, name: string, suspend: boolean, o: CallOptions = {}): Promise<K8sObject> {
    if (kind === 'VolcanoJob') {
      throw new AppError('K8S_UNSUPPORTED', 'Volcano jobs are paused and resumed through Volcano Command objects (vcctl job suspend/resume), which ClusterDeck does not send yet; delete and resubmit instead', { kind });
    }
    const info = this.info(kind);
    const patch = kind === 'Job' ? { spec: { suspend } } : { spec: { runPolicy: { suspend } } };
    return this.transport.json<K8sObject>({ method: 'PATCH', path: resourcePath(info, namespace, name), body: patch, contentType: 'application/merge-patch+json', ...o, facts: this.facts(info, 'patch', namespace, name) });
  }

  /** Deletes one pod (its job's controller recreates it, e.g. to restart a stuck worker). */
  async deletePod(namespace: string, name: string, o: DeleteOptions = {}): Promise<void> {
    await this.remove({ group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true }, namespace, name, o);
  }

  /**
   * Watches a kind in a namespace until `signal` aborts (then resolves). Starts with a SYNC of all
   * objects unless o.resourceVersion is given; resumes after dropped connections; re-lists (SYNC)
   * after 410 Gone. Rejects on what a retry cannot fix: 401, 403, a missing CRD.
   */
  watch(kind: JobKind | 'Queue', namespace: string | null, onEvent: (e: WatchEvent) => void, signal: AbortSignal, o: WatchOptions = {}): Promise<void> {
    const info = this.info(kind);
    return runWatch(
      this.transport,
      {
        path: resourcePath(info, namespace),
        facts: this.facts(info, 'watch', namespace),
        listAll: (s, labelSelector) => this.listAll(info, namespace, { signal: s, labelSelector, pageSize: o.pageSize }),
      },
      onEvent,
      signal,
      o,
    );
  }

  // ---- pods, logs, events ----------------------------------------------------------------

  /** The pods of a job, found by the label its kind's controller puts on them. */
  async podsOf(kind: JobKind, namespace: string, jobName: string, o: CallOptions = {}): Promise<PodInfo[]> {
    const label = KINDS[kind].podLabel!;
    const pods = await this.listAll<K8sObject>({ group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true }, namespace, { ...o, labelSelector: `${label}=${jobName}` });
    return pods.items.map(toPodInfo);
  }

  /** One TCP connection to a pod's port (pods/portforward over a WebSocket), as a Duplex. */
  portForward(namespace: string, pod: string, port: number, o: PortForwardOptions = {}): Promise<Duplex> {
    return openPortForward(this.transport, namespace, pod, port, o);
  }

  /** Log lines of a pod; follows by default. Abort o.signal to stop (the loop then just ends). */
  followLog(namespace: string, pod: string, o: LogOptions = {}): AsyncGenerator<string, void, undefined> {
    return podLogLines(this.transport, namespace, pod, o);
  }

  /** Events about one object (a job or a pod), oldest first. */
  async events(namespace: string, object: { name: string; kind?: string }, o: CallOptions = {}): Promise<KubeEvent[]> {
    const selector = [`involvedObject.name=${object.name}`, object.kind ? `involvedObject.kind=${object.kind}` : ''].filter(Boolean).join(',');
    const info: KindInfo = { group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true };
    const { items } = await this.listAll<RawEvent>(info, namespace, { ...o, fieldSelector: selector });
    return items.map(toEvent).sort((a, b) => (a.lastTime ?? '').localeCompare(b.lastTime ?? ''));
  }

  // ---- Volcano queues (cluster-scoped) ---------------------------------------------------

  async listQueues(o: CallOptions = {}): Promise<Queue[]> {
    const { items } = await this.listAll(this.info('Queue'), null, o);
    return items.map(toQueue);
  }

  async getQueue(name: string, o: CallOptions = {}): Promise<Queue> {
    return toQueue(await this.get(this.info('Queue'), null, name, o));
  }

  async createQueue(spec: QueueSpec, o: CallOptions = {}): Promise<Queue> {
    const info = this.info('Queue');
    const body: K8sObject = { apiVersion: apiVersionOf(info), kind: 'Queue', metadata: { name: spec.name }, spec: queueSpecBody(spec) };
    return toQueue(await this.create(info, null, body, o));
  }

  /** Changes a queue's quotas; read-modify-write with the resourceVersion, retried on a conflict. */
  async updateQueue(name: string, changes: QueueChanges, o: CallOptions = {}): Promise<Queue> {
    const info = this.info('Queue');
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(info, null, name, o);
      const spec = { ...(current.spec ?? {}) } as Record<string, unknown>;
      if (changes.weight !== undefined) spec.weight = changes.weight;
      if (changes.reclaimable !== undefined) spec.reclaimable = changes.reclaimable;
      for (const key of ['deserved', 'capability'] as const) {
        if (changes[key] === null) delete spec[key];
        else if (changes[key]) spec[key] = changes[key];
      }
      if (changes.guarantee === null) delete spec.guarantee;
      else if (changes.guarantee) spec.guarantee = { resource: changes.guarantee };
      try {
        return toQueue(await this.replace(info, null, name, { ...current, spec }, o));
      } catch (err) {
        if (!(AppError.is(err) && err.code === 'K8S_CONFLICT' && attempt < 3)) throw err;
      }
    }
  }

  async deleteQueue(name: string, o: CallOptions = {}): Promise<void> {
    await this.remove(this.info('Queue'), null, name, o);
  }

  // ---- discovery -------------------------------------------------------------------------

  /** Which job kinds this cluster serves (a kind whose CRD is missing is false). */
  async installedKinds(o: CallOptions = {}): Promise<Record<JobKind | 'Queue', boolean>> {
    const out = {} as Record<JobKind | 'Queue', boolean>;
    for (const kind of [...Object.keys(KINDS)] as Array<JobKind | 'Queue'>) {
      const info = this.info(kind);
      const path = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
      try {
        const res = await this.transport.json<{ resources?: Array<{ name: string }> }>({ method: 'GET', path, ...o, facts: { verb: 'get', resource: path, info } });
        out[kind] = (res.resources ?? []).some((r) => r.name === info.plural);
      } catch (err) {
        if (AppError.is(err) && (err.code === 'K8S_CRD_MISSING' || err.code === 'K8S_NOT_FOUND')) out[kind] = false;
        else throw err;
      }
    }
    return out;
  }
}

// ---- conversions -------------------------------------------------------------------------

function queueSpecBody(spec: QueueSpec): Record<string, unknown> {
  const body: Record<string, unknown> = { weight: spec.weight ?? 1, reclaimable: spec.reclaimable ?? true };
  if (spec.deserved) body.deserved = spec.deserved;
  if (spec.capability) body.capability = spec.capability;
  // Volcano nests the guarantee under `resource`.
  if (spec.guarantee) body.guarantee = { resource: spec.guarantee };
  return body;
}

/** A Volcano Queue object (as listed or as a watch delivers it) in the client's shape. */
export function toQueue(o: K8sObject): Queue {
  const spec = (o.spec ?? {}) as { weight?: number; reclaimable?: boolean; deserved?: Record<string, string>; capability?: Record<string, string>; guarantee?: { resource?: Record<string, string> } };
  const status = (o.status ?? {}) as { state?: string; pending?: number; inqueue?: number; running?: number };
  return {
    name: o.metadata.name,
    weight: spec.weight ?? 1,
    reclaimable: spec.reclaimable ?? true,
    deserved: spec.deserved ?? null,
    guarantee: spec.guarantee?.resource ?? null,
    capability: spec.capability ?? null,
    state: status.state ?? 'Unknown',
    jobs: { pending: status.pending ?? 0, inqueue: status.inqueue ?? 0, running: status.running ?? 0 },
    resourceVersion: o.metadata.resourceVersion ?? '',
    raw: o,
  };
}

function toPodInfo(p: K8sObject): PodInfo {
  const spec = (p.spec ?? {}) as { nodeName?: string; containers?: Array<{ name: string }> };
  const labels = p.metadata.labels ?? {};
  return {
    name: p.metadata.name,
    namespace: p.metadata.namespace ?? '',
    phase: String((p.status as { phase?: string } | undefined)?.phase ?? 'Unknown'),
    node: spec.nodeName ?? null,
    containers: (spec.containers ?? []).map((c) => c.name),
    role: labels['training.kubeflow.org/replica-type'] ?? labels['volcano.sh/task-spec'] ?? null,
    raw: p,
  };
}

interface RawEvent {
  metadata: { name: string };
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  source?: { component?: string };
  reportingComponent?: string;
  involvedObject?: { kind?: string; name?: string };
}

function toEvent(e: RawEvent): KubeEvent {
  return {
    type: e.type ?? 'Normal',
    reason: e.reason ?? '',
    message: e.message ?? '',
    count: e.count ?? 1,
    firstTime: e.firstTimestamp ?? e.eventTime ?? null,
    lastTime: e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? null,
    source: e.source?.component ?? e.reportingComponent ?? null,
    object: { kind: e.involvedObject?.kind ?? '', name: e.involvedObject?.name ?? '' },
  };
}
