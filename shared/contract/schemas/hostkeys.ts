import { z } from 'zod';
import { ErrorData } from './exec';

// SSH host keys: ClusterDeck's own store (accepted by scan or exec --accept-new) and, read-only,
// the user's ~/.ssh/known_hosts.

export const HostKeyEntry = z.object({
  host: z.string(),
  port: z.number().int(),
  keyType: z.string(),
  fingerprint: z.string(),
  /** "clusterdeck" or "<file>:<line>" of a known_hosts file. */
  source: z.string(),
  addedAt: z.string().nullable(),
  /** Inventory nodes that use this endpoint, folded. */
  nodes: z.string(),
});
export type HostKeyEntry = z.infer<typeof HostKeyEntry>;

export const HostKeyListInput = z.object({ nodeset: z.string().max(100_000).optional() });

export const HostKeyScanInput = z.object({
  nodeset: z.string().min(1, 'the node set is empty').max(100_000),
  connectTimeoutS: z.number().positive().max(3600).default(10),
  fanout: z.number().int().min(1).max(1024).default(64),
  /** Store a new key only if it has this fingerprint (what the user compared on the host). */
  expectFingerprint: z.string().max(100).optional(),
});

export const HOSTKEY_SCAN_STATUSES = ['new', 'known', 'changed', 'mismatch', 'error'] as const;

export const HostKeyScanResult = z.object({
  host: z.string(),
  port: z.number().int(),
  nodes: z.string(),
  /** new: stored now. known: matches. changed: differs from the stored key (not stored). mismatch: not the expected fingerprint (not stored). */
  status: z.enum(HOSTKEY_SCAN_STATUSES),
  keyType: z.string().nullable(),
  fingerprint: z.string().nullable(),
  storedFingerprint: z.string().nullable(),
  error: ErrorData.nullable(),
});
export type HostKeyScanResult = z.infer<typeof HostKeyScanResult>;

export const HostKeyForgetInput = z.object({ nodeset: z.string().min(1, 'the node set is empty').max(100_000) });
export const HostKeyForgetResult = z.object({
  removed: z.number().int(),
  endpoints: z.number().int(),
  /** Keys for these endpoints still in known_hosts files, which ClusterDeck does not edit. */
  knownHostsLeft: z.array(z.string()),
});
export type HostKeyForgetResult = z.infer<typeof HostKeyForgetResult>;

/**
 * First contact from a terminal: the user saw `fingerprint` for host:port (a hop of `target`'s
 * chain: the node itself or one of its jump hosts) and accepted it. The key is fetched again and
 * stored only if it still has that fingerprint.
 */
export const HostKeyAcceptInput = z.object({
  target: z.string().min(1, 'the node name is empty').max(1000),
  host: z.string().min(1).max(1000),
  port: z.number().int().min(1).max(65535),
  fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'a SHA256 fingerprint as ssh-keygen -l prints it (SHA256:…, 43 characters after the colon)'),
  connectTimeoutS: z.number().positive().max(3600).default(15),
});
export const HostKeyAcceptResult = z.object({
  host: z.string(),
  port: z.number().int(),
  keyType: z.string(),
  fingerprint: z.string(),
  /** new: stored now; known: it was already known (accepted meanwhile). */
  status: z.enum(['new', 'known']),
});
export type HostKeyAcceptResult = z.infer<typeof HostKeyAcceptResult>;
