import { z } from 'zod';

// Batch power over BMCs (IPMI and Redfish): what a run asks for and the events it streams.

export const POWER_ACTIONS = ['status', 'on', 'off', 'cycle', 'reset', 'soft', 'identify', 'bootdev'] as const;
export type PowerAction = (typeof POWER_ACTIONS)[number];
/** Actions that interrupt a running machine: confirmed with the count before they run. */
export const DESTRUCTIVE_ACTIONS: readonly PowerAction[] = ['off', 'cycle', 'reset', 'soft'];
export const isDestructive = (a: string): boolean => (DESTRUCTIVE_ACTIONS as readonly string[]).includes(a);

export const BOOT_DEVICES = ['pxe', 'disk', 'bios'] as const;
export const POWER_STATES = ['on', 'off', 'powering-on', 'powering-off', 'paused'] as const;
export type PowerState = (typeof POWER_STATES)[number];
export const BATCH_STATUSES = ['ok', 'failed', 'timeout', 'unreachable', 'cancelled'] as const;
export type BatchStatusName = (typeof BATCH_STATUSES)[number];

const NodeSetExpr = z.string().trim().min(1, 'the node set is empty').max(100_000);

export const BatchOptions = z.object({
  /** Operations running at once (sessions open at once). */
  fanout: z.number().int().min(1).max(4096).optional(),
  /** Per node, the whole operation (session setup, command, answer). */
  timeoutMs: z.number().int().min(100).max(600_000).optional(),
  /** Resend an unanswered IPMI packet after this long. */
  retransmitMs: z.number().int().min(10).max(60_000).optional(),
  /** Minimum gap between the starts of two nodes' operations (spreads power-on inrush). */
  staggerMs: z.number().int().min(0).max(600_000).optional(),
  /** Extra attempts after a timeout or a busy BMC (only for actions that are safe to repeat). */
  retries: z.number().int().min(0).max(5).optional(),
  /** Reachability check before the operation, so dead BMCs cost one short timeout. Default on. */
  precheck: z.boolean().optional(),
});
export type BatchOptions = z.infer<typeof BatchOptions>;

export const RunOptions = BatchOptions.extend({
  bootDevice: z.enum(BOOT_DEVICES).optional(),
  /** bootdev: every boot, not only the next one. */
  persistent: z.boolean().optional(),
  /** bootdev: boot in UEFI mode. */
  uefi: z.boolean().optional(),
  /** identify: seconds the light stays on (0 turns it off). */
  identifySeconds: z.number().int().min(0).max(255).optional(),
  /** identify: on until turned off. */
  identifyForce: z.boolean().optional(),
});
export type RunOptions = z.infer<typeof RunOptions>;

export const PowerRunInput = z
  .object({ nodeset: NodeSetExpr, action: z.enum(POWER_ACTIONS), options: RunOptions.default({}) })
  .refine((v) => v.action !== 'bootdev' || v.options.bootDevice !== undefined, { message: 'bootdev needs options.bootDevice (pxe, disk or bios)', path: ['options', 'bootDevice'] });
export type PowerRunInput = z.input<typeof PowerRunInput>;

export const SensorsInput = z.object({ nodeset: NodeSetExpr, options: BatchOptions.default({}) });
export const SelInput = z.object({ nodeset: NodeSetExpr, op: z.enum(['list', 'clear']), options: BatchOptions.default({}) });
export type SelInput = z.input<typeof SelInput>;

export const ErrorData = z.object({ code: z.string(), key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])), message: z.string() });

export const Sensor = z.object({
  name: z.string(),
  /** temperature, fan, voltage, power, or the IPMI sensor type name. */
  kind: z.string(),
  value: z.number().nullable(),
  unit: z.string(),
  status: z.enum(['ok', 'warning', 'critical', 'absent', 'unknown']),
});
export type Sensor = z.infer<typeof Sensor>;

export const SelRecord = z.object({
  id: z.number().int(),
  time: z.string().nullable(),
  sensor: z.string(),
  event: z.string(),
});
export type SelRecord = z.infer<typeof SelRecord>;

export const BatchTargetInfo = z.object({ name: z.string(), protocol: z.enum(['ipmi', 'redfish']).nullable() });

const Started = z.object({ type: z.literal('started'), name: z.string(), attempt: z.number().int() });
const Plan = z.object({
  type: z.literal('plan'),
  auditId: z.number().int(),
  action: z.string(),
  nodes: z.array(BatchTargetInfo),
  /** The options in force (defaults filled in). */
  options: z.object({ fanout: z.number(), timeoutMs: z.number(), retransmitMs: z.number(), staggerMs: z.number(), retries: z.number(), precheck: z.boolean() }),
});
const ResultBase = {
  type: z.literal('result'),
  name: z.string(),
  status: z.enum(BATCH_STATUSES),
  error: ErrorData.nullable(),
  elapsedMs: z.number(),
  attempts: z.number().int(),
};

export const BatchSummary = z.object({
  total: z.number().int(),
  counts: z.record(z.enum(BATCH_STATUSES), z.number().int()),
  elapsedMs: z.number(),
  cancelled: z.boolean(),
  /** `120 on, 6 off, 2 timeout: gpu[007,091]` */
  line: z.string(),
  /** The nodes that did not end ok, folded (what "retry failed" runs again). */
  failedNodeset: z.string(),
  outcome: z.enum(['ok', 'partial', 'failed', 'cancelled']),
  auditId: z.number().int(),
});
export type BatchSummary = z.infer<typeof BatchSummary>;
const Done = z.object({ type: z.literal('done'), summary: BatchSummary });

/** A power result: the power state the node reported (status) or is now in (on, off, cycle, reset). */
export const PowerEvent = z.discriminatedUnion('type', [Plan, Started, z.object({ ...ResultBase, power: z.enum(POWER_STATES).nullable() }), Done]);
export type PowerEvent = z.infer<typeof PowerEvent>;
export type PowerResultEvent = Extract<PowerEvent, { type: 'result' }>;

export const SensorsEvent = z.discriminatedUnion('type', [Plan, Started, z.object({ ...ResultBase, sensors: z.array(Sensor).nullable() }), Done]);
export type SensorsEvent = z.infer<typeof SensorsEvent>;

export const SelEvent = z.discriminatedUnion('type', [Plan, Started, z.object({ ...ResultBase, entries: z.array(SelRecord).nullable() }), Done]);
export type SelEvent = z.infer<typeof SelEvent>;

// Redfish trust on first use: look at the certificates, then pin exactly what was seen.
export const CertificateProbeInput = z.object({ nodeset: NodeSetExpr });
export const CertificateStatus = z.object({
  name: z.string(),
  host: z.string(),
  port: z.number().int(),
  /** new: nothing pinned; pinned: matches the pin; changed: differs from the pin; error: could not be read. */
  status: z.enum(['new', 'pinned', 'changed', 'error']),
  fingerprint: z.string().nullable(),
  pinned: z.string().nullable(),
  subject: z.string().nullable(),
  issuer: z.string().nullable(),
  validTo: z.string().nullable(),
  error: ErrorData.nullable(),
});
export type CertificateStatus = z.infer<typeof CertificateStatus>;

export const TrustInput = z.object({
  /** Each node with the fingerprint the user saw; pinned only if the BMC still presents exactly it. */
  entries: z.array(z.object({ name: z.string().min(1).max(128), fingerprint: z.string().min(64).max(200) })).min(1).max(100_000),
  /** Replace a different pin (the BMC's certificate was changed on purpose). */
  replace: z.boolean().default(false),
});
export type TrustInput = z.input<typeof TrustInput>;
export const TrustResult = z.object({
  name: z.string(),
  ok: z.boolean(),
  fingerprint: z.string().nullable(),
  error: ErrorData.nullable(),
});
export type TrustResult = z.infer<typeof TrustResult>;

export const LastStatesInput = z.object({ nodeset: z.string().max(100_000).optional() });
export const LastState = z.object({ name: z.string(), state: z.enum(['on', 'off']), checkedAt: z.string() });
export type LastState = z.infer<typeof LastState>;
