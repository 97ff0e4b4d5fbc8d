import { describe, expect, it } from 'vitest';
import {
  checksum,
  decodeAsf,
  decodeIpmiResponse,
  decodeLanMessage,
  decodeV15,
  decodeV20,
  encodeAsfPing,
  encodeIpmiRequest,
  encodeLanMessage,
  encodeV15,
  encodeV20,
  peekRouting,
} from '../../../main/protocols/ipmi/framing';
import {
  decodeOpenSessionResponse,
  decodeRakp2,
  decodeRakp4,
  encodeOpenSessionRequest,
  encodeRakp1,
  encodeRakp3,
} from '../../../main/protocols/ipmi/rakp';
import { CIPHER_SUITES } from '../../../main/protocols/ipmi/crypto';

const h = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('IPMI LAN message (section 13.8)', () => {
  it('encodes Get Channel Authentication Capabilities exactly as ipmitool sends it', () => {
    const msg = encodeIpmiRequest({ netFn: 0x06, cmd: 0x38, data: Buffer.from([0x8e, 0x04]), rqSeq: 0 });
    expect(msg).toEqual(h('20 18 c8 81 00 38 8e 04 b5'));
    expect(encodeV15(msg)).toEqual(h('06 00 ff 07 00 00 00 00 00 00 00 00 00 09 20 18 c8 81 00 38 8e 04 b5'));
  });

  it('checksums are two\'s complement sums', () => {
    expect(checksum(h('20 18'))).toBe(0xc8);
    expect(checksum(h('20 18 c8'))).toBe(0);
  });

  it('round-trips a message and rejects corrupted checksums', () => {
    const m = { addr1: 0x81, netFn: 0x07, lun1: 0, addr2: 0x20, seq: 33, lun2: 2, cmd: 0x01, body: h('00 01 02') };
    const b = encodeLanMessage(m);
    expect(decodeLanMessage(b)).toEqual(m);
    const r = decodeIpmiResponse(b);
    expect(r).toMatchObject({ netFn: 0x07, cmd: 0x01, rqSeq: 33, completionCode: 0, data: h('01 02') });
    const bad = Buffer.from(b);
    bad[7] ^= 1;
    expect(() => decodeLanMessage(bad)).toThrow(/checksum/);
    bad[7] ^= 1;
    bad[1] ^= 4;
    expect(() => decodeLanMessage(bad)).toThrow(/checksum/);
  });

  it('decodes a v1.5 response wrapper', () => {
    const rsp = encodeLanMessage({ addr1: 0x81, netFn: 0x07, lun1: 0, addr2: 0x20, seq: 0, lun2: 0, cmd: 0x38, body: h('00 01 80 04 02 00 00 00 00') });
    const v = decodeV15(encodeV15(rsp));
    expect(v).toMatchObject({ authType: 0, sessionId: 0, sessionSeq: 0 });
    expect(decodeIpmiResponse(v.message).data).toEqual(h('01 80 04 02 00 00 00 00'));
  });
});

describe('IPMI v2.0 / RMCP+ session wrapper (table 13-8)', () => {
  it('pads the integrity data to a multiple of 4 like ipmitool (FF FF 02 07)', () => {
    const payload = Buffer.alloc(32, 0x11);
    let seen: Buffer | undefined;
    const pkt = encodeV20({ payloadType: 0, sessionId: 2, sessionSeq: 3, payload, encrypted: true, integrity: (d) => ((seen = Buffer.from(d)), Buffer.alloc(12, 0xaa)) });
    expect(seen!.subarray(0, 12)).toEqual(h('06 c0 02 00 00 00 03 00 00 00 20 00'));
    expect(seen!.subarray(44)).toEqual(h('ff ff 02 07'));
    expect(pkt.length).toBe(4 + 48 + 12);
    const d = decodeV20(pkt, 12);
    expect(d).toMatchObject({ payloadType: 0, encrypted: true, authenticated: true, sessionId: 2, sessionSeq: 3 });
    expect(d.payload).toEqual(payload);
    expect(d.integrityData).toEqual(seen);
    expect(d.authCode).toEqual(Buffer.alloc(12, 0xaa));
  });

  it('handles every pad length', () => {
    for (let n = 1; n <= 8; n++) {
      const pkt = encodeV20({ payloadType: 0, sessionId: 1, sessionSeq: 1, payload: Buffer.alloc(n, 1), integrity: () => Buffer.alloc(16) });
      const d = decodeV20(pkt, 16);
      expect(d.integrityData!.length % 4).toBe(0);
      expect(d.payload.length).toBe(n);
    }
  });

  it('rejects truncated packets and inconsistent trailers', () => {
    const pkt = encodeV20({ payloadType: 0, sessionId: 1, sessionSeq: 1, payload: Buffer.alloc(5), integrity: () => Buffer.alloc(12) });
    expect(() => decodeV20(pkt.subarray(0, 20), 12)).toThrow();
    expect(() => decodeV20(pkt, 16)).toThrow(); // wrong AuthCode length shifts the trailer
    expect(() => decodeV20(pkt, 0)).toThrow(/outside a session/);
  });

  it('peekRouting finds the console session ID in session-less RAKP replies', () => {
    const rakp2 = Buffer.alloc(60);
    rakp2.writeUInt32LE(0xdeadbeef, 4);
    const pkt = encodeV20({ payloadType: 0x13, sessionId: 0, sessionSeq: 0, payload: rakp2 });
    expect(peekRouting(pkt)).toEqual({ kind: 'v20', sessionId: 0, payloadType: 0x13, payloadConsoleSid: 0xdeadbeef });
    expect(peekRouting(encodeV20({ payloadType: 0, sessionId: 7, sessionSeq: 1, payload: Buffer.alloc(1) }))).toMatchObject({ sessionId: 7 });
    expect(peekRouting(encodeV15(Buffer.alloc(7)))).toEqual({ kind: 'v15', sessionId: 0 });
    expect(peekRouting(encodeAsfPing(1))).toEqual({ kind: 'asf' });
    expect(peekRouting(h('de ad be ef'))).toBeUndefined();
  });
});

describe('ASF presence ping (section 13.2.3)', () => {
  it('encodes a ping and decodes a pong', () => {
    expect(encodeAsfPing(0x42)).toEqual(h('06 00 ff 06 00 00 11 be 80 42 00 00'));
    const pong = h('06 00 ff 06 00 00 11 be 40 42 00 10 00 00 11 be 00 00 00 00 81 00 00 00 00 00 00 00');
    expect(decodeAsf(pong)).toMatchObject({ type: 0x40, tag: 0x42 });
  });
});

describe('RMCP+ session setup payloads (tables 13-9 to 13-14)', () => {
  const s3 = CIPHER_SUITES[3];
  it('Open Session Request proposes the suite\'s three algorithms', () => {
    const b = encodeOpenSessionRequest({ tag: 7, privilege: 4, consoleSid: 0xa0a2a3a4, suite: s3 });
    expect(b).toEqual(h('07 04 00 00 a4 a3 a2 a0 00 00 00 08 01 00 00 00 01 00 00 08 01 00 00 00 02 00 00 08 01 00 00 00'));
    const b17 = encodeOpenSessionRequest({ tag: 7, privilege: 4, consoleSid: 1, suite: CIPHER_SUITES[17] });
    expect([b17[12], b17[20], b17[28]]).toEqual([3, 4, 1]);
  });
  it('decodes Open Session Responses, including short error replies', () => {
    const ok = h('07 00 04 00 a4 a3 a2 a0 02 00 00 00 00 00 00 08 01 00 00 00 01 00 00 08 01 00 00 00 02 00 00 08 01 00 00 00');
    expect(decodeOpenSessionResponse(ok)).toEqual({ tag: 7, status: 0, privilege: 4, consoleSid: 0xa0a2a3a4, bmcSid: 2, authAlg: 1, integAlg: 1, confAlg: 1 });
    expect(decodeOpenSessionResponse(h('07 11'))).toEqual({ tag: 7, status: 0x11 });
  });
  it('RAKP 1 carries the role byte and the user name; RAKP 3 the HMAC', () => {
    const r1 = encodeRakp1({ tag: 1, bmcSid: 2, consoleRand: Buffer.alloc(16, 0xee), role: 0x14, username: Buffer.from('admin') });
    expect(r1.length).toBe(33);
    expect([r1[24], r1[27]]).toEqual([0x14, 5]);
    expect(r1.subarray(28).toString()).toBe('admin');
    expect(encodeRakp3(9, 0, 2, Buffer.alloc(20, 1)).subarray(0, 8)).toEqual(h('09 00 00 00 02 00 00 00'));
    expect(encodeRakp3(9, 0x0f, 2)).toEqual(h('09 0f 00 00 02 00 00 00'));
  });
  it('decodes RAKP 2 and RAKP 4 with the suite\'s code lengths', () => {
    const r2 = Buffer.concat([h('01 00 00 00 a4 a3 a2 a0'), Buffer.alloc(16, 1), Buffer.alloc(16, 2), Buffer.alloc(20, 3)]);
    expect(decodeRakp2(r2, s3)).toMatchObject({ tag: 1, status: 0, consoleSid: 0xa0a2a3a4, authCode: Buffer.alloc(20, 3) });
    expect(() => decodeRakp2(r2, CIPHER_SUITES[17])).toThrow(/truncated/);
    expect(decodeRakp2(h('01 0d 00 00 a4 a3 a2 a0'), s3)).toEqual({ tag: 1, status: 0x0d, consoleSid: 0xa0a2a3a4 });
    const r4 = Buffer.concat([h('02 00 00 00 a4 a3 a2 a0'), Buffer.alloc(16, 9)]);
    expect(decodeRakp4(r4, CIPHER_SUITES[17]).icv).toEqual(Buffer.alloc(16, 9));
    expect(decodeRakp4(r4, s3).icv).toEqual(Buffer.alloc(12, 9));
  });
});
