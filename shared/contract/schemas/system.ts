import { z } from 'zod';

export const SystemInfo = z.object({
  version: z.string(),
  dataDir: z.string(),
  schemaVersion: z.number().int(),
  via: z.enum(['app', 'serve', 'cli']),
  counts: z.object({ nodes: z.number().int(), groups: z.number().int(), racks: z.number().int(), rooms: z.number().int(), credentials: z.number().int() }),
});
export type SystemInfo = z.infer<typeof SystemInfo>;
