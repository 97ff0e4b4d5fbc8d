// A kubernetes backend row to a KubeClient. The kubeconfig (tokens, client keys) lives only in the
// vault; the row names the credential, the context and the namespace. Nothing here logs or
// returns the kubeconfig text.
import type { Backend } from '../../../shared/contract/schemas/jobs';
import { AppError } from '../../../shared/errors';
import { KubeClient, type ContextInfo, type KubeClientOptions } from '../../protocols/kubernetes';

export interface KubeconfigSource {
  reveal(name: string): { secret: string };
  /** The vault tells when it locks, so clients built from its secrets are dropped. */
  onLock?(listener: () => void): void;
}

/** The vault credential name a backend's imported kubeconfig is stored under. */
export const kubeconfigCredentialName = (backend: string) => `${backend}-kubeconfig`;

/**
 * A KubeClient on the backend's context (for the Queues page and the jobs service alike).
 * Throws JOB_BACKEND_INVALID for a non-kubernetes backend or one without a kubeconfig credential;
 * the vault's own error (locked, not found) and K8S_KUBECONFIG (a context that does not exist,
 * an exec plugin) pass through.
 */
export function kubeClientForBackend(backend: Backend, vault: KubeconfigSource, options: KubeClientOptions = {}): KubeClient {
  if (backend.kind !== 'kubernetes') throw new AppError('JOB_BACKEND_INVALID', `backend ${backend.name} is ${backend.kind}, not kubernetes`, { name: backend.name });
  if (!backend.credential) throw new AppError('JOB_BACKEND_INVALID', `backend ${backend.name} has no kubeconfig; add it again with --kubeconfig FILE`, { name: backend.name });
  const text = vault.reveal(backend.credential).secret;
  return KubeClient.fromKubeconfig(text, backend.context ?? undefined, options);
}

/** The namespace a backend's jobs go to: its own, else its context's. */
export function namespaceOf(backend: Backend, client: KubeClient): string {
  return backend.namespace ?? client.namespace;
}

/** The contexts of kubeconfig text (no secrets in the answer). */
export function contextsOf(text: string, current?: string | null): ContextInfo[] {
  const c = KubeClient.fromKubeconfig(text, current ?? undefined);
  return c.contexts().map((x) => ({ ...x, current: x.name === c.context.name }));
}
