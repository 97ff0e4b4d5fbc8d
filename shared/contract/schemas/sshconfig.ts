import { z } from 'zod';

// `~/.ssh/config` import: each concrete Host alias becomes an inventory node; wildcard Host
// patterns are not nodes, but their options apply to the aliases they match (first match wins,
// as in OpenSSH). IdentityFile keys become vault credentials.

export const SshConfigImportInput = z.object({
  /** The config file on the machine running ClusterDeck; default ~/.ssh/config. Ignored when `text` is given. */
  path: z.string().max(4096).optional(),
  /** The config's text (a file the user picked); IdentityFile paths are still read on this machine. */
  text: z.string().max(4 * 1024 * 1024).optional(),
  dryRun: z.boolean().default(false),
  /** Replace the SSH settings of nodes that already exist. */
  update: z.boolean().default(false),
  /** Passphrases of encrypted IdentityFile keys, by the path as written in the config or expanded. */
  passphrases: z.record(z.string().max(4096), z.string().max(1024)).default({}),
});

export const SSH_CONFIG_HOST_STATUSES = ['new', 'update', 'exists', 'skipped'] as const;

export const SshConfigHost = z.object({
  alias: z.string(),
  /** Line of the Host directive. */
  line: z.number().int(),
  hostname: z.string(),
  port: z.number().int(),
  user: z.string(),
  jumpHost: z.string().nullable(),
  identityFile: z.string().nullable(),
  credential: z.string().nullable(),
  /** new: added; update: SSH settings replaced (--update); exists: left alone; skipped: see reason. */
  status: z.enum(SSH_CONFIG_HOST_STATUSES),
  reason: z.string().nullable(),
});
export type SshConfigHost = z.infer<typeof SshConfigHost>;

export const SSH_CONFIG_KEY_STATUSES = ['new', 'exists', 'needs-passphrase', 'wrong-passphrase', 'unreadable'] as const;

export const SshConfigKey = z.object({
  /** The path as expanded (~ and %d, %u, %h, %r tokens). */
  file: z.string(),
  credential: z.string(),
  encrypted: z.boolean(),
  status: z.enum(SSH_CONFIG_KEY_STATUSES),
  reason: z.string().nullable(),
});
export type SshConfigKey = z.infer<typeof SshConfigKey>;

export const SshConfigImportResult = z.object({
  source: z.string(),
  dryRun: z.boolean(),
  hosts: z.array(SshConfigHost),
  /** Wildcard Host patterns: their options were applied, they made no nodes. */
  patterns: z.array(z.string()),
  keys: z.array(SshConfigKey),
  /** Options ClusterDeck does not carry over (ProxyCommand, Match blocks, ...), with their lines. */
  warnings: z.array(z.string()),
  /** Nodes added or updated (0 on a dry run, or when a key needs a passphrase: then nothing is imported). */
  imported: z.number().int(),
});
export type SshConfigImportResult = z.infer<typeof SshConfigImportResult>;
