// A test API server plus a KubeClient on it, for the Kubernetes tests.
import { KubeClient, type KubeClientOptions } from '../../../main/protocols/kubernetes';
import { FakeKubeApiServer, type FakeKubeOptions } from './apiServer';
import { kubeconfigText } from './kubeconfig';

export { FakeKubeApiServer, type Obj, type SeenRequest } from './apiServer';
export { kubeconfigText, type TestContext } from './kubeconfig';

export async function startCluster(o: FakeKubeOptions = {}, client: KubeClientOptions = {}): Promise<{ server: FakeKubeApiServer; kube: KubeClient; kubeconfig: string }> {
  const server = await FakeKubeApiServer.start(o);
  const kubeconfig = kubeconfigText([{ name: 'lab', server: server.url, token: 'token-alice', user: 'alice', namespace: 'team-a', ca: server.pki.ca }]);
  return { server, kube: KubeClient.fromKubeconfig(kubeconfig, undefined, client), kubeconfig };
}

/** Waits until `check` holds (polling the test's own state, not the server's speed). */
export async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Runs `fn` expecting an AppError; returns it. */
export async function appError(fn: () => Promise<unknown>): Promise<{ code: string; message: string; params: Record<string, unknown> }> {
  try {
    await fn();
  } catch (err) {
    return err as { code: string; message: string; params: Record<string, unknown> };
  }
  throw new Error('expected an error, got none');
}
