import { z } from 'zod';

// Names users type and node sets fold: letters, digits, dot, dash, underscore; no spaces,
// commas or brackets (those belong to the node set syntax).
export const Name = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "-" and "_" only, starting with a letter or digit');

const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

export function isAddress(value: string): boolean {
  if (IPV4.test(value)) return true;
  if (value.includes(':')) return IPV6.test(value) && value.split(':').length <= 8;
  // A dotted all-numeric string that is not a valid IPv4 (999.1.1.1) is a typo, not a hostname.
  if (/^[\d.]+$/.test(value)) return false;
  return HOSTNAME.test(value);
}

export const Address = z.string().trim().refine(isAddress, 'is not a valid hostname or IP address');
export const Port = z.number().int().min(1, 'must be 1-65535').max(65535, 'must be 1-65535');

export const Page = z.object({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(100_000).default(1000),
});
