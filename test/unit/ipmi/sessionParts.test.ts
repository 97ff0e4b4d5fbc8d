// The session's wire protection (main/protocols/ipmi/session/secureChannel.ts, replayWindow.ts):
// what one side seals the other opens; tampered, replayed or unauthenticated packets are refused.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CIPHER_SUITES } from '../../../main/protocols/ipmi/crypto';
import { FramingError, encodeV20 } from '../../../main/protocols/ipmi/framing';
import { ReplayWindow } from '../../../main/protocols/ipmi/session/replayWindow';
import { SecureChannel } from '../../../main/protocols/ipmi/session/secureChannel';
import { normalizePrivilege } from '../../../main/protocols/ipmi/session/privilege';

const pair = (suiteId: 3 | 17) => {
  const suite = CIPHER_SUITES[suiteId];
  const keys = { sik: randomBytes(suite.authCodeLength), k1: randomBytes(20), k2: randomBytes(20) };
  const a = new SecureChannel(suite);
  const b = new SecureChannel(suite);
  a.keys = { ...keys, k1: Buffer.from(keys.k1), k2: Buffer.from(keys.k2) };
  b.keys = { ...keys, k1: Buffer.from(keys.k1), k2: Buffer.from(keys.k2) };
  a.bmcSid = b.bmcSid = 0x1234;
  return { a, b };
};

describe('IPMI session parts', () => {
  for (const suite of [3, 17] as const) {
    it(`cipher suite ${suite}: sealed payloads open on the other side once, in any order within the window`, () => {
      const { a, b } = pair(suite);
      const p1 = a.seal(0x00, Buffer.from('first'));
      const p2 = a.seal(0x01, Buffer.from('second'));
      expect(b.open(p2)).toEqual({ payloadType: 0x01, plain: Buffer.from('second') });
      expect(b.open(p1)).toEqual({ payloadType: 0x00, plain: Buffer.from('first') });
      expect(b.open(p1)).toEqual({ replayedSeq: 1 }); // the same packet again
    });
  }

  it('refuses a tampered packet, an unauthenticated one, and opens nothing after wipe()', () => {
    const { a, b } = pair(3);
    const p = a.seal(0x00, Buffer.from('chassis status'));
    const bad = Buffer.from(p);
    bad[bad.length - 20] ^= 0x01; // inside the encrypted payload
    expect(() => b.open(bad)).toThrow(FramingError);
    const plain = encodeV20({ payloadType: 0x00, sessionId: 0x1234, sessionSeq: 9, payload: Buffer.from([1, 2, 3]) });
    expect(() => b.open(plain)).toThrow(/unauthenticated/);
    const k1 = a.keys!.k1;
    a.wipe();
    expect(a.keys).toBeUndefined();
    expect(k1.every((x) => x === 0)).toBe(true);
  });

  it('the replay window takes each sequence number once, 32 back at most, never 0', () => {
    const w = new ReplayWindow();
    expect(w.accept(0)).toBe(false);
    expect(w.accept(5)).toBe(true);
    expect(w.accept(5)).toBe(false);
    expect(w.accept(3)).toBe(true);
    expect(w.accept(40)).toBe(true);
    expect(w.accept(8)).toBe(false); // 32 behind the highest
    expect(w.accept(9)).toBe(true);
    expect(w.accept(9)).toBe(false);
    expect(w.accept(200)).toBe(true);
    expect(w.accept(199)).toBe(true);
  });

  it('privilege names and levels; anything else is refused with what to use', () => {
    expect(normalizePrivilege(undefined)).toBe(4);
    expect(normalizePrivilege('OPERATOR')).toBe(3);
    expect(normalizePrivilege(2)).toBe(2);
    expect(() => normalizePrivilege('callback' as never)).toThrow(/use user, operator or administrator/);
  });
});
