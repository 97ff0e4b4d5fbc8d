import { z } from 'zod';

/** A completed state change, from this process or another (the CLI, a second window). */
export const ChangeEvent = z.object({
  auditId: z.number().int(),
  module: z.string(),
  action: z.string(),
  targets: z.string(),
  result: z.string(),
  via: z.string(),
});
export type ChangeEvent = z.infer<typeof ChangeEvent>;
