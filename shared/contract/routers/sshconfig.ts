import { procedure, router } from '../trpc';
import * as sc from '../schemas/sshconfig';

export const sshconfigRouter = router({
  /** Imports ~/.ssh/config (or given text): Host aliases become nodes, IdentityFile keys vault credentials. */
  import: procedure.input(sc.SshConfigImportInput).output(sc.SshConfigImportResult)
    .mutation(({ ctx, input }) => ctx.services.sshconfig.import(ctx.actor, input)),
});
