// What a watch event costs ClusterDeck: the kubeconfig is read from the vault and parsed once per
// backend (not per event or call), an event reads the one job it is about, and listings of the
// backend's unfinished jobs are brief rows (no manifests). Re-importing the kubeconfig is noticed.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../../../main/app';
import { JobStore } from '../../../main/services/jobs';
import { appRouter } from '../../../shared/contract/router';
import { FakeKubeApiServer, kubeconfigText, until } from '../../support/k8s';
import { tempDir } from '../../support/tmp';

describe('Kubernetes jobs: reads per watch event', { timeout: 60_000 }, () => {
  const tmp = tempDir('clusterdeck-kube-reads-');
  let server: FakeKubeApiServer;
  let app: App;
  let kubeconfig: string;
  const api = () => appRouter.createCaller({ services: app.services, actor: { user: 'alice', via: 'serve' } });

  beforeAll(async () => {
    server = await FakeKubeApiServer.start();
    kubeconfig = kubeconfigText([{ name: 'lab', server: server.url, token: 'token-alice', user: 'alice', namespace: 'team-a', ca: server.pki.ca }]);
    app = createApp({ dataDir: tmp.dir, passphrase: 'test passphrase' });
    await api().jobs.addBackend({ name: 'k8s', kind: 'kubernetes', kubeconfig });
  });
  afterAll(async () => {
    app?.close();
    await server?.close();
    tmp.cleanup();
  });

  it('reuses one client and reads brief rows while a watch carries a job through its states', async () => {
    // The jobs service reads kubeconfigs through the vault the app gave it (the same object as services.vault).
    const reveal = vi.spyOn(app.services.vault as unknown as { reveal(name: string): unknown }, 'reveal');
    const listings = vi.spyOn(JobStore.prototype, 'jobs');
    const rows = vi.spyOn(JobStore.prototype, 'jobByBackendId');
    const j = await api().jobs.submit({ template: 'k8s-job', backend: 'k8s', params: { name: 'cached' } });
    await api().jobs.list({ refresh: true }); // starts the watch
    await until(() => server.openStreams.watches === 1, 'the watch');
    const revealsAfterStart = reveal.mock.calls.length;
    expect(revealsAfterStart).toBeGreaterThanOrEqual(1);
    listings.mockClear();
    rows.mockClear();
    for (const step of ['Running', 'Succeeded'] as const) {
      server.controllers.advance('batch', 'jobs', 'team-a', 'cached', step);
      await until(() => app.db.prepare('SELECT state FROM jobs WHERE id = ?').pluck().get(j.id) === step.toLowerCase(), step);
    }
    await api().jobs.pods({ id: j.id });
    await api().jobs.events({ id: j.id });
    expect(reveal.mock.calls.length).toBe(revealsAfterStart); // no kubeconfig read or parse per event or call
    expect(rows.mock.calls.length).toBeGreaterThanOrEqual(2); // each event read its own row
    expect(listings.mock.calls.every(([filter]) => filter?.brief === true && filter.unfinished === true)).toBe(true);

    // A re-imported kubeconfig (same backend name) is used from then on.
    await api().jobs.addBackend({ name: 'k8s', kind: 'kubernetes', kubeconfig, replace: true });
    const before = reveal.mock.calls.length;
    await api().jobs.pods({ id: j.id });
    expect(reveal.mock.calls.length).toBe(before + 1);
    reveal.mockRestore();
    listings.mockRestore();
    rows.mockRestore();
  });

  it('forgets its clients when the vault locks: nothing derived from the kubeconfig stays usable', async () => {
    const [j] = await api().jobs.list({});
    await api().jobs.pods({ id: j.id }); // a cached client
    app.vault.lock();
    await expect(api().jobs.pods({ id: j.id })).rejects.toThrow(/vault is locked/);
    await api().vault.unlock({ passphrase: 'test passphrase' });
    expect(Array.isArray(await api().jobs.pods({ id: j.id }))).toBe(true);
  });

  it('the queues view uses the same cached client: listing Volcano queues again parses no kubeconfig', async () => {
    const reveal = vi.spyOn(app.services.vault as unknown as { reveal(name: string): unknown }, 'reveal');
    const first = await api().queues.list({ backend: 'k8s' });
    const afterFirst = reveal.mock.calls.length;
    const again = await api().queues.list({ backend: 'k8s' });
    expect(again).toEqual(first);
    expect(reveal.mock.calls.length).toBe(afterFirst);
    reveal.mockRestore();
  });
});
