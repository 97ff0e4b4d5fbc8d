import { z } from 'zod';
import { procedure, router } from '../trpc';
import * as hk from '../schemas/hostkeys';

export const hostkeysRouter = router({
  list: procedure.input(hk.HostKeyListInput).output(z.array(hk.HostKeyEntry)).query(({ ctx, input }) => ctx.services.hostkeys.list(input)),
  /** Fetches each endpoint's host key (no login on the node itself), stores new ones, reports changed ones. */
  scan: procedure.input(hk.HostKeyScanInput).output(z.array(hk.HostKeyScanResult))
    .mutation(({ ctx, input, signal }) => ctx.services.hostkeys.scan(ctx.actor, input, signal)),
  /** Removes ClusterDeck's stored keys for these nodes' endpoints. */
  /** A person accepted an unknown key shown by a terminal: fetch it again, store it if the fingerprint still matches. */
  accept: procedure.input(hk.HostKeyAcceptInput).output(hk.HostKeyAcceptResult)
    .mutation(({ ctx, input, signal }) => ctx.services.hostkeys.accept(ctx.actor, input, signal)),
  forget: procedure.input(hk.HostKeyForgetInput).output(hk.HostKeyForgetResult).mutation(({ ctx, input }) => ctx.services.hostkeys.forget(ctx.actor, input)),
});
