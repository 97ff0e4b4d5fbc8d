// Reads OpenSSH known_hosts files: plain and hashed (|1|salt|hash) host names, [host]:port for
// ports other than 22, wildcard and negated patterns, and the @revoked marker. @cert-authority
// lines are skipped (host certificates are not supported yet). Files are never written here:
// they belong to the user and OpenSSH; ClusterDeck keeps its own store.
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import { keyTypeOf, type KnownHostKey } from './hostKeys';

export interface KnownHostsEntry {
  /** Comma-separated patterns, or one hashed name. */
  hosts: string;
  marker: '' | '@revoked' | '@cert-authority';
  type: string;
  blob: Buffer;
  /** "file:line" */
  source: string;
}

export function parseKnownHosts(text: string, file = 'known_hosts'): KnownHostsEntry[] {
  const out: KnownHostsEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: KnownHostsEntry['marker'] = '';
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift() as KnownHostsEntry['marker'];
    else if (fields[0].startsWith('@')) continue; // a marker we do not know: ignore the line, as OpenSSH does
    if (fields.length < 3) continue;
    const [hosts, type, b64] = fields;
    const blob = Buffer.from(b64, 'base64');
    // A line whose blob does not start with its own type is corrupt; skip it rather than trust it.
    if (keyTypeOf(blob) !== type) continue;
    out.push({ hosts, marker, type, blob, source: `${file}:${i + 1}` });
  }
  return out;
}

/** The name OpenSSH looks up for host and port: `host` for 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function hashedMatches(entry: string, name: string): boolean {
  const parts = entry.split('|'); // ['', '1', salt, hash]
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2], 'base64');
  const hash = createHmac('sha1', salt).update(name).digest('base64');
  return hash === parts[3];
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** Whether the entry's host field names host:port (a negated pattern that matches wins: no match). */
export function entryMatches(hosts: string, host: string, port: number): boolean {
  const name = knownHostsName(host, port);
  if (hosts.startsWith('|')) return hashedMatches(hosts, name);
  let matched = false;
  for (const raw of hosts.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (!globToRegExp(pattern).test(name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** Keys for host:port in one file's entries (cert-authority lines left out). */
export function keysFor(entries: readonly KnownHostsEntry[], host: string, port: number): KnownHostKey[] {
  const out: KnownHostKey[] = [];
  for (const e of entries) {
    if (e.marker === '@cert-authority') continue;
    if (!entryMatches(e.hosts, host, port)) continue;
    out.push({ type: e.type, blob: e.blob, source: e.source, revoked: e.marker === '@revoked' });
  }
  return out;
}

/** Reads a file, caching by mtime and size so a batch of 10,000 nodes parses it once. */
export class KnownHostsFile {
  private cache: { mtimeMs: number; size: number; entries: KnownHostsEntry[] } | null = null;

  constructor(readonly path: string, private readonly label = path) {}

  entries(): KnownHostsEntry[] {
    let st: fs.Stats;
    try {
      st = fs.statSync(this.path);
    } catch {
      return []; // no file: nothing known from it
    }
    if (this.cache && this.cache.mtimeMs === st.mtimeMs && this.cache.size === st.size) return this.cache.entries;
    let text = '';
    try {
      text = fs.readFileSync(this.path, 'utf8');
    } catch {
      return [];
    }
    const entries = parseKnownHosts(text, this.label);
    this.cache = { mtimeMs: st.mtimeMs, size: st.size, entries };
    return entries;
  }

  lookup(host: string, port: number): KnownHostKey[] {
    return keysFor(this.entries(), host, port);
  }
}
