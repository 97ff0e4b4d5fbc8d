import { z } from 'zod';
import { procedure, router } from '../trpc';
import * as q from '../schemas/queues';

const Ok = z.object({ ok: z.literal(true) });

export const queuesRouter = router({
  /** Every backend's queues (or one's): Slurm partitions with counts, Volcano queues with quotas and allocation. */
  list: procedure.input(q.BackendRef).output(z.array(q.BackendQueues)).query(({ ctx, input, signal }) => ctx.services.queues.list(input, signal)),
  /** Per-user usage of a Slurm backend: allocated now, booked and idle device-hours over the past days. */
  usage: procedure.input(q.UsageInput).output(q.Usage).query(({ ctx, input, signal }) => ctx.services.queues.usage(ctx.actor, input, signal)),
  create: procedure.input(q.QueueCreateInput).output(q.VolcanoQueue).mutation(({ ctx, input, signal }) => ctx.services.queues.createVolcano(ctx.actor, input, signal)),
  update: procedure.input(q.QueueUpdateInput).output(q.VolcanoQueue).mutation(({ ctx, input, signal }) => ctx.services.queues.updateVolcano(ctx.actor, input, signal)),
  /** A kubernetes backend's Volcano queues, sent again whenever the API server reports a change. */
  watch: procedure.input(q.WatchInput).subscription(async function* ({ ctx, input, signal }) {
    yield* ctx.services.queues.watchVolcano(input, signal);
  }),
  remove: procedure.input(q.QueueRef).output(Ok).mutation(async ({ ctx, input, signal }) => (await ctx.services.queues.deleteVolcano(ctx.actor, input, signal), { ok: true as const })),
});
