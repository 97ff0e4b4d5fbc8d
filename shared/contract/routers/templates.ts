import { z } from 'zod';
import { procedure, router } from '../trpc';
import * as j from '../schemas/jobs';

export const templatesRouter = router({
  list: procedure.output(z.array(j.TemplateSummary)).query(({ ctx }) => ctx.services.templates.list()),
  get: procedure.input(j.TemplateRef).output(j.Template).query(({ ctx, input }) => ctx.services.templates.get(input)),
  /** A new version of a custom template (built-ins are read-only: clone them). */
  save: procedure.input(j.TemplateSaveInput).output(j.Template).mutation(({ ctx, input }) => ctx.services.templates.save(ctx.actor, input)),
  clone: procedure.input(j.TemplateCloneInput).output(j.Template).mutation(({ ctx, input }) => ctx.services.templates.clone(ctx.actor, input)),
  remove: procedure.input(z.object({ name: z.string().min(1).max(128) })).output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => (ctx.services.templates.remove(ctx.actor, input.name), { ok: true as const })),
  export: procedure.input(j.TemplateRef).output(z.object({ filename: z.string(), text: z.string() })).query(({ ctx, input }) => ctx.services.templates.exportText(input)),
  import: procedure.input(j.TemplateImportInput).output(j.Template).mutation(({ ctx, input }) => ctx.services.templates.importText(ctx.actor, input)),
});
