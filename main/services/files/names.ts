// Remote names are bytes. ssh2's SFTP client decodes names as UTF-8 (lossily) and encodes paths
// as UTF-8, so a name that is not valid UTF-8 cannot go through it; those are listed and handled
// through a shell on the same connection, with the bytes spelled as printf octal escapes.

const strict = new TextDecoder('utf-8', { fatal: true });

/** The bytes as a string when they are valid UTF-8, else null. */
export function utf8OrNull(bytes: Buffer): string | null {
  try {
    return strict.decode(bytes);
  } catch {
    return null;
  }
}

const CONTROL_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

/**
 * A display form of a name: exact when it is valid UTF-8 without control characters; otherwise
 * control characters become \n, \t, \xHH, invalid bytes \xHH, and a backslash \\.
 */
export function displayName(bytes: Buffer): { text: string; escaped: boolean } {
  let out = '';
  let escaped = false;
  let i = 0;
  while (i < bytes.length) {
    const len = sequenceLength(bytes, i);
    if (len === 0) {
      out += `\\x${bytes[i].toString(16).padStart(2, '0')}`;
      escaped = true;
      i++;
      continue;
    }
    const ch = bytes.subarray(i, i + len).toString('utf8');
    i += len;
    if (ch in CONTROL_ESCAPES) {
      out += CONTROL_ESCAPES[ch];
      escaped = true;
    } else if (/[\u0000-\u001f\u007f]/.test(ch)) {
      out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
      escaped = true;
    } else out += ch;
  }
  return { text: out, escaped };
}

/** Length of the valid UTF-8 sequence at `i`, or 0 when the byte there starts none. */
function sequenceLength(b: Buffer, i: number): number {
  const c = b[i];
  const len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (len <= 1) return len;
  if (i + len > b.length) return 0;
  return utf8OrNull(b.subarray(i, i + len)) === null ? 0 : len;
}

/** The raw bytes of a remote path from a contract input (`pathB64` wins over `path`). */
export function pathBytes(path: string, b64?: string): Buffer {
  return b64 !== undefined && b64 !== '' ? Buffer.from(b64, 'base64') : Buffer.from(path, 'utf8');
}

export function joinBytes(dir: Buffer, name: Buffer): Buffer {
  const slash = dir.length > 0 && dir[dir.length - 1] === 0x2f;
  return Buffer.concat([dir, Buffer.from(slash ? '' : '/'), name]);
}

export function baseBytes(p: Buffer): Buffer {
  let end = p.length;
  while (end > 1 && p[end - 1] === 0x2f) end--;
  const start = p.lastIndexOf(0x2f, end - 1) + 1;
  return p.subarray(start, end);
}

export function dirBytes(p: Buffer): Buffer {
  let end = p.length;
  while (end > 1 && p[end - 1] === 0x2f) end--;
  const slash = p.lastIndexOf(0x2f, end - 1);
  return slash <= 0 ? Buffer.from(slash === 0 ? '/' : '.') : p.subarray(0, slash);
}

/** A name is one path element: no slash, not empty, not . or .., no NUL. */
export function isPlainName(name: Buffer): boolean {
  const s = name.toString('latin1');
  return s !== '' && s !== '.' && s !== '..' && !s.includes('/') && !s.includes('\0');
}

/**
 * A POSIX shell word that expands to exactly these bytes, through printf octal escapes (safe for
 * newlines, quotes and invalid UTF-8); a sentinel keeps trailing newlines from being stripped.
 * Use as: `${assignShell('p', bytes)}; rm -- "$p"`.
 */
export function assignShell(variable: string, bytes: Buffer): string {
  let fmt = '';
  bytes.forEach((b, i) => {
    const c = String.fromCharCode(b);
    // A leading '-' would read as a printf option.
    const literal = b >= 0x20 && b < 0x7f && c !== "'" && c !== '\\' && c !== '%' && !(i === 0 && c === '-');
    fmt += literal ? c : `\\${b.toString(8).padStart(3, '0')}`;
  });
  return `${variable}=$(printf '${fmt}/'); ${variable}=\${${variable}%/}`;
}

export const display = (p: Buffer): string => displayName(p).text;

export function isAbsolute(p: Buffer): boolean {
  return p.length > 0 && p[0] === 0x2f;
}

