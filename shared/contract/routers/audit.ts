import { z } from 'zod';
import { procedure, router } from '../trpc';
import * as audit from '../schemas/audit';

export const auditRouter = router({
  list: procedure.input(audit.AuditQuery).output(audit.AuditList).query(({ ctx, input }) => ctx.services.audit.list(input)),
  exportCsv: procedure.input(audit.AuditQuery).output(z.string()).query(({ ctx, input }) => ctx.services.audit.exportCsv(input)),
});
