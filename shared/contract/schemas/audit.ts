import { z } from 'zod';
import { Page } from './common';

export const AUDIT_RESULTS = ['running', 'ok', 'failed', 'partial', 'cancelled'] as const;

export const AuditEntry = z.object({
  id: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  actor: z.string(),
  via: z.string(),
  module: z.string(),
  action: z.string(),
  targets: z.string(),
  params: z.record(z.string(), z.unknown()),
  result: z.enum(AUDIT_RESULTS),
  detail: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditQuery = Page.extend({
  module: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  actor: z.string().max(64).optional(),
  result: z.enum(AUDIT_RESULTS).optional(),
  text: z.string().max(200).optional(),
  since: z.string().max(40).optional(),
  until: z.string().max(40).optional(),
});
export type AuditQuery = z.input<typeof AuditQuery>;

export const AuditList = z.object({ total: z.number().int(), items: z.array(AuditEntry) });
export type AuditList = z.infer<typeof AuditList>;
