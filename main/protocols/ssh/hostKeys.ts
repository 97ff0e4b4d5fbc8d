// Host key checking, OpenSSH style. The client never accepts a key blindly: the presented key is
// compared with what the caller knows for [host]:port (known_hosts and ClusterDeck's store).
import { createHash } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import { SSH_ERROR, hostPort, sshError } from './errors';

export interface HostKey {
  /** The key's own type, as in the blob: ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, ... */
  type: string;
  /** The public key blob (what known_hosts holds in base64). */
  blob: Buffer;
}

export interface KnownHostKey extends HostKey {
  /** Where the key came from, for messages: "~/.ssh/known_hosts:12", "clusterdeck". */
  source: string;
  /** OpenSSH's @revoked marker: this key must never be accepted. */
  revoked?: boolean;
}

/** What the client needs from whoever keeps host keys (main/services/hostkeys implements it). */
export interface HostKeyStore {
  lookup(host: string, port: number): KnownHostKey[];
  /** Stores a new key (accept-new). */
  add(host: string, port: number, key: HostKey): void;
}

/**
 * 'ask': an unknown key is refused with SSH_HOSTKEY_UNKNOWN carrying its fingerprint, so a person
 * can compare it and accept it (hostkeys scan). 'accept-new': unknown keys are stored and used,
 * like OpenSSH's StrictHostKeyChecking=accept-new. A changed key is refused under both.
 */
export type HostKeyPolicy = 'ask' | 'accept-new';

/** "SHA256:<base64 without padding>", as `ssh-keygen -l` prints it. */
export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** The type string at the start of an SSH public key blob, or null when the blob is malformed. */
export function keyTypeOf(blob: Buffer): string | null {
  if (blob.length < 4) return null;
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || blob.length < 4 + len) return null;
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** Host key algorithms that produce keys of `type`, for putting known types first in the negotiation. */
export function algorithmsForKeyType(type: string): string[] {
  if (type === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return [type];
}

export type HostKeyVerdict =
  | { status: 'known'; key: KnownHostKey }
  | { status: 'unknown'; fingerprint: string }
  | { status: 'changed'; fingerprint: string; stored: KnownHostKey[] }
  | { status: 'revoked'; fingerprint: string; key: KnownHostKey };

/**
 * Compares a presented key with the known ones. A key of a type we hold but with other bits is
 * "changed"; so is a key of a new type when the host is known under other types — we offered the
 * known types first, so a real server would have used one of them.
 */
export function judgeHostKey(presented: HostKey, known: readonly KnownHostKey[]): HostKeyVerdict {
  const fp = fingerprint(presented.blob);
  const revoked = known.find((k) => k.revoked && k.blob.equals(presented.blob));
  if (revoked) return { status: 'revoked', fingerprint: fp, key: revoked };
  const trusted = known.filter((k) => !k.revoked);
  const match = trusted.find((k) => k.blob.equals(presented.blob));
  if (match) return { status: 'known', key: match };
  if (trusted.length === 0) return { status: 'unknown', fingerprint: fp };
  const sameType = trusted.filter((k) => k.type === presented.type);
  return { status: 'changed', fingerprint: fp, stored: sameType.length ? sameType : trusted };
}

export function hostKeyUnknownError(host: string, port: number, key: HostKey, hop?: number): AppError {
  const fp = fingerprint(key.blob);
  const where = hostPort(host, port);
  return sshError(
    SSH_ERROR.HOSTKEY_UNKNOWN,
    `The host key of ${where} is not known yet (${key.type} ${fp}). Nothing was sent to it. Compare the fingerprint with the one on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then accept it with \`clusterdeck hostkeys scan\`, or run with --accept-new for batch work.`,
    { host, port, keyType: key.type, fingerprint: fp, hop: hop ?? null },
  );
}

export function hostKeyChangedError(host: string, port: number, key: HostKey, stored: readonly KnownHostKey[], hop?: number): AppError {
  const fp = fingerprint(key.blob);
  const where = hostPort(host, port);
  const storedText = stored.map((k) => `${k.type} ${fingerprint(k.blob)} (${k.source})`).join(', ');
  return sshError(
    SSH_ERROR.HOSTKEY_CHANGED,
    `WARNING: the host key of ${where} has CHANGED. Stored: ${storedText}; presented: ${key.type} ${fp}. Nothing was sent and no login was attempted. Someone may be intercepting the connection, or the host was reinstalled. If you know the host was reinstalled, verify the new fingerprint on it, then \`clusterdeck hostkeys forget\` and \`hostkeys scan\` it again.`,
    { host, port, keyType: key.type, fingerprint: fp, storedFingerprint: stored.map((k) => fingerprint(k.blob)).join(','), storedSource: stored.map((k) => k.source).join(','), hop: hop ?? null },
  );
}

export function hostKeyRevokedError(host: string, port: number, key: KnownHostKey, hop?: number): AppError {
  const fp = fingerprint(key.blob);
  return sshError(
    SSH_ERROR.HOSTKEY_CHANGED,
    `The host key presented by ${hostPort(host, port)} (${key.type} ${fp}) is marked @revoked in ${key.source}. Nothing was sent.`,
    { host, port, keyType: key.type, fingerprint: fp, storedFingerprint: fp, storedSource: key.source, revoked: true, hop: hop ?? null },
  );
}
