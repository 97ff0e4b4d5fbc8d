// The jobs service's backend administration: which backend a call means, its Slurm client, adding (Slurm or an
// imported kubeconfig), removing, and a Kubernetes backend's contexts. Every change is audit-logged.
import { userInfo } from 'node:os';
import type { JobsService } from '../../../shared/contract/services';
import type { Actor } from '../../../shared/contract/trpc';
import type { Backend, JobDetail } from '../../../shared/contract/schemas/jobs';
import { AppError } from '../../../shared/errors';
import type { SlurmClient } from '../../protocols/slurm';
import { KubeClient } from '../../protocols/kubernetes';
import { clientFor, parseSshUrl } from './backends';
import { contextsOf, kubeconfigCredentialName } from './kubeBackend';
import { isKube, type JobsContext } from './jobContext';

type BackendInput = Parameters<JobsService['addBackend']>[1];

/** The named backend, or the only one when none is named. */
export function backendOf({ store }: JobsContext, name?: string | null): Backend {
  const all = store.backends();
  if (name) {
    const b = store.backend(name);
    if (!b) throw new AppError('JOB_BACKEND_NOT_FOUND', `no backend named ${name} (backends: ${all.map((x) => x.name).join(', ') || 'none; add one with `clusterdeck backends add`'})`, { name });
    return b;
  }
  if (all.length === 1) return all[0];
  if (all.length === 0) throw new AppError('JOB_NO_BACKEND', 'no backend is configured; add one with `clusterdeck backends add NAME --kind slurm-cli|slurm-rest ...`');
  throw new AppError('JOB_BACKEND_REQUIRED', `several backends are configured (${all.map((x) => x.name).join(', ')}); choose one with --backend`);
}

export function slurmClient({ deps }: JobsContext, b: Backend): SlurmClient {
  if (isKube(b)) throw new AppError('JOB_UNSUPPORTED', `backend ${b.name} is Kubernetes: partitions, nodes and Slurm job control do not apply (see the Queues page for Volcano queues)`, { name: b.name });
  return (deps.makeClient ?? ((x: Backend) => clientFor(x, deps.vault, deps.timeoutMs, deps.ssh)))(b);
}

/** A job that has reached its backend, with that backend. */
export function requireSubmitted(ctx: JobsContext, id: number): { job: JobDetail; backend: Backend } {
  const job = ctx.store.requireJob(id);
  if (job.phase !== 'submitted') throw new AppError('JOB_NOT_SUBMITTED', `job ${id} is a ${job.phase === 'draft' ? 'draft' : 'job waiting in the outbox'}; it has not reached a backend yet`, { id });
  return { job, backend: backendOf(ctx, job.backend) };
}

/** The cluster user a Slurm backend's jobs run as, as far as ClusterDeck knows before squeue says. */
export function slurmUserOf({ deps }: JobsContext, b: Backend): string | null {
  if (b.kind === 'slurm-cli' && b.url === 'local') return userInfo().username;
  const fromUrl = b.kind === 'slurm-cli' ? parseSshUrl(b.url)?.user : null;
  if (fromUrl || b.user) return fromUrl || b.user;
  try {
    return b.credential ? deps.vault.reveal(b.credential).username : null;
  } catch {
    return null;
  }
}

export function addBackend(ctx: JobsContext, actor: Actor, input: BackendInput): Backend {
  if (input.kind === 'kubernetes') return addKubeBackend(ctx, actor, input);
  const { store, audit } = ctx;
  return audit.record(actor, { module: 'jobs', action: 'backend-add', targets: input.name, params: { kind: input.kind, url: input.url, credential: input.credential } }, () => {
    const b = { name: input.name, kind: input.kind, url: input.url, user: input.user, credential: input.credential, workDir: input.workDir, env: input.env, context: null, namespace: null };
    if (b.kind === 'slurm-cli' && b.url !== 'local' && !parseSshUrl(b.url)) {
      throw new AppError('JOB_BACKEND_INVALID', `backend ${b.name}: a slurm-cli url is "local" or ssh://user@login-node:22, not ${b.url}`, { name: b.name });
    }
    if (b.kind === 'slurm-cli' && b.url !== 'local' && !b.credential) {
      throw new AppError('JOB_BACKEND_INVALID', `backend ${b.name}: an SSH login node needs --credential naming a vault SSH key or password`, { name: b.name });
    }
    if (input.kubeconfig) throw new AppError('JOB_BACKEND_INVALID', `backend ${b.name}: --kubeconfig is for kubernetes backends`, { name: b.name });
    if (b.kind === 'slurm-rest') clientFor({ ...b, createdAt: '' }, { reveal: () => ({ secret: '', username: null }) }); // validates url and credential
    return store.putBackend(b, input.replace);
  });
}

function addKubeBackend({ store, audit, deps, kube }: JobsContext, actor: Actor, input: BackendInput): Backend {
  const name = input.name;
  return audit.record(actor, { module: 'jobs', action: 'backend-add', targets: name, params: { kind: input.kind, context: input.context ?? null, namespace: input.namespace ?? null, credential: input.credential ?? null } }, () => {
    if (!input.replace && store.backend(name)) throw new AppError('JOB_BACKEND_EXISTS', `a backend named ${name} already exists (use --replace to change it)`, { name });
    let credential = input.credential ?? null;
    let text: string;
    if (input.kubeconfig) {
      text = input.kubeconfig;
    } else if (credential) {
      text = deps.vault.reveal(credential).secret;
    } else {
      throw new AppError('JOB_BACKEND_INVALID', `backend ${name}: a kubernetes backend needs --kubeconfig FILE (stored in the vault) or --credential naming a vault kubeconfig`, { name });
    }
    // Parses the kubeconfig and checks the context offline (no exec plugins; a context that exists).
    const c = KubeClient.fromKubeconfig(text, input.context ?? undefined);
    if (input.kubeconfig) {
      if (!deps.vault.add) throw new AppError('JOB_BACKEND_INVALID', 'this process cannot store secrets', { name });
      credential = input.credential ?? kubeconfigCredentialName(name);
      deps.vault.add(actor, { name: credential, kind: 'kubeconfig', username: c.context.user, secret: text, passphrase: null, replace: true });
    }
    // The namespace is kept explicitly (the context's unless given), so forms can show it.
    kube.closeBackend(name); // a re-imported kubeconfig: watches and cached clients of the old one go
    return store.putBackend({ name, kind: 'kubernetes', url: c.context.server ?? '', user: null, credential, workDir: null, env: {}, context: c.context.name, namespace: input.namespace ?? c.context.namespace }, !!input.replace);
  });
}

export function removeBackend({ store, audit, deps, kube, slurmPolls }: JobsContext, actor: Actor, name: string): void {
  const b = store.backend(name);
  audit.record(actor, { module: 'jobs', action: 'backend-remove', targets: name }, () => store.removeBackend(name));
  slurmPolls.stop(name);
  if (b && isKube(b)) {
    kube.closeBackend(name); // its watches end; other backends' keep running
    // The kubeconfig ClusterDeck imported for this backend goes with it (one named by --credential stays).
    const imported = b.credential === kubeconfigCredentialName(name) && !store.backends().some((x) => x.credential === b.credential);
    if (imported && deps.vault.remove) deps.vault.remove(actor, b.credential!);
  }
}

function kubeBackendOf(ctx: JobsContext, name: string): Backend {
  const b = backendOf(ctx, name);
  if (!isKube(b)) throw new AppError('JOB_BACKEND_INVALID', `backend ${b.name} is ${b.kind}; contexts belong to kubernetes backends`, { name: b.name });
  return b;
}

export function kubeContexts(ctx: JobsContext, input: Parameters<JobsService['kubeContexts']>[0]) {
  if (input.kubeconfig) return contextsOf(input.kubeconfig);
  if (!input.backend) throw new AppError('INVALID_INPUT', 'give the kubeconfig text or a kubernetes backend name');
  const b = kubeBackendOf(ctx, input.backend);
  return contextsOf(ctx.deps.vault.reveal(b.credential!).secret, b.context);
}

export function switchContext(ctx: JobsContext, actor: Actor, input: Parameters<JobsService['switchContext']>[1]): Backend {
  const b = kubeBackendOf(ctx, input.backend);
  return ctx.audit.record(actor, { module: 'jobs', action: 'backend-context', targets: b.name, params: { context: input.context, namespace: input.namespace ?? null } }, () => {
    const c = KubeClient.fromKubeconfig(ctx.deps.vault.reveal(b.credential!).secret, input.context);
    ctx.kube.closeBackend(b.name); // watches of the old context end; the next list starts new ones
    return ctx.store.putBackend({ ...b, url: c.context.server ?? '', context: c.context.name, namespace: input.namespace ?? c.context.namespace }, true);
  });
}
