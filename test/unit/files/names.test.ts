import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { assignShell, baseBytes, dirBytes, displayName, isPlainName, joinBytes, pathBytes, utf8OrNull } from '../../../main/services/files/names';

const b = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

describe('remote names as bytes', () => {
  it('shows valid UTF-8 as is and escapes control characters, backslashes and invalid bytes', () => {
    expect(displayName(b('résumé.txt'))).toEqual({ text: 'résumé.txt', escaped: false });
    expect(displayName(b('two\nlines\t\\x'))).toEqual({ text: 'two\\nlines\\t\\\\x', escaped: true });
    expect(displayName(b('caf', [0xe9, 0xff], '.txt'))).toEqual({ text: 'caf\\xe9\\xff.txt', escaped: true });
    expect(displayName(b([0xe2, 0x82], 'x'))).toEqual({ text: '\\xe2\\x82x', escaped: true }); // truncated sequence
    expect(displayName(b('bell', [7]))).toEqual({ text: 'bell\\x07', escaped: true });
  });

  it('decodes strictly and takes base64 over the display path', () => {
    expect(utf8OrNull(b([0xff]))).toBeNull();
    expect(utf8OrNull(b('ok'))).toBe('ok');
    expect(pathBytes('/shown', Buffer.from([0x2f, 0xff]).toString('base64'))).toEqual(Buffer.from([0x2f, 0xff]));
    expect(pathBytes('/shown')).toEqual(b('/shown'));
  });

  it('splits and joins byte paths', () => {
    expect(joinBytes(b('/a/'), b('x'))).toEqual(b('/a/x'));
    expect(joinBytes(b('/a'), b('x'))).toEqual(b('/a/x'));
    expect(baseBytes(b('/a/b/'))).toEqual(b('b'));
    expect(dirBytes(b('/a/b'))).toEqual(b('/a'));
    expect(dirBytes(b('/a'))).toEqual(b('/'));
    expect(isPlainName(b('x.txt'))).toBe(true);
    for (const bad of ['', '.', '..', 'a/b', 'a\0b']) expect(isPlainName(b(bad))).toBe(false);
  });

  it('spells any bytes for the shell exactly (quotes, %, backslash, newlines, trailing newline, invalid UTF-8)', () => {
    const samples = [b("it's 100% \\ \"q\" $HOME `x`"), b('trailing\n\n'), b('caf', [0xe9, 0xff, 0x01, 0x7f]), b('-rf')];
    for (const s of samples) {
      const out = execFileSync('sh', ['-c', `${assignShell('p', s)}; printf '%s' "$p"`]);
      expect(out.toString('hex')).toBe(s.toString('hex'));
    }
  });
});
