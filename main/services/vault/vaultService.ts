import crypto from 'node:crypto';
import type { Db } from '../../store/db';
import { nowIso } from '../../store/db';
import { AppError } from '../../../shared/errors';
import type { VaultService } from '../../../shared/contract/services';
import type { CredentialSummary, VaultStatus } from '../../../shared/contract/schemas/vault';
import type { AuditLog } from '../audit/auditLog';
import { deriveKey, DEFAULT_SCRYPT, seal, unseal, VAULT_KEY_AAD, type ScryptParams } from './crypto';
import type { OsKeychain } from './osKeychain';

export interface RevealedCredential {
  name: string;
  kind: CredentialSummary['kind'];
  username: string | null;
  secret: string;
  passphrase: string | null;
}

export interface Vault extends VaultService {
  /** main/ only: the decrypted secret for a protocol client. Never crosses a front door. */
  reveal(name: string): RevealedCredential;
  lock(): void;
  /** Called on lock: whoever keeps something derived from a secret (a parsed kubeconfig) forgets it. */
  onLock(listener: () => void): void;
}

interface KeyRow { kind: 'passphrase' | 'os'; salt: Buffer | null; params: string; wrapped_key: Buffer }
interface CredRow {
  id: number; name: string; kind: CredentialSummary['kind']; username: string | null; secret: Buffer;
  passphrase: Buffer | null; created_at: string; updated_at: string; used_by: number;
}

const KEY_AAD = VAULT_KEY_AAD;

/**
 * The passphrase's scrypt key, derived ahead (./prederive.ts) for the salt and parameters stored
 * in vault_keys: the CLI starts the derivation before it loads the services, and the vault uses
 * the result instead of deriving again (only when salt and parameters still match).
 */
export interface PrederivedKey {
  salt: Buffer;
  params: ScryptParams;
  key: Buffer;
  /** Handed over by the vault agent (./agent.ts): it opens the vault without the passphrase. */
  fromAgent?: boolean;
}

/**
 * Credentials encrypted with one random data key. The data key is stored only wrapped: by a key
 * derived from the user's passphrase (scrypt) and, on the desktop, by the OS keychain — so the
 * CLI can open with the passphrase what the app stored, and the app opens without asking.
 */
export function createVault(db: Db, audit: AuditLog, opts: { passphrase?: string; osKeychain?: OsKeychain; prederived?: PrederivedKey } = {}): Vault {
  let dataKey: Buffer | null = null;
  // Derived from opts.passphrase; used once, by the unlock at creation, then dropped.
  let prederived = opts.prederived;

  function passphraseKey(passphrase: string, salt: Buffer, params: ScryptParams): Buffer {
    const pre = prederived;
    prederived = undefined;
    const matches = pre && !pre.fromAgent && passphrase === opts.passphrase && pre.salt.equals(salt)
      && pre.params.N === params.N && pre.params.r === params.r && pre.params.p === params.p;
    if (matches) return pre.key; // wiped by the caller once it unwrapped
    pre?.key.fill(0);
    return deriveKey(passphrase, salt, params);
  }

  const keyRows = () => db.prepare('SELECT * FROM vault_keys').all() as KeyRow[];
  const keyRow = (kind: KeyRow['kind']) => keyRows().find((r) => r.kind === kind);

  function status(): VaultStatus {
    const rows = keyRows();
    return { initialized: rows.length > 0, unlocked: dataKey !== null, protections: rows.map((r) => r.kind) };
  }

  function storePassphraseWrap(key: Buffer, passphrase: string, params: ScryptParams = DEFAULT_SCRYPT): void {
    const salt = crypto.randomBytes(16);
    const wrapped = seal(deriveKey(passphrase, salt, params), key, KEY_AAD);
    db.prepare('INSERT OR REPLACE INTO vault_keys (kind, salt, params, wrapped_key, created_at) VALUES (?, ?, ?, ?, ?)')
      .run('passphrase', salt, JSON.stringify(params), wrapped, nowIso());
  }

  function storeOsWrap(key: Buffer): void {
    if (!opts.osKeychain?.isAvailable()) return;
    db.prepare('INSERT OR REPLACE INTO vault_keys (kind, salt, params, wrapped_key, created_at) VALUES (?, NULL, ?, ?, ?)')
      .run('os', '{}', opts.osKeychain.encrypt(key), nowIso());
  }

  function unlockWithPassphrase(passphrase: string): void {
    const row = keyRow('passphrase');
    if (!row) {
      if (keyRows().length === 0) return initialize(passphrase);
      throw new AppError('VAULT_NO_PASSPHRASE', 'This vault is protected by the OS keychain only. Open ClusterDeck on the desktop and set a vault passphrase in Settings to use it from the CLI.');
    }
    const key = passphraseKey(passphrase, row.salt!, JSON.parse(row.params) as ScryptParams);
    try {
      dataKey = unseal(key, row.wrapped_key, KEY_AAD);
    } catch {
      throw new AppError('VAULT_WRONG_PASSPHRASE', 'Wrong vault passphrase. Enter the passphrase this data folder was created with (CLUSTERDECK_PASSPHRASE or the prompt).');
    } finally {
      key.fill(0); // the wrapping key is needed only to unwrap
    }
    if (!keyRow('os')) storeOsWrap(dataKey);
  }

  function initialize(passphrase?: string): void {
    const key = crypto.randomBytes(32);
    db.transaction(() => {
      if (passphrase) storePassphraseWrap(key, passphrase);
      storeOsWrap(key);
    })();
    if (keyRows().length === 0) {
      throw new AppError('VAULT_LOCKED', 'The vault needs a passphrase before it can store secrets. Set CLUSTERDECK_PASSPHRASE or enter one when asked.');
    }
    dataKey = key;
  }

  /** The agent's key, if it still fits this vault (same salt and parameters) and unwraps it. */
  function unlockWithAgentKey(): boolean {
    const pre = prederived;
    if (!pre?.fromAgent) return false;
    prederived = undefined;
    const row = keyRow('passphrase');
    try {
      const p = row ? (JSON.parse(row.params) as ScryptParams) : undefined;
      if (!row?.salt || !p || !pre.salt.equals(row.salt) || pre.params.N !== p.N || pre.params.r !== p.r || pre.params.p !== p.p) return false;
      dataKey = unseal(pre.key, row.wrapped_key, KEY_AAD);
      return true;
    } catch {
      return false; // the passphrase changed since the agent started: fall back to it
    } finally {
      pre.key.fill(0);
    }
  }

  function tryAutoUnlock(): void {
    const os = keyRow('os');
    if (os && opts.osKeychain?.isAvailable()) {
      try { dataKey = opts.osKeychain.decrypt(os.wrapped_key); return; } catch { /* fall back to the passphrase */ }
    }
    if (unlockWithAgentKey()) return;
    if (opts.passphrase) unlockWithPassphrase(opts.passphrase);
  }

  function requireKey(): Buffer {
    if (!dataKey) {
      if (!status().initialized && (opts.passphrase || opts.osKeychain?.isAvailable())) initialize(opts.passphrase);
      else throw new AppError('VAULT_LOCKED', 'The vault is locked. Unlock it in Settings, or set CLUSTERDECK_PASSPHRASE (or start `clusterdeck agent start`) for the CLI and serve.');
    }
    return dataKey!;
  }

  const summaries = () => db.prepare(`
    SELECT c.*, (SELECT count(*) FROM nodes n WHERE n.ssh_credential_id = c.id OR n.bmc_credential_id = c.id) AS used_by
    FROM credentials c ORDER BY c.name`).all() as CredRow[];

  const toSummary = (r: CredRow): CredentialSummary => ({
    id: r.id, name: r.name, kind: r.kind, username: r.username, hasPassphrase: r.passphrase !== null,
    createdAt: r.created_at, updatedAt: r.updated_at, usedBy: r.used_by,
  });

  const aad = (name: string, kind: string, field: string) => `credential:${name}:${kind}:${field}`;

  if (keyRows().length > 0) tryAutoUnlock();
  prederived?.key.fill(0); // not needed (the OS keychain opened it, or nothing to unlock yet)
  prederived = undefined;

  const lockListeners = new Set<() => void>();
  return {
    status,
    unlock(passphrase) {
      unlockWithPassphrase(passphrase);
      return status();
    },
    lock() {
      dataKey = null;
      for (const l of lockListeners) l();
    },
    onLock(listener) {
      lockListeners.add(listener);
    },
    list: () => summaries().map(toSummary),
    add(actor, input) {
      const key = requireKey();
      return audit.record(actor, { module: 'vault', action: input.replace ? 'replace' : 'create', targets: input.name, params: { kind: input.kind, username: input.username } }, () => {
        const existing = db.prepare('SELECT id FROM credentials WHERE name = ?').get(input.name) as { id: number } | undefined;
        if (existing && !input.replace) {
          throw new AppError('CREDENTIAL_EXISTS', `A credential named ${input.name} already exists. Choose another name or replace it.`, { name: input.name });
        }
        if (input.kind === 'ssh_key' && !/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(input.secret)) {
          throw new AppError('CREDENTIAL_NOT_A_KEY', 'The secret of an ssh_key credential must be a private key in PEM or OpenSSH format (-----BEGIN ... PRIVATE KEY-----).');
        }
        const secret = seal(key, Buffer.from(input.secret, 'utf8'), aad(input.name, input.kind, 'secret'));
        const pass = input.passphrase ? seal(key, Buffer.from(input.passphrase, 'utf8'), aad(input.name, input.kind, 'passphrase')) : null;
        const now = nowIso();
        if (existing) {
          db.prepare('UPDATE credentials SET kind = ?, username = ?, secret = ?, passphrase = ?, updated_at = ? WHERE id = ?')
            .run(input.kind, input.username, secret, pass, now, existing.id);
        } else {
          db.prepare('INSERT INTO credentials (name, kind, username, secret, passphrase, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
            .run(input.name, input.kind, input.username, secret, pass, now, now);
        }
        return toSummary(summaries().find((r) => r.name === input.name)!);
      });
    },
    remove(actor, name) {
      audit.record(actor, { module: 'vault', action: 'delete', targets: name }, () => {
        const row = summaries().find((r) => r.name === name);
        if (!row) throw new AppError('CREDENTIAL_NOT_FOUND', `No credential named ${name}. List them with \`clusterdeck creds list\`.`, { name });
        if (row.used_by > 0) {
          throw new AppError('CREDENTIAL_IN_USE', `Credential ${name} is used by ${row.used_by} node(s). Point those nodes at another credential first.`, { name, count: row.used_by });
        }
        db.prepare('DELETE FROM credentials WHERE id = ?').run(row.id);
      });
    },
    reveal(name) {
      const key = requireKey();
      const row = db.prepare('SELECT * FROM credentials WHERE name = ?').get(name) as CredRow | undefined;
      if (!row) throw new AppError('CREDENTIAL_NOT_FOUND', `No credential named ${name}.`, { name });
      return {
        name: row.name,
        kind: row.kind,
        username: row.username,
        secret: unseal(key, row.secret, aad(row.name, row.kind, 'secret')).toString('utf8'),
        passphrase: row.passphrase ? unseal(key, row.passphrase, aad(row.name, row.kind, 'passphrase')).toString('utf8') : null,
      };
    },
  };
}
