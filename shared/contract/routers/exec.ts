import { procedure, router } from '../trpc';
import * as exec from '../schemas/exec';

// Parallel commands. `run` is a subscription: per-node events stream as nodes finish, and
// unsubscribing (closing the page, Ctrl-C in the CLI) aborts `signal`, which cancels the run.
export const execRouter = router({
  run: procedure.input(exec.ExecRunInput).subscription(async function* ({ ctx, input, signal }) {
    for await (const event of ctx.services.exec.run(ctx.actor, input, signal)) yield exec.ExecEvent.parse(event);
  }),
});
