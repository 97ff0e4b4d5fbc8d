import { z } from 'zod';
import { Address, Name, Page, Port } from './common';

export const NODE_TYPES = ['compute', 'gpu', 'login', 'storage', 'management'] as const;
export const BMC_PROTOCOLS = ['ipmi', 'redfish'] as const;

export const SshEndpoint = z.object({
  host: Address,
  port: Port.default(22),
  user: z.string().min(1).max(64).regex(/^[A-Za-z0-9._][A-Za-z0-9._-]*$/, 'is not a valid user name'),
  credential: Name.nullable().default(null),
  /** Another node's name or `user@host:port`; reached first (ProxyJump). */
  jumpHost: z.string().max(255).nullable().default(null),
});
export type SshEndpoint = z.infer<typeof SshEndpoint>;

export const BmcEndpoint = z.object({
  host: Address,
  port: Port.default(623),
  protocol: z.enum(BMC_PROTOCOLS).default('ipmi'),
  credential: Name.nullable().default(null),
});
export type BmcEndpoint = z.infer<typeof BmcEndpoint>;

export const Labels = z.record(z.string().min(1).max(64), z.string().max(256));

export const NodeInput = z.object({
  name: Name,
  hostname: Address,
  type: z.enum(NODE_TYPES).default('compute'),
  rack: Name.nullable().default(null),
  u: z.number().int().min(1).max(60).nullable().default(null),
  uHeight: z.number().int().min(1).max(20).default(1),
  gpuCount: z.number().int().min(0).max(64).default(0),
  gpuModel: z.string().max(64).nullable().default(null),
  labels: Labels.default({}),
  groups: z.array(Name).default([]),
  ssh: SshEndpoint.nullable().default(null),
  bmc: BmcEndpoint.nullable().default(null),
});
export type NodeInput = z.input<typeof NodeInput>;
export type NodeFields = z.output<typeof NodeInput>;

export const Node = NodeInput.extend({
  id: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Node = z.output<typeof Node>;

export const NodeQuery = Page.extend({
  /** A node set expression (`gpu[001-064],@rack3`); only these nodes are listed. */
  nodeset: z.string().max(100_000).optional(),
  search: z.string().max(200).optional(),
  /**
   * As HTTP's If-None-Match: the etag of the listing the caller holds ('' when it holds none). Given, the answer
   * carries the listing's etag, and when it is the same, no items (`notModified`).
   */
  ifNoneMatch: z.string().max(128).optional(),
});

export const NodeList = z.object({
  total: z.number().int(),
  items: z.array(Node),
  /** A digest of exactly this answer (query, total, items); only when the query gave ifNoneMatch. */
  etag: z.string().optional(),
  /** The caller's listing (ifNoneMatch) is still this one: `items` is empty, `total` is right. */
  notModified: z.boolean().optional(),
});
export type NodeList = z.infer<typeof NodeList>;

export const NodeUpdate = z.object({ name: Name, patch: NodeInput.partial() });

export const Group = z.object({
  id: z.number().int(),
  name: Name,
  description: z.string(),
  size: z.number().int(),
});
export type Group = z.infer<typeof Group>;
export const GroupInput = z.object({ name: Name, description: z.string().max(500).default('') });

export const Room = z.object({ id: z.number().int(), name: Name, description: z.string(), racks: z.number().int() });
export type Room = z.infer<typeof Room>;
export const RoomInput = z.object({ name: Name, description: z.string().max(500).default('') });

export const Rack = z.object({
  id: z.number().int(),
  name: Name,
  room: Name.nullable(),
  heightU: z.number().int(),
  row: z.number().int().nullable(),
  column: z.number().int().nullable(),
  nodes: z.number().int(),
});
export type Rack = z.infer<typeof Rack>;
export const RackInput = z.object({
  name: Name,
  room: Name.nullable().default(null),
  heightU: z.number().int().min(1).max(60).default(42),
  row: z.number().int().min(0).max(1000).nullable().default(null),
  column: z.number().int().min(0).max(1000).nullable().default(null),
});

export const IMPORT_FORMATS = ['csv', 'yaml'] as const;
export const ImportInput = z.object({
  format: z.enum(IMPORT_FORMATS),
  text: z.string().max(64 * 1024 * 1024, 'the file is larger than 64 MB'),
  /** Replace nodes that already exist instead of rejecting them. */
  update: z.boolean().default(false),
  /** Create racks and groups the file names but the inventory lacks. */
  createMissing: z.boolean().default(false),
});

export const ImportProblem = z.object({ line: z.number().int(), column: z.string(), reason: z.string() });
export type ImportProblem = z.infer<typeof ImportProblem>;
export const ImportResult = z.object({
  imported: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  problems: z.array(ImportProblem),
});
export type ImportResult = z.infer<typeof ImportResult>;

export const ExportInput = z.object({ format: z.enum(IMPORT_FORMATS), nodeset: z.string().max(100_000).optional() });

export const NodeSetPreview = z.object({
  count: z.number().int(),
  folded: z.string(),
  /** Names in the expression that the inventory does not know. */
  unknown: z.array(z.string()),
  unknownFolded: z.string(),
});
export type NodeSetPreview = z.infer<typeof NodeSetPreview>;
