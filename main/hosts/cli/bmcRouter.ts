// The part of the contract `clusterdeck power|sensors|sel` call: the same power and inventory
// procedures as shared/contract/router.ts (the very same procedure objects, so validation, error
// shapes and auditing are identical), without the zod schemas of every other domain to build at
// load. A path outside it fails as tRPC's "No procedure found". See ./bmcApp.ts for the services.
import { router } from '../../../shared/contract/trpc';
import { inventoryRouter } from '../../../shared/contract/routers/inventory';
import { powerRouter } from '../../../shared/contract/routers/power';

export const bmcRouter = router({
  inventory: inventoryRouter,
  power: powerRouter,
});
