import { procedure, router } from '../trpc';
import { SystemInfo } from '../schemas/system';

export const systemRouter = router({
  info: procedure.output(SystemInfo).query(({ ctx }) => ctx.services.system.info(ctx.actor.via)),
});
