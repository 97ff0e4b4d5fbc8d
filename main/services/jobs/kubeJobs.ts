// Jobs on a kubernetes backend: submit the previewed manifest as is, keep rows current from
// watches (one per job kind and namespace, started by long-running front doors; a CLI call lists
// once instead), pods, events, log tail and follow, delete with Background propagation.
// A watch-observed state change is completed in the audit log (module jobs, action state), which
// is ClusterDeck's change feed: the Jobs table of every window updates without a refresh.

import { parse } from 'yaml';
import type { Actor } from '../../../shared/contract/trpc';
import type { Backend, JobDetail, JobState } from '../../../shared/contract/schemas/jobs';
import { AppError } from '../../../shared/errors';
import { JOB_KINDS, KINDS, isFinished, jobDevices, kindOfManifest, runTimes, toJobState, type JobKind, type K8sObject, type KubeClient, type KubeEvent, type PodInfo, type WatchEvent } from '../../protocols/kubernetes';
import type { AuditLog } from '../audit/auditLog';
import type { JobStore } from './jobStore';
import { kubeClientForBackend, namespaceOf, type KubeconfigSource } from './kubeBackend';

/** A Kubernetes job's id in ClusterDeck: Kind/namespace/name (Kind: PyTorchJob, MPIJob, TFJob, Job, VolcanoJob). */
export function kubeJobId(kind: JobKind, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

export function parseKubeJobId(id: string): { kind: JobKind; namespace: string; name: string } {
  const [kind, namespace, name] = id.split('/');
  if (!JOB_KINDS.includes(kind as JobKind) || !namespace || !name) throw new AppError('JOB_BACKEND_INVALID', `"${id}" is not a Kubernetes job id (Kind/namespace/name)`, { id });
  return { kind: kind as JobKind, namespace, name };
}

/** The manifest object exactly as previewed (the YAML text is what the preview showed). */
export function manifestOf(text: string): K8sObject {
  const m = parse(text) as K8sObject;
  if (!m || typeof m !== 'object' || !m.metadata?.name) throw new AppError('JOB_TEMPLATE_INVALID', 'the rendered manifest has no metadata.name; give the template a name parameter', {});
  return m;
}

/** Where a Kubernetes job queues: its Volcano queue (Volcano Job spec.queue, Kubeflow runPolicy.schedulingPolicy.queue), else its namespace. */
export function kubeQueueOf(manifest: K8sObject, namespace: string): string {
  const spec = (manifest.spec ?? {}) as { queue?: unknown; runPolicy?: { schedulingPolicy?: { queue?: unknown } } };
  const queue = spec.queue ?? spec.runPolicy?.schedulingPolicy?.queue;
  return typeof queue === 'string' && queue ? queue : namespace;
}

/** How often a follow asks again for the log of a container that has not started. */
const FOLLOW_RETRY_MS = 2000;

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export const isKubeUnreachable = (err: unknown) => AppError.is(err) && (err.code === 'K8S_UNREACHABLE' || err.code === 'K8S_TIMEOUT');

export interface KubeJobsDeps {
  store: JobStore;
  audit: AuditLog;
  vault: KubeconfigSource;
  timeoutMs?: number;
  /** Told of every state change a watch or listing writes (completion hooks); a listing waits for what it returns. */
  onStateChange?: (actor: Actor, job: JobDetail) => Promise<void> | void;
}

interface Running {
  abort: AbortController;
  done: Promise<void>;
}

export class KubeJobs {
  private readonly watches = new Map<string, Running>();
  /** Completion hooks under way (a CLI listing waits for them before the process may exit). */
  private readonly told = new Set<Promise<void>>();
  /** Last watch failure per backend (a fatal one: expired token, missing CRD). */
  readonly watchErrors = new Map<string, string>();

  constructor(private readonly deps: KubeJobsDeps) {
    // A locked vault means no secret in use: clients hold a parsed kubeconfig (token, keys), so they go too.
    deps.vault.onLock?.(() => this.clients.clear());
  }

  private readonly versions = new Map<number, string | null>();

  /** The API version a job was created with (its manifest's), e.g. MPIJob v2beta1; null: the kind's default. */
  versionOf(job: JobDetail): string | null {
    if (!this.versions.has(job.id)) {
      let version: string | null = null;
      try {
        // Brief rows (watch events, listings) carry no manifest: read it once for this job, then it is cached.
        const text = job.rendered?.text ?? this.deps.store.job(job.id)?.rendered?.text ?? '';
        const api = String(manifestOf(text).apiVersion ?? '');
        version = api.includes('/') ? api.split('/')[1] : null;
      } catch {
        version = null;
      }
      this.versions.set(job.id, version);
    }
    return this.versions.get(job.id) ?? null;
  }

  /**
   * A client on the backend's context; with `job`, on the API version that job was created with. Clients are kept per
   * backend row (name, credential, context, creation time) and version, so the kubeconfig is read from the vault and
   * parsed once, not on every watch event or call; closeBackend() (remove, context switch, re-import) forgets them.
   */
  client(b: Backend, job?: JobDetail): KubeClient {
    const version = job?.backendJobId ? this.versionOf(job) : null;
    const kind = version ? parseKubeJobId(job!.backendJobId!).kind : null;
    const key = JSON.stringify([b.name, b.credential, b.context, b.url, b.createdAt, kind, version]);
    let c = this.clients.get(key);
    if (!c) {
      c = kubeClientForBackend(b, this.deps.vault, { timeoutMs: this.deps.timeoutMs, versions: kind && version ? { [kind]: version } : undefined });
      for (const k of this.clients.keys()) if (JSON.parse(k)[0] === b.name && JSON.parse(k)[4] !== b.createdAt) this.clients.delete(k); // a replaced row's
      this.clients.set(key, c);
    }
    return c;
  }

  private readonly clients = new Map<string, KubeClient>();

  /** Jobs watched and listed together: same kind, namespace and API version. */
  private groupKey(j: JobDetail): string {
    const { kind, namespace } = parseKubeJobId(j.backendJobId!);
    return `${kind}/${namespace}/${this.versionOf(j) ?? ''}`;
  }

  /** Creates the manifest's object; returns the backend job id and the object's namespace. */
  async submit(b: Backend, manifestText: string, signal?: AbortSignal): Promise<{ id: string; state: JobState; rawState: string; user: string; queue: string }> {
    const c = this.client(b);
    const manifest = manifestOf(manifestText);
    const found = kindOfManifest(manifest);
    if (!found) throw new AppError('K8S_INVALID', `ClusterDeck cannot submit a ${String(manifest.kind ?? '(no kind)')} of apiVersion ${String(manifest.apiVersion ?? '(none)')}: it runs PyTorchJob, MPIJob and TFJob (kubeflow.org), Job (batch/v1) and Job (batch.volcano.sh)`, { kind: String(manifest.kind ?? '') });
    const created = await c.createJob(manifest, { signal });
    const ns = created.metadata.namespace ?? manifest.metadata.namespace ?? namespaceOf(b, c);
    const s = toJobState(found.kind, created as never);
    return { id: kubeJobId(found.kind, ns, created.metadata.name), state: s.state, rawState: s.rawState, user: c.context.user, queue: kubeQueueOf(manifest, ns) };
  }

  /** The backend's jobs a cluster may still change, as brief rows (no manifests: the store filters, not this). */
  private unfinished(backend: string): JobDetail[] {
    return this.deps.store.jobs({ backend, phase: 'submitted', unfinished: true, brief: true });
  }

  /** Applies what the cluster says about one job; audits (and so announces) a change of state. */
  apply(actor: Actor, b: Backend, kind: JobKind, obj: K8sObject | null, job: JobDetail, deleted = false): void {
    let patch: Parameters<JobStore['patchJob']>[1];
    if (!obj) {
      if (job.state && isFinished(job.state)) return;
      patch = { vanished: 1, state: 'unknown', reason: 'the cluster no longer has this job' };
    } else if (deleted) {
      if (job.state && isFinished(job.state)) return;
      patch = { state: 'cancelled', raw_state: 'Deleted', reason: 'deleted from the cluster', vanished: 0 };
    } else {
      const s = toJobState(kind, obj as never);
      patch = { state: s.state, raw_state: s.rawState, reason: s.reason, vanished: 0 };
    }
    const usage = this.usagePatch(kind, obj, job, deleted || !obj);
    const changed = patch.state !== job.state || (patch.raw_state !== undefined && patch.raw_state !== job.rawState) || (patch.reason !== undefined && patch.reason !== job.reason) || (patch.vanished ?? 0) !== (job.vanished ? 1 : 0);
    if (!changed) {
      // Times and devices are bookkeeping, not news: written quietly (no audit entry, no change feed).
      if (usage) this.deps.store.patchJob(job.id, usage);
      return;
    }
    Object.assign(patch, usage ?? {});
    const updated = this.deps.audit.record(actor, { module: 'jobs', action: 'state', targets: `${b.name}:${job.backendJobId}`, params: { job: job.id, state: patch.state, raw: patch.raw_state ?? null } }, () => this.deps.store.patchJob(job.id, patch));
    const told = this.deps.onStateChange?.(actor, updated);
    if (told) {
      this.told.add(told);
      void told.finally(() => this.told.delete(told));
    }
  }

  /**
   * What the object says the job booked (run times from its status, devices from its replica templates), as a patch of
   * the fields that differ from the row; null when nothing changed. A job deleted or gone while it ran ends now.
   */
  private usagePatch(kind: JobKind, obj: K8sObject | null, job: JobDetail, gone: boolean): Parameters<JobStore['patchJob']>[1] | null {
    const had = this.deps.store.runUsage(job.id);
    if (!had) return null;
    const norm = (t: string | null) => (t ? new Date(t).toISOString() : null);
    const times = obj && !gone ? runTimes(kind, obj) : { start: null, end: null };
    // The cluster's word wins when it has one; what was seen before stays when it no longer says (a deleted job).
    const start = norm(times.start) ?? had.start;
    const end = norm(times.end) ?? had.end ?? (gone && start ? new Date().toISOString() : null);
    const devices = obj ? jobDevices(kind, obj) : had.devices;
    const patch: Parameters<JobStore['patchJob']>[1] = {};
    if (start !== had.start) patch.run_started_at = start;
    if (end !== had.end) patch.run_ended_at = end;
    if (devices && JSON.stringify(devices) !== JSON.stringify(had.devices)) patch.devices = JSON.stringify(devices);
    return Object.keys(patch).length > 0 ? patch : null;
  }

  /** Applies one watch event; true when a job it concerned may have finished (the watch may then be unneeded). */
  private onEvent(actor: Actor, b: Backend, kind: JobKind, namespace: string, e: WatchEvent): boolean {
    if (e.type === 'SYNC') {
      const jobs = this.unfinished(b.name).filter((j) => j.backendJobId?.startsWith(`${kind}/${namespace}/`));
      const byName = new Map(e.items.map((o) => [o.metadata.name, o]));
      for (const j of jobs) this.apply(actor, b, kind, byName.get(parseKubeJobId(j.backendJobId!).name) ?? null, j);
      return true;
    }
    // One event is about one object: read that job's row only.
    const j = this.deps.store.jobByBackendId(b.name, kubeJobId(kind, namespace, e.object.metadata.name));
    if (!j || j.phase !== 'submitted' || (j.state && isFinished(j.state) && !j.vanished)) return false;
    this.apply(actor, b, kind, e.object, j, e.type === 'DELETED');
    return true;
  }

  /** Starts the watches a backend's unfinished jobs need (idempotent). */
  ensureWatches(actor: Actor, b: Backend): void {
    const needed = new Map(this.unfinished(b.name).map((j) => [this.groupKey(j), j]));
    for (const [key, sample] of needed) {
      const full = `${b.name}/${key}`;
      if (this.watches.has(full)) continue;
      const [kind, namespace] = key.split('/') as [JobKind, string];
      const abort = new AbortController();
      let client: KubeClient;
      try {
        client = this.client(b, sample);
      } catch (err) {
        this.watchErrors.set(b.name, (err as Error).message);
        continue;
      }
      const done = client
        .watch(kind, namespace, (e) => {
          try {
            const touched = this.onEvent(actor, b, kind, namespace, e);
            // Every job this watch was for has finished: stop watching (a new submit starts it again).
            if (touched && !this.unfinished(b.name).some((j) => this.groupKey(j) === key)) {
              if (this.watches.get(full)?.abort === abort) this.watches.delete(full);
              abort.abort();
            }
          } catch {
            /* a row changed under us (deleted); the next event or list sets it right */
          }
        }, abort.signal, { timeoutSeconds: 300 })
        .catch((err: unknown) => {
          // Fatal (expired token, CRD gone): note it on the backend's jobs; the next list retries.
          const msg = (err as Error).message;
          this.watchErrors.set(b.name, msg);
          try {
            for (const j of this.unfinished(b.name)) if (this.groupKey(j) === key) this.deps.store.patchJob(j.id, { last_error: msg });
          } catch {
            /* the store closed (shutdown) */
          }
        })
        .finally(() => {
          if (this.watches.get(full)?.abort === abort) this.watches.delete(full);
        });
      this.watches.set(full, { abort, done });
      this.watchErrors.delete(b.name);
    }
  }

  /** Whether every unfinished job of the backend is covered by a running watch. */
  watched(b: Backend): boolean {
    return this.unfinished(b.name).every((j) => this.watches.has(`${b.name}/${this.groupKey(j)}`));
  }

  /** One listing per kind and namespace (the CLI, or before a watch runs). */
  async refresh(actor: Actor, b: Backend, jobs: JobDetail[], signal?: AbortSignal): Promise<void> {
    const groups = new Map<string, JobDetail[]>();
    for (const j of jobs) {
      const key = this.groupKey(j);
      const group = groups.get(key);
      if (group) group.push(j);
      else groups.set(key, [j]);
    }
    for (const [key, list] of groups) {
      const [kind, namespace] = key.split('/') as [JobKind, string];
      const { items } = await this.client(b, list[0]).listAllJobs(kind, namespace, { signal });
      const byName = new Map(items.map((o) => [o.metadata.name, o]));
      for (const j of list) this.apply(actor, b, kind, byName.get(parseKubeJobId(j.backendJobId!).name) ?? null, this.deps.store.requireJob(j.id));
    }
    await Promise.all([...this.told]);
  }

  async cancel(b: Backend, job: JobDetail, signal?: AbortSignal): Promise<void> {
    const { kind, namespace, name } = parseKubeJobId(job.backendJobId!);
    try {
      await this.client(b, job).deleteJob(kind, namespace, name, { propagation: 'Background', signal });
    } catch (err) {
      if (AppError.is(err) && err.code === 'K8S_NOT_FOUND') {
        if (!(job.state && isFinished(job.state))) this.deps.store.patchJob(job.id, { vanished: 1, state: 'unknown', reason: 'the cluster no longer has this job' });
        throw new AppError('JOB_VANISHED', `job ${job.id} (${b.name} ${job.backendJobId}) is no longer on the cluster; it may have been deleted there`, { id: job.id });
      }
      throw err;
    }
    // Its run ends now: the watch ignores a finished job's later events, so nothing else would end it.
    const run = this.deps.store.runUsage(job.id);
    const ended = run?.start && !run.end ? { run_ended_at: new Date().toISOString() } : {};
    this.deps.store.patchJob(job.id, { state: 'cancelled', raw_state: 'Deleted', reason: 'deleted by ClusterDeck', vanished: 0, ...ended });
  }

  async suspend(b: Backend, job: JobDetail, suspend: boolean, signal?: AbortSignal): Promise<void> {
    const { kind, namespace, name } = parseKubeJobId(job.backendJobId!);
    await this.client(b, job).setSuspended(kind, namespace, name, suspend, { signal });
  }

  async pods(b: Backend, job: JobDetail, signal?: AbortSignal): Promise<PodInfo[]> {
    const { kind, namespace, name } = parseKubeJobId(job.backendJobId!);
    return (await this.client(b, job).podsOf(kind, namespace, name, { signal })).sort((x, y) => x.name.localeCompare(y.name));
  }

  /** Events about the job and its pods, oldest first. */
  async events(b: Backend, job: JobDetail, signal?: AbortSignal): Promise<KubeEvent[]> {
    const { kind, namespace, name } = parseKubeJobId(job.backendJobId!);
    const c = this.client(b, job);
    const pods = await c.podsOf(kind, namespace, name, { signal }).catch(() => [] as PodInfo[]);
    const lists = await Promise.all([c.events(namespace, { name, kind: KINDS[kind].kind }, { signal }), ...pods.map((p) => c.events(namespace, { name: p.name, kind: 'Pod' }, { signal }))]);
    return lists.flat().sort((x, y) => (x.lastTime ?? '').localeCompare(y.lastTime ?? ''));
  }

  /** The last `tailLines` lines of each pod (pod name prefixed when there are several). */
  async tail(b: Backend, job: JobDetail, tailLines: number, signal?: AbortSignal): Promise<{ path: string; text: string }> {
    const { namespace } = parseKubeJobId(job.backendJobId!);
    const c = this.client(b);
    const pods = await this.pods(b, job, signal);
    const out: string[] = [];
    for (const p of pods) {
      try {
        for await (const line of c.followLog(namespace, p.name, { follow: false, tailLines, signal })) out.push(pods.length > 1 ? `[${p.name}] ${line}` : line);
      } catch (err) {
        // A pod whose container has not started has no log yet (400); say so and go on.
        if (!(AppError.is(err) && err.code === 'K8S_BAD_REQUEST')) throw err;
        out.push(`[${p.name}] ${err.message}`);
      }
    }
    return { path: pods.map((p) => `${namespace}/${p.name}`).join(', '), text: out.slice(-tailLines).join('\n') + (out.length ? '\n' : '') };
  }

  /** The last `tailLines` lines of one pod's log; '' when its container has not started (no log yet). */
  async podLogTail(b: Backend, job: JobDetail, pod: string, tailLines: number, signal?: AbortSignal): Promise<string> {
    const { namespace } = parseKubeJobId(job.backendJobId!);
    const lines: string[] = [];
    try {
      for await (const line of this.client(b, job).followLog(namespace, pod, { follow: false, tailLines, signal })) lines.push(line);
    } catch (err) {
      if (AppError.is(err) && err.code === 'K8S_BAD_REQUEST') return '';
      throw err;
    }
    return lines.join('\n');
  }

  /** Follows the logs of every pod of the job until they end or `signal` aborts. */
  async *follow(b: Backend, job: JobDetail, tailLines: number, outer: AbortSignal): AsyncGenerator<{ pod: string; line: string }> {
    const { namespace } = parseKubeJobId(job.backendJobId!);
    const c = this.client(b);
    // Our own signal: the streams end when the caller aborts or simply stops reading.
    const own = new AbortController();
    const signal = own.signal;
    const stop = () => own.abort();
    outer.addEventListener('abort', stop, { once: true });
    const pods = await this.pods(b, job, signal).catch((err: unknown) => {
      outer.removeEventListener('abort', stop);
      throw err;
    });
    const queue: Array<{ pod: string; line: string } | Error> = [];
    const waker: { fn: (() => void) | null } = { fn: null };
    const wake = () => waker.fn?.();
    let open = pods.length;
    const push = (v: { pod: string; line: string } | Error) => {
      queue.push(v);
      wake();
    };
    for (const p of pods) {
      void (async () => {
        let told = false;
        try {
          for (;;) {
            try {
              for await (const line of c.followLog(namespace, p.name, { follow: true, tailLines, signal })) push({ pod: p.name, line });
              return; // the container exited: its log is complete
            } catch (err) {
              if (signal.aborted) return;
              // A container that has not started yet (400): say so once, then try again until it runs.
              if (!(AppError.is(err) && err.code === 'K8S_BAD_REQUEST')) throw err;
              if (!told) push({ pod: p.name, line: `(${err.message}; waiting for it to start)` });
              told = true;
              await pause(FOLLOW_RETRY_MS, signal);
            }
          }
        } catch (err) {
          if (!signal.aborted) push(err as Error);
        } finally {
          open -= 1;
          wake();
        }
      })();
    }
    const onAbort = () => wake();
    signal.addEventListener('abort', onAbort);
    try {
      while (!signal.aborted) {
        if (queue.length) {
          const v = queue.shift()!;
          if (v instanceof Error) throw v;
          yield v;
          continue;
        }
        if (open === 0) return;
        await new Promise<void>((r) => (waker.fn = r));
        waker.fn = null;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      outer.removeEventListener('abort', stop);
      own.abort();
    }
  }

  close(): void {
    for (const w of this.watches.values()) w.abort.abort();
    this.watches.clear();
  }

  /** Ends one backend's watches and forgets its clients (removed, switched to another context, re-imported). */
  closeBackend(name: string): void {
    for (const k of this.clients.keys()) if (JSON.parse(k)[0] === name) this.clients.delete(k);
    for (const [key, w] of this.watches) {
      if (!key.startsWith(`${name}/`)) continue;
      w.abort.abort();
      this.watches.delete(key);
    }
  }
}
