import { z } from 'zod';
import { procedure, router } from '../trpc';
import * as fw from '../schemas/forwards';

// SSH local port forwards, alive until stopped or until the app closes.
export const forwardsRouter = router({
  add: procedure.input(fw.ForwardAddInput).output(fw.ForwardAddResult).mutation(({ ctx, input }) => ctx.services.forwards.add(ctx.actor, input)),
  list: procedure.output(z.array(fw.Forward)).query(({ ctx }) => ctx.services.forwards.list()),
  stop: procedure.input(fw.ForwardStopInput).output(fw.ForwardStopResult).mutation(({ ctx, input }) => ctx.services.forwards.stop(ctx.actor, input.id)),
  stopAll: procedure.output(fw.ForwardStopResult).mutation(({ ctx }) => ctx.services.forwards.stopAll(ctx.actor)),
});
