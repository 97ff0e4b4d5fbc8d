import { z } from 'zod';
import { procedure, router } from '../trpc';
import * as f from '../schemas/files';

// The SFTP file manager. Transfers are subscriptions: progress events as bytes move, and
// unsubscribing (closing the panel, Ctrl-C in the CLI) aborts `signal`, which cancels the copy.
const Done = z.object({ path: z.string() });
export const filesRouter = router({
  list: procedure.input(f.RemoteRef).output(f.ListResult).query(({ ctx, input }) => ctx.services.files.list(input)),
  stat: procedure.input(f.RemoteRef).output(f.StatResult).query(({ ctx, input }) => ctx.services.files.stat(input)),
  mkdir: procedure.input(f.MkdirInput).output(Done).mutation(({ ctx, input }) => ctx.services.files.mkdir(ctx.actor, input)),
  rename: procedure.input(f.RenameInput).output(Done).mutation(({ ctx, input }) => ctx.services.files.rename(ctx.actor, input)),
  remove: procedure.input(f.DeleteInput).output(Done).mutation(({ ctx, input }) => ctx.services.files.remove(ctx.actor, input)),
  readText: procedure.input(f.RemoteRef).output(f.ReadTextResult).query(({ ctx, input }) => ctx.services.files.readText(input)),
  writeText: procedure.input(f.WriteTextInput).output(z.object({ path: z.string(), size: z.number() }))
    .mutation(({ ctx, input }) => ctx.services.files.writeText(ctx.actor, input)),
  upload: procedure.input(f.UploadInput).subscription(async function* ({ ctx, input, signal }) {
    for await (const ev of ctx.services.files.upload(ctx.actor, input, signal)) yield f.TransferEvent.parse(ev);
  }),
  download: procedure.input(f.DownloadInput).subscription(async function* ({ ctx, input, signal }) {
    for await (const ev of ctx.services.files.download(ctx.actor, input, signal)) yield f.TransferEvent.parse(ev);
  }),
});
