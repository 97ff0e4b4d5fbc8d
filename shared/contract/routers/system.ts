import { procedure, router } from '../trpc';
import { SystemInfo } from '../schemas/system';

export const systemRouter = router({
  info: procedure.output(SystemInfo).query(({ ctx }) => ctx.services.system.info(ctx.actor.via)),
  /** The UI's live refresh: one event per completed change (an audit entry), whoever made it. */
  changes: procedure.subscription(async function* ({ ctx, signal }) {
    yield* ctx.services.system.changes(signal);
  }),
});
