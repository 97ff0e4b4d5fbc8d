// `~/.ssh/config` → inventory nodes and vault credentials, with the `ssh-config` package.
//
// Each concrete alias of a Host line (no `*`, `?` or `!`) is a node named by the alias; its options
// are computed the way OpenSSH does (every matching Host block in file order, the first value of
// each option wins), so wildcard blocks such as `Host gpu*` or `Host *` apply without being nodes.
// Carried over: HostName (with %h, %%), Port, User (default: the local user, as ssh does),
// IdentityFile (the first one that exists; ~, %d, %u, %h, %n, %r expanded) and ProxyJump. Keys go to
// the vault as `ssh_key` credentials, encrypted keys stay encrypted with their passphrase stored
// beside them (a missing or wrong passphrase is reported and nothing is imported). Keys and nodes are
// written in one transaction: an import stores everything or nothing. `Match` blocks
// are never evaluated (no `exec`), and options ClusterDeck cannot honour are listed as warnings.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SSHConfig, { LineType, type Line, type Section } from 'ssh-config';
import { utils as sshUtils } from 'ssh2';
import { AppError } from '../../../shared/errors';
import type { InventoryService, SshConfigService } from '../../../shared/contract/services';
import type { Actor } from '../../../shared/contract/trpc';
import { Name } from '../../../shared/contract/schemas/common';
import { NodeInput, SshEndpoint } from '../../../shared/contract/schemas/inventory';
import type { SshConfigHost, SshConfigImportResult, SshConfigKey } from '../../../shared/contract/schemas/sshconfig';
import type { AuditLog } from '../audit/auditLog';
import type { Vault } from '../vault/vaultService';

export interface SshConfigDeps {
  inventory: InventoryService;
  vault: Pick<Vault, 'add' | 'list' | 'reveal'>;
  audit: AuditLog;
  /** Runs `write` in one database transaction: keys and nodes are stored all together or not at all. */
  atomically: <T>(write: () => T) => T;
  /** Defaults: the process's home folder and user (tests pass their own). */
  home?: string;
  localUser?: string;
}

const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
const MAX_KEY_BYTES = 64 * 1024;
/** Options that change how a connection is made, which a node's SSH settings cannot express. */
const NOT_CARRIED = ['proxycommand', 'localforward', 'remoteforward', 'dynamicforward', 'certificatefile', 'hostkeyalias', 'include'];

const isPattern = (alias: string) => /[*?!]/.test(alias);
const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
const all = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The values of a Host line: its patterns. */
function hostValues(line: Section): string[] {
  return typeof line.value === 'string' ? line.value.split(/\s+/).filter(Boolean) : line.value.map((v) => v.val);
}

/** Line numbers of every directive (the package keeps the whitespace around each, not the number). */
function lineNumbers(config: SSHConfig): Map<Line, number> {
  const out = new Map<Line, number>();
  let line = 1;
  const newlines = (s: string) => (s.match(/\n/g) ?? []).length;
  const walk = (lines: readonly Line[]) => {
    for (const l of lines) {
      line += newlines(l.before);
      out.set(l, line);
      line += newlines(l.after);
      if ('config' in l && l.config) walk(l.config);
    }
  };
  walk(config);
  return out;
}

function credentialNameFor(file: string, taken: Set<string>): string {
  const base = path.basename(file).replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[^A-Za-z0-9]+/, '') || 'key';
  let name = `ssh-${base}`.slice(0, 120);
  for (let i = 2; taken.has(name); i++) name = `ssh-${base}-${i}`.slice(0, 128);
  return name;
}

export function createSshConfigService(deps: SshConfigDeps): SshConfigService {
  return {
    import(actor: Actor, input) {
      const home = deps.home ?? os.homedir();
      const localUser = deps.localUser ?? os.userInfo().username;
      let source: string;
      let text: string;
      if (input.text !== undefined) {
        source = input.path ? `${input.path} (text given)` : 'text given';
        text = input.text;
      } else {
        const file = expandHome(input.path ?? '~/.ssh/config', home);
        source = file;
        try {
          const st = fs.statSync(file);
          if (!st.isFile()) throw new AppError('SSHCONFIG_UNREADABLE', `${file} is not a file.`, { file, reason: 'not a file' });
          if (st.size > MAX_CONFIG_BYTES) throw new AppError('SSHCONFIG_UNREADABLE', `${file} is larger than 4 MB; that is not an ssh config.`, { file, reason: 'larger than 4 MB' });
          text = fs.readFileSync(file, 'utf8');
        } catch (error) {
          if (AppError.is(error)) throw error;
          const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
          throw new AppError('SSHCONFIG_UNREADABLE', `Cannot read ${file} (${code}). Give the path of an ssh config file.`, { file, reason: code });
        }
      }

      let config: SSHConfig;
      try {
        config = SSHConfig.parse(text);
      } catch (error) {
        throw new AppError('SSHCONFIG_SYNTAX', `${source} is not a valid ssh config: ${(error as Error).message}`, { file: source, reason: (error as Error).message });
      }
      const lines = lineNumbers(config);
      const warnings: string[] = [];
      const patterns: string[] = [];
      const aliases: { alias: string; line: number }[] = [];
      const seen = new Set<string>();
      for (const l of config) {
        if (l.type !== LineType.DIRECTIVE) continue;
        const where = `${source}:${lines.get(l) ?? '?'}`;
        const param = l.param.toLowerCase();
        if (param === 'match') {
          if (/\bexec\b/i.test(JSON.stringify(l.value))) warnings.push(`${where}: Match exec is never run; that block was treated as not matching.`);
          continue;
        }
        if (param !== 'host') {
          if (NOT_CARRIED.includes(param)) warnings.push(`${where}: ${l.param} is not carried over.`);
          continue;
        }
        for (const value of hostValues(l as Section)) {
          if (isPattern(value)) { if (!patterns.includes(value)) patterns.push(value); continue; }
          if (seen.has(value)) continue; // OpenSSH: a later block only adds options; compute() sees them all
          seen.add(value);
          aliases.push({ alias: value, line: lines.get(l) ?? 0 });
        }
        for (const inner of (l as Section).config ?? []) {
          if (inner.type === LineType.DIRECTIVE && NOT_CARRIED.includes(inner.param.toLowerCase())) {
            warnings.push(`${source}:${lines.get(inner) ?? '?'}: ${inner.param} (Host ${hostValues(l as Section).join(' ')}) is not carried over.`);
          }
        }
      }

      const existingNodes = new Set(deps.inventory.listNodes({ offset: 0, limit: 100_000_000 }).items.map((n) => n.name));
      const existingCreds = new Set(deps.vault.list().map((c) => c.name));
      const takenCreds = new Set(existingCreds);
      const keys = new Map<string, SshConfigKey & { text?: string; passphrase?: string | null }>();
      const hosts: SshConfigHost[] = [];

      const keyFor = (file: string, written: string): SshConfigKey & { text?: string; passphrase?: string | null } => {
        const known = keys.get(file);
        if (known) return known;
        let keyText: string;
        try {
          const st = fs.statSync(file);
          if (st.size > MAX_KEY_BYTES) throw Object.assign(new Error('larger than 64 KB'), { code: 'TOO_LARGE' });
          keyText = fs.readFileSync(file, 'utf8');
        } catch (error) {
          const k = { file, credential: '', encrypted: false, status: 'unreadable' as const, reason: `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
          keys.set(file, k);
          return k;
        }
        const passphrase = input.passphrases[written] ?? input.passphrases[file] ?? null;
        const plain = sshUtils.parseKey(keyText);
        const encrypted = plain instanceof Error && /encrypted|passphrase/i.test(plain.message);
        let status: SshConfigKey['status'] = 'new';
        let reason: string | null = null;
        if (plain instanceof Error && !encrypted) {
          status = 'unreadable';
          reason = `not a private key ssh2 can read (${plain.message})`;
        } else if (encrypted && !passphrase) {
          status = 'needs-passphrase';
          reason = 'the key is encrypted; give its passphrase';
        } else if (encrypted && sshUtils.parseKey(keyText, passphrase!) instanceof Error) {
          status = 'wrong-passphrase';
          reason = 'the passphrase given does not open the key';
        }
        // The same key already in the vault (an earlier import) is reused.
        let credential = '';
        if (status === 'new') {
          const stem = credentialNameFor(file, new Set());
          for (const name of existingCreds) {
            if (name !== stem && !name.startsWith(`${stem}-`)) continue;
            try {
              if (deps.vault.reveal(name).secret === keyText) { credential = name; status = 'exists'; break; }
            } catch { /* not a secret we can compare: leave it alone */ }
          }
        }
        if (!credential) credential = credentialNameFor(file, takenCreds);
        takenCreds.add(credential);
        const k = { file, credential, encrypted, status, reason, text: keyText, passphrase: encrypted ? passphrase : null };
        keys.set(file, k);
        return k;
      };

      for (const { alias, line } of aliases) {
        const o = config.compute(alias, { ignoreCase: true, matchExec: false }) as Record<string, string | string[]>;
        const user = first(o.user) ?? localUser;
        const hostname = expandTokens(first(o.hostname) ?? alias, { h: alias, d: home, u: localUser, r: user });
        const portText = first(o.port) ?? '22';
        const jump = first(o.proxyjump);
        const jumpHost = !jump || jump.toLowerCase() === 'none' ? null : jump;
        const base: SshConfigHost = { alias, line, hostname, port: Number(portText), user, jumpHost, identityFile: null, credential: null, status: 'new', reason: null };
        const skip = (reason: string) => hosts.push({ ...base, port: Number.isInteger(base.port) ? base.port : 0, status: 'skipped', reason });
        if (!Name.safeParse(alias).success) { skip('the alias is not a valid node name (letters, digits, ".", "-", "_")'); continue; }
        if (!/^\d{1,5}$/.test(portText)) { skip(`Port "${portText}" is not 1-65535`); continue; }
        // The inventory's own rules for an SSH endpoint (the same the import would apply), so a dry run and the real
        // import agree and a host that cannot be a node is skipped with the reason, not a failure of the whole import.
        const endpoint = SshEndpoint.safeParse({ host: hostname, port: base.port, user, jumpHost });
        if (!endpoint.success) {
          const issue = endpoint.error.issues[0];
          const field = ({ host: `HostName "${hostname}"`, port: `Port "${portText}"`, user: `User "${user}"`, jumpHost: 'ProxyJump' } as Record<string, string>)[String(issue.path[0])] ?? String(issue.path[0]);
          skip(`${field}: ${issue.message}`);
          continue;
        }
        if (jumpHost && /^ssh:\/\//.test(jumpHost)) { skip('ProxyJump as an ssh:// URI is not supported; write [user@]host[:port]'); continue; }
        // OpenSSH tries every IdentityFile; a node holds one credential: the first that exists. There %h is the
        // HostName and %n the alias (in HostName itself %h is the alias).
        const files = all(o.identityfile).map((f) => ({ written: f, file: expandHome(expandTokens(f, { h: hostname, n: alias, d: home, u: localUser, r: user }), home) }));
        const present = files.find((f) => fs.existsSync(f.file));
        if (files.length && !present) warnings.push(`${alias}: no IdentityFile exists (${files.map((f) => f.file).join(', ')}); the node logs in with ssh-agent.`);
        if (present) {
          const k = keyFor(present.file, present.written);
          base.identityFile = present.file;
          base.credential = k.credential || null;
        }
        const exists = existingNodes.has(alias);
        hosts.push({ ...base, status: exists ? (input.update ? 'update' : 'exists') : 'new' });
      }

      const keyList = [...keys.values()].map(({ text: _t, passphrase: _p, ...k }) => k);
      const blocking = keyList.filter((k) => k.status === 'needs-passphrase' || k.status === 'wrong-passphrase' || k.status === 'unreadable')
        .filter((k) => hosts.some((h) => h.identityFile === k.file && (h.status === 'new' || h.status === 'update')));
      const result: SshConfigImportResult = { source, dryRun: input.dryRun, hosts, patterns, keys: keyList, warnings, imported: 0 };
      if (input.dryRun || blocking.length) return result;

      const toWrite = hosts.filter((h) => h.status === 'new' || h.status === 'update');
      if (toWrite.length === 0) return result;
      // Validate every node before writing anything.
      const fields = toWrite.map((h) => NodeInput.parse({
        name: h.alias, hostname: h.hostname,
        ssh: { host: h.hostname, port: h.port, user: h.user, credential: h.credential, jumpHost: h.jumpHost },
      }));
      return deps.audit.record(actor, { module: 'inventory', action: 'import-ssh-config', targets: toWrite.map((h) => h.alias).join(','), params: { source, nodes: toWrite.length, keys: keyList.filter((k) => k.status === 'new').length } }, () => deps.atomically(() => {
        for (const k of keys.values()) {
          if (k.status !== 'new' || !hosts.some((h) => h.identityFile === k.file && (h.status === 'new' || h.status === 'update'))) continue;
          deps.vault.add(actor, { name: k.credential, kind: 'ssh_key', username: null, secret: k.text!, passphrase: k.passphrase ?? null, replace: false });
        }
        for (const [i, h] of toWrite.entries()) {
          if (h.status === 'new') deps.inventory.addNode(actor, fields[i]);
          else deps.inventory.updateNode(actor, h.alias, { hostname: fields[i].hostname, ssh: fields[i].ssh });
        }
        return { ...result, imported: toWrite.length };
      }), (r) => ({ detail: `${r.imported} node(s) from ${source}` }));
    },
  };
}

function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return path.join(home, p.slice(2));
  return p;
}

/** OpenSSH's percent tokens that make sense here: %h host, %n alias, %d home, %u local user, %r remote user, %% percent. */
function expandTokens(value: string, t: { h: string; n?: string; d: string; u: string; r: string }): string {
  return value.replace(/%([%hndur])/g, (whole, c: string) => (c === '%' ? '%' : (t as Record<string, string | undefined>)[c] ?? whole));
}
