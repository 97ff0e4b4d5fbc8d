import { z } from 'zod';
import { procedure, router } from '../trpc';
import { Name } from '../schemas/common';
import * as vault from '../schemas/vault';

export const vaultRouter = router({
  status: procedure.output(vault.VaultStatus).query(({ ctx }) => ctx.services.vault.status()),
  unlock: procedure.input(vault.UnlockInput).output(vault.VaultStatus).mutation(({ ctx, input }) => ctx.services.vault.unlock(input.passphrase)),
  list: procedure.output(z.array(vault.CredentialSummary)).query(({ ctx }) => ctx.services.vault.list()),
  add: procedure.input(vault.CredentialInput).output(vault.CredentialSummary).mutation(({ ctx, input }) => ctx.services.vault.add(ctx.actor, input)),
  remove: procedure.input(z.object({ name: Name })).mutation(({ ctx, input }) => ctx.services.vault.remove(ctx.actor, input.name)),
});
