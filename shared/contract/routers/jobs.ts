import { z } from 'zod';
import { procedure, router } from '../trpc';
import * as j from '../schemas/jobs';

const BackendName = z.object({ backend: z.string().max(128).optional() });

export const jobsRouter = router({
  backends: procedure.output(z.array(j.Backend)).query(({ ctx }) => ctx.services.jobs.listBackends()),
  addBackend: procedure.input(j.BackendInput).output(j.Backend).mutation(({ ctx, input }) => ctx.services.jobs.addBackend(ctx.actor, input)),
  removeBackend: procedure.input(z.object({ name: z.string().min(1).max(128) })).output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => (ctx.services.jobs.removeBackend(ctx.actor, input.name), { ok: true as const })),
  /** The exact script or manifest a submit would send, with the job spec it implies. */
  preview: procedure.input(j.PreviewInput).output(j.Rendered).query(({ ctx, input }) => ctx.services.jobs.preview(input)),
  submit: procedure.input(j.SubmitInput).output(j.JobDetail).mutation(({ ctx, input, signal }) => ctx.services.jobs.submit(ctx.actor, input, signal)),
  send: procedure.input(j.JobRef).output(j.JobDetail).mutation(({ ctx, input, signal }) => ctx.services.jobs.send(ctx.actor, input.id, signal)),
  /** Also retries the outbox and refreshes states from the backends unless refresh is false. */
  list: procedure.input(j.ListInput).output(z.array(j.Job)).query(({ ctx, input, signal }) => ctx.services.jobs.list(ctx.actor, input, signal)),
  show: procedure.input(j.JobRef).output(j.JobDetail).query(({ ctx, input, signal }) => ctx.services.jobs.show(input.id, signal)),
  logs: procedure.input(j.LogsInput).output(j.LogsResult).query(({ ctx, input }) => ctx.services.jobs.logs(input)),
  cancel: procedure.input(j.JobRef).output(j.Job).mutation(({ ctx, input, signal }) => ctx.services.jobs.cancel(ctx.actor, input.id, signal)),
  control: procedure.input(j.ControlInput).output(j.Job).mutation(({ ctx, input, signal }) => ctx.services.jobs.control(ctx.actor, input, signal)),
  rerun: procedure.input(j.JobRef).output(j.JobDetail).mutation(({ ctx, input, signal }) => ctx.services.jobs.rerun(ctx.actor, input.id, signal)),
  flushOutbox: procedure.output(j.FlushResult).mutation(({ ctx, signal }) => ctx.services.jobs.flushOutbox(ctx.actor, signal)),
  remove: procedure.input(j.JobRef).output(z.object({ ok: z.literal(true) })).mutation(async ({ ctx, input }) => (await ctx.services.jobs.deleteJob(ctx.actor, input.id), { ok: true as const })),
  partitions: procedure.input(BackendName).output(z.array(j.Partition)).query(({ ctx, input, signal }) => ctx.services.jobs.partitions(input.backend, signal)),
  /** Kubernetes: the job's pods and events; its pods' logs, last lines first, then followed. */
  pods: procedure.input(j.JobRef).output(z.array(j.JobPod)).query(({ ctx, input, signal }) => ctx.services.jobs.pods(input.id, signal)),
  events: procedure.input(j.JobRef).output(z.array(j.JobEvent)).query(({ ctx, input, signal }) => ctx.services.jobs.events(input.id, signal)),
  followLogs: procedure.input(j.FollowLogsInput).subscription(async function* ({ ctx, input, signal }) {
    yield* ctx.services.jobs.followLogs(input.id, input.tailLines, signal);
  }),
  /** A running job's Jupyter/TensorBoard endpoints; openEndpoint forwards one to 127.0.0.1 until unsubscribed or the job ends. */
  endpoints: procedure.input(j.JobRef).output(z.array(j.JobEndpoint)).query(({ ctx, input, signal }) => ctx.services.jobs.endpoints(input.id, signal)),
  openEndpoint: procedure.input(j.OpenEndpointInput).subscription(async function* ({ ctx, input, signal }) {
    yield* ctx.services.jobs.openEndpoint(ctx.actor, input, signal);
  }),
  /** Kubernetes: contexts of kubeconfig text or of a backend's stored kubeconfig (never the secret). */
  kubeContexts: procedure.input(j.KubeContextsInput).output(z.array(j.KubeContext)).query(({ ctx, input }) => ctx.services.jobs.kubeContexts(input)),
  switchContext: procedure.input(j.SwitchContextInput).output(j.Backend).mutation(({ ctx, input }) => ctx.services.jobs.switchContext(ctx.actor, input)),
  nodes: procedure.input(BackendName).output(z.array(j.ClusterNode)).query(({ ctx, input, signal }) => ctx.services.jobs.nodes(input.backend, signal)),
});
