import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CIPHER_SUITES } from '../../../main/protocols/ipmi/crypto';
import {
  SolConsole,
  SolOperation,
  SolStatus,
  decodeActivatePayload,
  decodeActivationStatus,
  decodeSolPacket,
  encodeActivatePayload,
  encodeSolPacket,
  nextSolSeq,
  type SolEnd,
  type SolPacket,
  type SolTransport,
} from '../../../main/protocols/ipmi/sol';
import type { RawResponse } from '../../../main/protocols/ipmi';
import { AppError } from '../../../shared/errors';

const h = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('SOL packets (section 15.9, table 15-2)', () => {
  it('encodes a data packet and an ack-only packet as ipmitool sends them', () => {
    expect(encodeSolPacket({ seq: 1, data: Buffer.from('hi\r') })).toEqual(h('01 00 00 00 68 69 0d'));
    expect(encodeSolPacket({ ackSeq: 1, acceptedCount: 0x1c })).toEqual(h('00 01 1c 00'));
    expect(encodeSolPacket({ seq: 2, flags: SolOperation.generateBreak })).toEqual(h('02 00 00 10'));
  });

  it('decodes what the BMC sends: sequence, ack, accepted count, status and characters', () => {
    const p = decodeSolPacket(h('03 02 05 54 6f 6b'));
    expect(p).toEqual({ seq: 3, ackSeq: 2, acceptedCount: 5, flags: 0x54, data: Buffer.from('ok') });
    expect(p.flags & SolStatus.nack).toBeTruthy();
    expect(p.flags & SolStatus.deactivating).toBeTruthy();
    expect(p.flags & SolStatus.breakDetected).toBeTruthy();
    expect(decodeSolPacket(h('f1 f2 00 00')).seq).toBe(1); // reserved high bits ignored
  });

  it('round-trips and refuses what cannot be encoded', () => {
    const p = { seq: 15, ackSeq: 14, acceptedCount: 255, flags: SolOperation.flushInbound, data: Buffer.from([0, 255, 10]) };
    expect(decodeSolPacket(encodeSolPacket(p))).toEqual(p);
    expect(() => encodeSolPacket({ seq: 16 })).toThrow(/4 bits/);
    expect(() => encodeSolPacket({ seq: 0, data: Buffer.from('x') })).toThrow(/sequence number/);
    expect(() => encodeSolPacket({ acceptedCount: 256 })).toThrow(/one byte/);
    expect(() => decodeSolPacket(h('01 00 00'))).toThrow(/too short/);
  });

  it('sequence numbers run 1..15 and skip 0', () => {
    expect(nextSolSeq(0)).toBe(1);
    expect(nextSolSeq(14)).toBe(15);
    expect(nextSolSeq(15)).toBe(1);
  });
});

describe('payload commands (section 24)', () => {
  it('Activate Payload asks for SOL instance 1 with encryption and authentication (as ipmitool: 01 01 c6 00 00 00)', () => {
    expect(encodeActivatePayload({ instance: 1, encrypt: true, authenticate: true })).toEqual(h('01 01 c6 00 00 00'));
    expect(encodeActivatePayload({ instance: 1, encrypt: false, authenticate: false })).toEqual(h('01 01 06 00 00 00'));
  });

  it('decodes the Activate Payload response (sizes, port, VLAN) and the activation status bitmap', () => {
    expect(decodeActivatePayload(h('00000000 2000 0040 2f26 ffff'))).toEqual({ inboundPayloadSize: 32, outboundPayloadSize: 16384, port: 9775, vlan: 0xffff });
    expect(() => decodeActivatePayload(h('00'))).toThrow(/too short/);
    expect(decodeActivationStatus(h('02 03 00'))).toEqual({ capacity: 2, active: [1, 2] });
    expect(decodeActivationStatus(h('01 00 00'))).toEqual({ capacity: 1, active: [] });
  });
});

/** A fake session: records SOL packets sent, answers payload commands, lets the test play the BMC. */
function fakeSession(answer: (cmd: number, data: Buffer) => RawResponse = () => ({ completionCode: 0, data: h('00000000 2000 0040 0000 ffff') })) {
  const sent: SolPacket[] = [];
  const commands: number[] = [];
  let handler: ((p: Buffer) => void) | undefined;
  let closed = 0;
  const t: SolTransport = {
    target: 'bmc:623',
    port: 623,
    suite: CIPHER_SUITES[3],
    sendPayload: async (_type, plain) => void sent.push(decodeSolPacket(plain)),
    onPayload: (_type, h2) => void (handler = h2),
    rawRequest: async (_netFn, cmd, data) => {
      commands.push(cmd);
      return answer(cmd, Buffer.from(data ?? []));
    },
    request: async (_netFn, cmd, data) => {
      commands.push(cmd);
      return answer(cmd, Buffer.from(data ?? [])).data;
    },
    close: async () => void closed++,
  } as SolTransport;
  return {
    t,
    sent,
    commands,
    bmc: (p: Partial<SolPacket>) => handler?.(encodeSolPacket(p)),
    get listening() {
      return handler !== undefined;
    },
    get closed() {
      return closed;
    },
  };
}

describe('SolConsole state machine (fake BMC)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const activate = async (f: ReturnType<typeof fakeSession>, o = {}) => {
    const c = await SolConsole.activate(f.t, { retransmitMs: 100, maxTransmissions: 3, keepaliveMs: 60_000, ...o });
    // The first packet carries no characters (synchronises the BMC's duplicate detection): ack it.
    expect(f.sent[0]).toMatchObject({ seq: 1, data: Buffer.alloc(0) });
    f.bmc({ ackSeq: 1 });
    f.sent.length = 0;
    return c;
  };

  it('sends characters in packets of at most inbound size - 4, one in flight, next after the ack', async () => {
    const f = fakeSession();
    const c = await activate(f);
    c.write('a'.repeat(40));
    expect(f.sent).toHaveLength(1);
    expect(f.sent[0]).toMatchObject({ seq: 2, data: Buffer.from('a'.repeat(28)) });
    f.bmc({ ackSeq: 2, acceptedCount: 28 });
    expect(f.sent[1]).toMatchObject({ seq: 3, data: Buffer.from('a'.repeat(12)) });
    await c.close();
  });

  it('a partial acknowledgement resends the rest in a new packet with a new sequence number', async () => {
    const f = fakeSession();
    const c = await activate(f);
    c.write('abcdef');
    f.bmc({ ackSeq: 2, acceptedCount: 4 });
    expect(f.sent[1]).toMatchObject({ seq: 3, data: Buffer.from('ef') });
    await c.close();
  });

  it('retransmits an unacknowledged packet unchanged, then ends with SOL_TIMEOUT and deactivates', async () => {
    const f = fakeSession();
    const c = await activate(f);
    const ends: SolEnd[] = [];
    c.onEnd((e) => ends.push(e));
    c.write('x');
    await vi.advanceTimersByTimeAsync(100);
    await vi.advanceTimersByTimeAsync(100);
    expect(f.sent.map((p) => p.seq)).toEqual([2, 2, 2]);
    await vi.advanceTimersByTimeAsync(100);
    expect(ends).toHaveLength(1);
    expect(ends[0].error?.code).toBe('SOL_TIMEOUT');
    expect(f.commands).toContain(0x49); // Deactivate Payload
    expect(f.closed).toBe(1);
    expect(() => c.write('y')).toThrow(expect.objectContaining({ code: 'SOL_CLOSED' }));
  });

  it('a NACK keeps the accepted characters and waits until the BMC takes characters again', async () => {
    const f = fakeSession();
    const c = await activate(f);
    c.write('abcdef');
    f.bmc({ ackSeq: 2, acceptedCount: 2, flags: SolStatus.nack });
    expect(f.sent).toHaveLength(1); // nothing more while NACKed
    f.bmc({ ackSeq: 2, acceptedCount: 2 }); // ipmi_sim: an ack without NACK once its buffer drained
    expect(f.sent[1]).toMatchObject({ seq: 3, data: Buffer.from('cdef') });
    await c.close();
  });

  it('acknowledges BMC packets, delivers each once, and re-acks a retransmission without delivering it again', async () => {
    const f = fakeSession();
    const c = await activate(f);
    const got: string[] = [];
    c.onData((d) => got.push(d.toString()));
    f.bmc({ seq: 5, data: Buffer.from('login: ') });
    f.bmc({ seq: 5, data: Buffer.from('login: ') });
    f.bmc({ seq: 6, data: Buffer.from('$ ') });
    expect(got).toEqual(['login: ', '$ ']);
    expect(f.sent).toEqual([
      expect.objectContaining({ seq: 0, ackSeq: 5, acceptedCount: 7 }),
      expect.objectContaining({ seq: 0, ackSeq: 5, acceptedCount: 7 }),
      expect.objectContaining({ seq: 0, ackSeq: 6, acceptedCount: 2 }),
    ]);
    await c.close();
  });

  it('pause holds characters up to the bound, then withholds acks; resume delivers in order', async () => {
    const f = fakeSession();
    const c = await activate(f, { maxBufferedBytes: 4 });
    const got: string[] = [];
    c.onData((d) => got.push(d.toString()));
    c.pause();
    f.bmc({ seq: 1, data: Buffer.from('abcd') });
    f.bmc({ seq: 2, data: Buffer.from('ef') }); // over the bound: not acknowledged
    expect(got).toEqual([]);
    expect(f.sent.map((p) => p.ackSeq)).toEqual([1]);
    c.resume();
    expect(got).toEqual(['abcd']);
    f.bmc({ seq: 2, data: Buffer.from('ef') }); // the BMC's retransmission is taken now
    expect(got).toEqual(['abcd', 'ef']);
    await c.close();
  });

  it('break is a packet with the generate-break operation and a sequence number', async () => {
    const f = fakeSession();
    const c = await activate(f);
    c.sendBreak();
    expect(f.sent[0]).toMatchObject({ seq: 2, flags: SolOperation.generateBreak, data: Buffer.alloc(0) });
    await c.close();
  });

  it('ends when the BMC says SOL is deactivating, and on abort; close is idempotent and always deactivates', async () => {
    const f = fakeSession();
    const c = await activate(f);
    const ends: string[] = [];
    c.onEnd((e) => ends.push(e.reason));
    f.bmc({ flags: SolStatus.deactivating });
    await c.close();
    await c.close();
    expect(ends).toEqual(['SOL deactivated by the BMC']);
    expect(f.commands.filter((x) => x === 0x49)).toHaveLength(1);
    expect(f.listening).toBe(false);

    const g = fakeSession();
    const ac = new AbortController();
    const d = await activate(g, { signal: ac.signal });
    ac.abort();
    await d.close();
    expect(g.commands).toContain(0x49);
  });

  it('maps Activate Payload completion codes to SOL_BUSY and SOL_UNSUPPORTED, and stops listening', async () => {
    for (const [cc, code] of [
      [0x80, 'SOL_BUSY'],
      [0x81, 'SOL_UNSUPPORTED'],
      [0xc1, 'SOL_UNSUPPORTED'],
    ] as const) {
      const f = fakeSession(() => ({ completionCode: cc, data: Buffer.alloc(0) }));
      const err = await SolConsole.activate(f.t).catch((e: unknown) => e);
      expect(AppError.is(err) && err.code).toBe(code);
      expect(f.listening).toBe(false);
    }
  });

  it('keepalive notices that the payload was deactivated elsewhere', async () => {
    const active = { value: true };
    const f = fakeSession((cmd) =>
      cmd === 0x4a ? { completionCode: 0, data: h(active.value ? '01 01 00' : '01 00 00') } : { completionCode: 0, data: h('00000000 2000 0040 0000 ffff') },
    );
    const c = await activate(f, { keepaliveMs: 1000 });
    const ends: string[] = [];
    c.onEnd((e) => ends.push(e.reason));
    await vi.advanceTimersByTimeAsync(1000);
    expect(c.isOpen).toBe(true);
    active.value = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(ends[0]).toMatch(/deactivated on the BMC/);
  });
});
