import { z } from 'zod';
import { Name } from './common';

export const CREDENTIAL_KINDS = ['password', 'ssh_key', 'token', 'kubeconfig'] as const;

// What any front door may see of a credential: never the secret itself.
export const CredentialSummary = z.object({
  id: z.number().int(),
  name: Name,
  kind: z.enum(CREDENTIAL_KINDS),
  username: z.string().nullable(),
  hasPassphrase: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  usedBy: z.number().int(),
});
export type CredentialSummary = z.infer<typeof CredentialSummary>;

export const CredentialInput = z.object({
  name: Name,
  kind: z.enum(CREDENTIAL_KINDS),
  username: z.string().max(128).nullable().default(null),
  secret: z.string().min(1, 'the secret is empty').max(1024 * 1024),
  /** Passphrase of an encrypted SSH private key. */
  passphrase: z.string().max(1024).nullable().default(null),
  replace: z.boolean().default(false),
});
export type CredentialInput = z.input<typeof CredentialInput>;

export const VaultStatus = z.object({
  initialized: z.boolean(),
  unlocked: z.boolean(),
  /** How the vault key is protected: a passphrase (scrypt) and/or the OS keychain (Electron safeStorage). */
  protections: z.array(z.enum(['passphrase', 'os'])),
});
export type VaultStatus = z.infer<typeof VaultStatus>;

export const UnlockInput = z.object({ passphrase: z.string().min(1).max(1024) });
