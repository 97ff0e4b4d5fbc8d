// What the jobs service's modules share: one object built by createJobsService (jobService.ts) and passed to the
// functions of jobBackends, jobSubmit, stateRefresh, jobControl and endpointSessions, so none of them keeps state of
// its own. Also the small helpers they all use.
import type { Actor } from '../../../shared/contract/trpc';
import type { CancelSignal } from '../../../shared/contract/signal';
import type { Backend, Job, JobDetail } from '../../../shared/contract/schemas/jobs';
import type { CredentialInput } from '../../../shared/contract/schemas/vault';
import type { SlurmClient } from '../../protocols/slurm';
import type { AuditLog, AuditStart } from '../audit/auditLog';
import type { SecretSource, SshDeps } from './backends';
import type { CompletionHooks } from './completionHooks';
import type { JobEndpoints } from './endpoints';
import type { JobStore } from './jobStore';
import type { KubeJobs } from './kubeJobs';
import type { SlurmPoller } from './slurmPoller';
import type { ResolvedTemplate } from './templateService';

export interface JobsDeps {
  store: JobStore;
  audit: AuditLog;
  /** reveal for clients; add stores an imported kubeconfig (the app passes its vault). */
  vault: SecretSource & { add?(actor: Actor, input: CredentialInput): unknown; remove?(actor: Actor, name: string): void };
  templates: { resolve(name: string, version?: number): ResolvedTemplate };
  /** Request timeout towards backends (ms). */
  timeoutMs?: number;
  /** How often a long-lived front door asks squeue about unfinished jobs (ms, default 5,000). */
  pollMs?: number;
  /** SSH login nodes (slurm-cli backends with an ssh:// url). */
  ssh?: SshDeps;
  /** Tests substitute a fake cluster here. */
  makeClient?: (b: Backend) => SlurmClient;
}

export interface JobsContext {
  deps: JobsDeps;
  store: JobStore;
  audit: AuditLog;
  hooks: CompletionHooks;
  /** The Kubernetes side: submit, watches, pods, events, logs, delete. */
  kube: KubeJobs;
  /** Finds a running job's endpoints and opens tunnels to them. */
  endpoints: JobEndpoints;
  slurmPolls: SlurmPoller;
  /** The poll acts for the front door that started it (audit entries say serve or electron). */
  pollActors: Map<string, Actor>;
}

export const abortOf = (s?: CancelSignal) => s as AbortSignal | undefined;
/** Refreshes without a caller (show, logs, cancel) list once and start no watch. */
export const SYSTEM: Actor = { user: 'clusterdeck', via: 'cli' };
export const strip = (j: JobDetail): Job => {
  const { rendered: _r, ...rest } = j;
  return rest;
};
export const isKube = (b: Backend) => b.kind === 'kubernetes';
/** Long-running front doors keep watches; a CLI call lists once. */
export const watches = (actor: Actor) => actor.via !== 'cli';
/** What the audit entry of a call on a submitted job names: its backend and the backend's job id. */
export const targetOf = (backend: Backend, job: JobDetail) => `${backend.name}:${job.backendJobId}`;

/**
 * Runs an async backend call between audit.begin and audit.complete (audit.record completes synchronously, so an
 * async call's outcome is completed here): `ok` with okDetail's text, or `failed` with the error's message, rethrown.
 */
export async function audited<T>(audit: AuditLog, actor: Actor, entry: AuditStart, call: () => Promise<T>, okDetail?: (value: T) => string): Promise<T> {
  const auditId = audit.begin(actor, entry);
  try {
    const value = await call();
    audit.complete(auditId, 'ok', okDetail?.(value));
    return value;
  } catch (err) {
    audit.complete(auditId, 'failed', (err as Error).message);
    throw err;
  }
}
