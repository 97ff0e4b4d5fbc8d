import { procedure, router } from '../trpc';
import { StreamAck, StreamId, StreamOpenInput, StreamResize, StreamWrite } from '../schemas/streams';

export const streamsRouter = router({
  /** Opens a session and yields its output; unsubscribing closes it. */
  open: procedure.input(StreamOpenInput).subscription(async function* ({ ctx, input, signal }) {
    yield* ctx.services.streams.open(ctx.actor, input, signal, ctx.frames);
  }),
  write: procedure.input(StreamWrite).mutation(({ ctx, input }) => ctx.services.streams.write(input.id, input.data)),
  resize: procedure.input(StreamResize).mutation(({ ctx, input }) => ctx.services.streams.resize(input.id, input.cols, input.rows)),
  ack: procedure.input(StreamAck).mutation(({ ctx, input }) => ctx.services.streams.ack(input.id, input.bytes)),
  close: procedure.input(StreamId).mutation(({ ctx, input }) => ctx.services.streams.close(input.id)),
});
