import crypto from 'node:crypto';

// AES-256-GCM for everything at rest: authenticated, so a wrong key or a tampered row fails
// loudly instead of decrypting to garbage. Layout: version(1) | iv(12) | tag(16) | ciphertext.
const VERSION = 1;

/** Associated data of the wrapped data key (vault_keys.wrapped_key). */
export const VAULT_KEY_AAD = 'clusterdeck-vault-key';

export function seal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}

/** Throws when the key is wrong or the blob was altered. */
export function unseal(key: Buffer, blob: Buffer, aad: string): Buffer {
  if (blob.length < 29 || blob[0] !== VERSION) throw new Error('unknown ciphertext format');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, blob.subarray(1, 13));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(blob.subarray(13, 29));
  return Buffer.concat([decipher.update(blob.subarray(29)), decipher.final()]);
}

export interface ScryptParams { N: number; r: number; p: number }
// 2^15 costs about 0.1 s and 32 MB here: slow for a guesser, unnoticeable once per start.
export const DEFAULT_SCRYPT: ScryptParams = { N: 1 << 15, r: 8, p: 1 };

const scryptOptions = (params: ScryptParams): crypto.ScryptOptions => ({ ...params, maxmem: 256 * params.N * params.r });

export function deriveKey(passphrase: string, salt: Buffer, params: ScryptParams = DEFAULT_SCRYPT): Buffer {
  return crypto.scryptSync(passphrase.normalize('NFC'), salt, 32, scryptOptions(params));
}

/** deriveKey on libuv's thread pool: the same key, while the main thread goes on (loading modules, say). */
export function deriveKeyAsync(passphrase: string, salt: Buffer, params: ScryptParams = DEFAULT_SCRYPT): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    crypto.scrypt(passphrase.normalize('NFC'), salt, 32, scryptOptions(params), (error, key) => (error ? reject(error) : resolve(key)));
  });
}
