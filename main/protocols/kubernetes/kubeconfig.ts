// Kubeconfig text → a KubeConfig (from @kubernetes/client-node) on the chosen context. Exec
// plugins and auth-provider plugins are refused: they run programs or reach identity providers
// on the internet, which an air-gapped console cannot rely on; a static token or client
// certificate works everywhere.

import { KubeConfig } from '@kubernetes/client-node';
import { AppError } from '../../../shared/errors';

export interface ContextInfo {
  name: string;
  cluster: string;
  server: string | null;
  user: string;
  namespace: string;
  current: boolean;
}

export function loadKubeconfig(text: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
  } catch (err) {
    throw new AppError('K8S_KUBECONFIG', `the kubeconfig cannot be read: ${(err as Error).message.split('\n')[0]}; export it again with \`kubectl config view --raw --minify\``, {});
  }
  if (kc.getContexts().length === 0) throw new AppError('K8S_KUBECONFIG', 'the kubeconfig has no contexts; it needs at least one context naming a cluster and a user', {});
  return kc;
}

export function listContexts(kc: KubeConfig): ContextInfo[] {
  const current = kc.getCurrentContext();
  return kc.getContexts().map((c) => ({
    name: c.name,
    cluster: c.cluster,
    server: kc.getCluster(c.cluster)?.server ?? null,
    user: c.user,
    namespace: c.namespace ?? 'default',
    current: c.name === current,
  }));
}

/** Switches kc to `context` (or keeps current-context, or the only one) and checks it can be used offline. */
export function useContext(kc: KubeConfig, context?: string): ContextInfo {
  const names = kc.getContexts().map((c) => c.name);
  const wanted = context ?? (kc.getCurrentContext() || (names.length === 1 ? names[0] : ''));
  if (!wanted) throw new AppError('K8S_KUBECONFIG', `the kubeconfig sets no current-context; pick one of: ${names.join(', ')}`, { contexts: names.join(',') });
  if (!names.includes(wanted)) throw new AppError('K8S_KUBECONFIG', `the kubeconfig has no context "${wanted}"; it has: ${names.join(', ')}`, { context: wanted, contexts: names.join(',') });
  kc.setCurrentContext(wanted);
  const info = listContexts(kc).find((c) => c.name === wanted)!;
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new AppError('K8S_KUBECONFIG', `context "${wanted}" names cluster "${info.cluster}", which the kubeconfig does not define (or has no server)`, { context: wanted });
  const user = kc.getCurrentUser();
  if (!user) throw new AppError('K8S_KUBECONFIG', `context "${wanted}" names user "${info.user}", which the kubeconfig does not define`, { context: wanted });
  if (user.exec) {
    throw new AppError('K8S_KUBECONFIG', `user "${user.name}" of context "${wanted}" authenticates through an exec plugin (${user.exec.command}); ClusterDeck does not run credential plugins: use a kubeconfig with a token or a client certificate`, { context: wanted, plugin: String(user.exec.command) });
  }
  if (user.authProvider) {
    throw new AppError('K8S_KUBECONFIG', `user "${user.name}" of context "${wanted}" authenticates through the "${user.authProvider.name}" auth provider; ClusterDeck does not call identity providers: use a kubeconfig with a token or a client certificate`, { context: wanted });
  }
  return { ...info, current: true };
}
