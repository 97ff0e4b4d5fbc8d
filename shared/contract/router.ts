// The whole contract: one router, one place to read what ClusterDeck can do. Each domain's
// procedures live in routers/<domain>.ts, validate input and output with zod and call a service.
import { router } from './trpc';
import { inventoryRouter } from './routers/inventory';
import { vaultRouter } from './routers/vault';
import { auditRouter } from './routers/audit';
import { systemRouter } from './routers/system';
import { powerRouter } from './routers/power';
import { streamsRouter } from './routers/streams';
import { execRouter } from './routers/exec';
import { hostkeysRouter } from './routers/hostkeys';
import { sshconfigRouter } from './routers/sshconfig';
import { filesRouter } from './routers/files';
import { forwardsRouter } from './routers/forwards';
import { jobsRouter } from './routers/jobs';
import { templatesRouter } from './routers/templates';
import { datasetsRouter } from './routers/datasets';
import { queuesRouter } from './routers/queues';

export const appRouter = router({
  inventory: inventoryRouter,
  vault: vaultRouter,
  audit: auditRouter,
  system: systemRouter,
  power: powerRouter,
  streams: streamsRouter,
  exec: execRouter,
  hostkeys: hostkeysRouter,
  sshconfig: sshconfigRouter,
  files: filesRouter,
  forwards: forwardsRouter,
  jobs: jobsRouter,
  templates: templatesRouter,
  datasets: datasetsRouter,
  queues: queuesRouter,
});

export type AppRouter = typeof appRouter;
