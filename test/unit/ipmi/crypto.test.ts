import { describe, expect, it } from 'vitest';
import {
  CIPHER_SUITES,
  aesDecrypt,
  aesEncrypt,
  deriveSessionKeys,
  integrityAuthCode,
  passwordKey,
  rakp2AuthCode,
  rakp3AuthCode,
  rakp4Icv,
  type RakpValues,
} from '../../../main/protocols/ipmi/crypto';
import { decodeLanMessage, decodeV20 } from '../../../main/protocols/ipmi/framing';

const h = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// Captured with `ipmitool -I lanplus -C 3 -vvvv` against ipmi_sim (OpenIPMI 2.0.33), user admin,
// password "secret": ipmitool printed the RAKP inputs and every derived value, ipmi_sim sent its
// own RAKP 4 and encrypted response. Two independent implementations agree with these numbers.
const suite3: { v: RakpValues; rakp2: string; rakp3: string; sik: string; k1: string; k2: string; rakp4: string } = {
  v: {
    consoleSid: 0xa0a2a3a4,
    bmcSid: 0x00000002,
    consoleRand: h('74 54 c6 5e 05 d2 48 9c 45 e8 e4 5f 81 58 6e f1'),
    bmcRand: h('a5 4a 87 79 e1 dc 24 6a 79 9e d0 10 e7 80 ae 93'),
    bmcGuid: h('a1 23 45 67 89 ab cd ef a1 23 45 67 89 ab cd ef'),
    role: 0x14, // ADMINISTRATOR | name-only lookup
    username: Buffer.from('admin'),
  },
  rakp2: 'bd 2a a8 6c 43 eb d6 27 ec 81 50 1a 19 45 bf ed 6e 4c ec 17',
  rakp3: '0b d7 7f 3c 9c f9 2f ee 5f 06 7d 6d e6 6b f8 ef 21 43 02 7f',
  sik: '69 06 91 12 fe 4f 29 db da 26 f6 e8 c4 5b 37 0d f7 e3 e1 cb',
  k1: 'e6 11 1f a3 d4 02 d7 d8 3b 5a 5b 61 7f 00 bb af 29 25 e1 37',
  k2: '54 7e bd bb 78 41 f2 7e 05 cd ca 98 db 26 f5 9b ec c7 e6 d7',
  rakp4: 'd6 41 f8 40 5f db 9f 8e 68 87 7a 86', // as sent by ipmi_sim (HMAC-SHA1-96)
};

// Captured with `ipmitool -I lanplus -C 17 -vvvv` against the test's FakeBmc: these are ipmitool's
// own computations (RAKP-HMAC-SHA256, HMAC-SHA256-128, AES-CBC-128).
const suite17 = {
  v: {
    consoleSid: 0xa0a2a3a4,
    bmcSid: 0x00001000,
    consoleRand: h('f3 d3 69 35 3f 45 72 22 7f d5 2a 9c 7a e7 9c 2e'),
    bmcRand: h('cb 5b 4e 0a 62 c0 f6 6b e8 ce 1d 36 23 eb 23 b6'),
    bmcGuid: h('75 66 a8 42 94 4b db 5e a1 8b 92 be 9f 96 82 d2'),
    role: 0x14,
    username: Buffer.from('admin'),
  } as RakpValues,
  rakp2: 'e3 ef 1f 75 95 24 e2 60 72 05 60 68 9e cd f0 52 3e e9 87 a4 a1 32 47 1d 44 4b c0 f8 b5 37 8e 56',
  rakp3: '3e 6a 6a fe a7 cc 87 d2 33 d8 fe f2 75 8b 22 45 39 20 85 b2 f2 b5 30 4b 23 84 c2 eb 3a 80 8b 22',
  sik: '80 fa 9b ed ff 9f 59 86 5e 69 25 c4 be 0d d8 25 99 64 01 2f a5 a2 54 5f 08 30 fd 8f bc 8f ac ed',
  k1: 'df 6a 3a 6c dc a4 6b ee f8 dd 08 29 6e ac ab f5 bc 1c af 71 7f 33 f9 6f 83 25 ed 43 21 d5 e2 d0',
  k2: '92 f0 d1 d8 3a 2d 06 d0 14 b9 9f 5f d4 f8 95 54 45 66 88 e4 b0 13 42 dc e1 b5 3c 86 99 ff 43 30',
  rakp4: 'b5 3f 17 69 d4 fa 8d 98 78 26 12 48 b7 99 20 8d', // HMAC-SHA256 truncated to 16 bytes
};

const kuid = passwordKey('secret');

describe('RAKP and key derivation, cipher suite 3 (captured ipmitool <-> ipmi_sim exchange)', () => {
  const s = CIPHER_SUITES[3];
  it('computes the RAKP 2 and RAKP 3 HMACs', () => {
    expect(rakp2AuthCode(s, kuid, suite3.v)).toEqual(h(suite3.rakp2));
    expect(rakp3AuthCode(s, kuid, suite3.v)).toEqual(h(suite3.rakp3));
  });
  it('derives SIK, K1, K2 and the RAKP 4 integrity check value', () => {
    const k = deriveSessionKeys(s, kuid, suite3.v);
    expect(k.sik).toEqual(h(suite3.sik));
    expect(k.k1).toEqual(h(suite3.k1));
    expect(k.k2).toEqual(h(suite3.k2));
    expect(rakp4Icv(s, k.sik, suite3.v)).toEqual(h(suite3.rakp4));
  });
  it('a wrong password gives a different RAKP 2 HMAC', () => {
    expect(rakp2AuthCode(s, passwordKey('wrong'), suite3.v)).not.toEqual(h(suite3.rakp2));
  });
  it('computes HMAC-SHA1-96 AuthCodes of a request (ipmitool) and a response (ipmi_sim)', () => {
    const k1 = h(suite3.k1);
    const out = h(`06 c0 02 00 00 00 03 00 00 00 20 00 2e e6 c4 57 1d 2d 19 50 3d 0c 72 de 74 6e c6 eb
                   c1 20 02 be 78 d3 a5 1c f6 4b 19 4c e7 71 c0 03 ff ff 02 07`);
    expect(integrityAuthCode(s, k1, out)).toEqual(h('fc ab ba f7 b0 3e f7 8f d7 a6 2d a0'));
    const inb = h(`06 c0 a4 a3 a2 a0 01 00 00 00 20 00 9b b9 4c 1d 52 7c 65 54 3e 4a f4 b5 18 53 83 ca
                   2c d8 02 e7 d9 73 8f d8 b1 e9 dd 11 40 a7 5d be ff ff 02 07`);
    expect(integrityAuthCode(s, k1, inb)).toEqual(h('22 46 48 95 8b c7 3d 0d 04 03 d7 8d'));
  });
  it('decrypts ipmitool\'s AES-CBC-128 request and ipmi_sim\'s response with K2', () => {
    const k2 = h(suite3.k2);
    const req = aesDecrypt(k2, h('2e e6 c4 57 1d 2d 19 50 3d 0c 72 de 74 6e c6 eb c1 20 02 be 78 d3 a5 1c f6 4b 19 4c e7 71 c0 03'))!;
    const m = decodeLanMessage(req); // Set Session Privilege Level (App 0x3B) to ADMINISTRATOR
    expect([m.addr1, m.netFn, m.addr2, m.seq, m.cmd, ...m.body]).toEqual([0x20, 0x06, 0x81, 0x01, 0x3b, 0x04]);
    const rsp = aesDecrypt(k2, h('9b b9 4c 1d 52 7c 65 54 3e 4a f4 b5 18 53 83 ca 2c d8 02 e7 d9 73 8f d8 b1 e9 dd 11 40 a7 5d be'))!;
    const r = decodeLanMessage(rsp);
    expect([r.addr1, r.netFn, r.addr2, r.seq, r.cmd, ...r.body]).toEqual([0x81, 0x07, 0x20, 0x01, 0x3b, 0x00, 0x04]);
  });
});

describe('RAKP and key derivation, cipher suite 17 (ipmitool\'s own SHA-256 computations)', () => {
  const s = CIPHER_SUITES[17];
  it('computes the RAKP 2 and RAKP 3 HMAC-SHA256 codes', () => {
    expect(rakp2AuthCode(s, kuid, suite17.v)).toEqual(h(suite17.rakp2));
    expect(rakp3AuthCode(s, kuid, suite17.v)).toEqual(h(suite17.rakp3));
  });
  it('derives SIK and K1/K2 with 20-byte constants, and a 16-byte RAKP 4 ICV', () => {
    const k = deriveSessionKeys(s, kuid, suite17.v);
    expect(k.sik).toEqual(h(suite17.sik));
    expect(k.k1).toEqual(h(suite17.k1));
    expect(k.k2).toEqual(h(suite17.k2));
    expect(rakp4Icv(s, k.sik, suite17.v)).toEqual(h(suite17.rakp4));
  });
  it('computes HMAC-SHA256-128 AuthCodes and decrypts ipmitool\'s request', () => {
    const pkt = h(`06 00 ff 07 06 c0 00 10 00 00 03 00 00 00 20 00 ed bb 23 4d 97 f2 3a 40 0d 66 19 02 bb f5 d9 c0
                   4e 88 53 ff bd 1b 18 e5 f1 ec 15 f0 8e 1c 84 5e ff ff 02 07 44 3e c8 d1 79 a3 9f f9 ca 48 2d 0e 3c 08 dd c5`);
    const p = decodeV20(pkt, 16);
    expect(p.authenticated && p.encrypted).toBe(true);
    expect(p.sessionId).toBe(0x1000);
    expect(integrityAuthCode(s, h(suite17.k1), p.integrityData!)).toEqual(p.authCode);
    const m = decodeLanMessage(aesDecrypt(h(suite17.k2), p.payload)!);
    expect([m.netFn, m.cmd, ...m.body]).toEqual([0x06, 0x3b, 0x04]);
    const inb = h(`06 c0 a4 a3 a2 a0 01 00 00 00 20 00 dc 08 53 cf 00 d9 92 d4 62 fc e9 02 3c dd 8c 10
                   9f 4f a6 b9 7e 47 5a 2c 45 76 da 57 1c 75 54 d2 ff ff 02 07`);
    expect(integrityAuthCode(s, h(suite17.k1), inb)).toEqual(h('6f 7b c3 b0 19 21 f6 2a b2 6c 6f 2d 52 c7 8e 80'));
  });
});

describe('AES-CBC-128 payload encryption (section 13.29)', () => {
  const k2 = h(suite3.k2);
  it('pads with 1, 2, ... N and the pad length to a multiple of 16 and round-trips every length', () => {
    for (let n = 0; n < 50; n++) {
      const plain = Buffer.alloc(n, 0xab);
      const iv = Buffer.alloc(16, n);
      const enc = aesEncrypt(k2, plain, iv);
      expect(enc.subarray(0, 16)).toEqual(iv);
      expect((enc.length - 16) % 16).toBe(0);
      expect(enc.length - 16).toBe(Math.ceil((n + 1) / 16) * 16);
      expect(aesDecrypt(k2, enc)).toEqual(plain);
    }
  });
  it('rejects bad padding, short data and the wrong key', () => {
    const enc = aesEncrypt(k2, Buffer.from('hello ipmi'), Buffer.alloc(16, 7));
    expect(aesDecrypt(k2, enc.subarray(0, 20))).toBeUndefined();
    expect(aesDecrypt(h(suite17.k2), enc)).toBeUndefined(); // garbage padding after decryption
  });
});

describe('passwordKey', () => {
  it('pads to 20 bytes and refuses longer passwords', () => {
    expect(passwordKey('secret')).toEqual(Buffer.concat([Buffer.from('secret'), Buffer.alloc(14)]));
    expect(() => passwordKey('x'.repeat(21))).toThrow(RangeError);
  });
});
