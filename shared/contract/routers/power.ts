import { z } from 'zod';
import { procedure, router } from '../trpc';
import * as power from '../schemas/power';

// Batch power. Runs are subscriptions: per-node events stream as they arrive, and unsubscribing
// (closing the page, Ctrl-C in the CLI) aborts `signal`, which cancels the batch.
export const powerRouter = router({
  run: procedure.input(power.PowerRunInput).subscription(async function* ({ ctx, input, signal }) {
    for await (const event of ctx.services.power.run(ctx.actor, input, signal)) yield power.PowerEvent.parse(event);
  }),
  sensors: procedure.input(power.SensorsInput).subscription(async function* ({ ctx, input, signal }) {
    for await (const event of ctx.services.power.sensors(ctx.actor, input, signal)) yield power.SensorsEvent.parse(event);
  }),
  sel: procedure.input(power.SelInput).subscription(async function* ({ ctx, input, signal }) {
    for await (const event of ctx.services.power.sel(ctx.actor, input, signal)) yield power.SelEvent.parse(event);
  }),
  /** The Redfish certificates of these nodes' BMCs, compared with their pins (nothing is sent but a TLS handshake). */
  certificates: procedure.input(power.CertificateProbeInput).output(z.array(power.CertificateStatus))
    .query(({ ctx, input, signal }) => ctx.services.power.probeCertificates(input, signal)),
  /** Pins the certificates the user saw (trust on first use). */
  trust: procedure.input(power.TrustInput).output(z.array(power.TrustResult))
    .mutation(({ ctx, input, signal }) => ctx.services.power.trust(ctx.actor, input, signal)),
  lastStates: procedure.input(power.LastStatesInput).output(z.array(power.LastState))
    .query(({ ctx, input }) => ctx.services.power.lastStates(input)),
});
