import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../../main/store/db';
import { migrations } from '../../../main/store/migrations';
import { AuditLog } from '../../../main/services/audit/auditLog';
import { HIGH_WATER, MAX_CHUNK, StreamHub } from '../../../main/services/streams/streamHub';
import type { ByteSession } from '../../../main/services/streams/byteSession';
import type { StreamEvent } from '../../../shared/contract/schemas/streams';
import { decodeStreamFrame, encodeStreamFrame } from '../../../shared/contract/streamFrames';

const actor = { user: 't', via: 'cli' as const };

/** A source like `yes`: produces as fast as it is allowed to, a deterministic byte pattern. */
class FloodSession implements ByteSession {
  produced = 0;
  paused = false;
  pauses = 0;
  closed = false;
  written: Buffer[] = [];
  size: [number, number] = [0, 0];
  private data?: (b: Buffer) => void;
  private exit?: (i: { code: number | null; reason: string }) => void;
  constructor(private readonly total: number) {}
  onData(l: (b: Buffer) => void) { this.data = l; setImmediate(() => this.pump()); }
  onExit(l: (i: { code: number | null; reason: string }) => void) { this.exit = l; }
  write(d: Buffer) { this.written.push(d); }
  resize(c: number, r: number) { this.size = [c, r]; }
  pause() { this.paused = true; this.pauses++; }
  resume() { this.paused = false; setImmediate(() => this.pump()); }
  close() { this.closed = true; }
  private pump() {
    while (!this.paused && !this.closed && this.produced < this.total) {
      const n = Math.min(16 * 1024, this.total - this.produced);
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = (this.produced + i) % 251;
      this.produced += n;
      this.data!(b);
      if (this.produced % (256 * 1024) === 0) { setImmediate(() => this.pump()); return; }
    }
    if (this.produced >= this.total && !this.closed) this.exit!({ code: 0, reason: 'exited' });
  }
}

function hub() {
  const db = new Database(':memory:');
  migrate(db, migrations);
  return { db, hub: new StreamHub(new AuditLog(db)) };
}

describe('StreamHub', () => {
  it('delivers a flood six times the window intact while never holding more than the window unacknowledged', async () => {
    const { hub: h, db } = hub();
    const TOTAL = HIGH_WATER * 6;
    const source = new FloodSession(TOTAL);
    h.register('flood', async () => source);
    let id = '';
    let received = 0;
    let maxOutstanding = 0;
    let outstanding = 0;
    let unackedAtHub = 0;
    let nextSeq = 0;
    let exit: StreamEvent | undefined;
    for await (const e of h.open(actor, { kind: 'flood', target: 'n1', cols: 80, rows: 24 })) {
      if (e.type === 'opened') id = e.id;
      if (e.type === 'data') {
        expect(e.seq).toBe(nextSeq++);
        const bytes = Buffer.from(e.data, 'base64');
        expect(bytes.length).toBeLessThanOrEqual(MAX_CHUNK);
        for (let i = 0; i < bytes.length; i += 4099) expect(bytes[i]).toBe((received + i) % 251);
        received += bytes.length;
        outstanding += bytes.length;
        unackedAtHub += bytes.length;
        maxOutstanding = Math.max(maxOutstanding, unackedAtHub);
        // A renderer slower than the source: it acknowledges a quarter window at a time, and only once the source has
        // been held back (or is done), so the window is exercised whatever the machine's speed (a timer alone made
        // the test depend on load).
        if (outstanding >= HIGH_WATER / 4) {
          const n = outstanding;
          outstanding = 0;
          const ackLater = () => {
            if (source.paused || source.produced >= TOTAL) { unackedAtHub -= n; h.ack(id, n); } else setTimeout(ackLater, 5);
          };
          setTimeout(ackLater, 20);
        }
        // The hub never sends past the window, and the source never runs far ahead of it.
        expect(unackedAtHub).toBeLessThanOrEqual(HIGH_WATER + MAX_CHUNK);
        expect(source.produced - (received - unackedAtHub)).toBeLessThanOrEqual(HIGH_WATER + 512 * 1024);
      }
      if (e.type === 'exit') exit = e;
    }
    expect(received).toBe(TOTAL);
    expect(maxOutstanding).toBeGreaterThan(HIGH_WATER / 2);
    expect(source.pauses).toBeGreaterThan(0);
    expect(exit).toEqual({ type: 'exit', code: 0, reason: 'exited' });
    expect(source.closed).toBe(true);
    expect(h.openCount).toBe(0);
    expect(db.prepare("SELECT action, result FROM audit_log").all()).toEqual([{ action: 'open-flood', result: 'ok' }]);
  });

  it('passes input and resizes to the session and closes it when the subscriber leaves', async () => {
    const { hub: h } = hub();
    const source = new FloodSession(10 * 1024 * 1024);
    h.register('flood', async () => source);
    const controller = new AbortController();
    const it = h.open(actor, { kind: 'flood', target: 'n1', cols: 80, rows: 24 }, controller.signal)[Symbol.asyncIterator]();
    const opened = (await it.next()).value as StreamEvent & { type: 'opened' };
    h.write(opened.id, Buffer.from('ls -l\r').toString('base64'));
    h.resize(opened.id, 132, 43);
    expect(Buffer.concat(source.written).toString()).toBe('ls -l\r');
    expect(source.size).toEqual([132, 43]);
    await it.next();
    controller.abort();
    while (!(await it.next()).done);
    expect(source.closed).toBe(true);
    expect(h.openCount).toBe(0);
    expect(() => h.write(opened.id, 'eA==')).toThrow(/console is closed/);
  });

  it('with a frame sink sends output as binary frames, sequenced, still held to the window', async () => {
    const { hub: h } = hub();
    const TOTAL = HIGH_WATER * 3;
    const source = new FloodSession(TOTAL);
    h.register('flood', async () => source);
    const frames: Uint8Array[] = [];
    let id = '';
    let channel = -1;
    let received = 0;
    let acked = 0;
    const events: StreamEvent[] = [];
    const sink = (f: Uint8Array) => {
      frames.push(f);
      const frame = decodeStreamFrame(f)!;
      expect(frame.channel).toBe(channel);
      expect(frame.seq).toBe(frames.length - 1);
      for (let i = 0; i < frame.bytes.length; i += 4099) expect(frame.bytes[i]).toBe((received + i) % 251);
      received += frame.bytes.length;
      expect(received - acked).toBeLessThanOrEqual(HIGH_WATER + MAX_CHUNK);
      // Acknowledge only once the source is held back (or done): the window is what stops it.
      const ackLater = () => {
        if (source.paused || source.produced >= TOTAL) { const n = received - acked; acked = received; h.ack(id, n); } else setTimeout(ackLater, 5);
      };
      if (received - acked >= HIGH_WATER / 2) setTimeout(ackLater, 5);
    };
    for await (const e of h.open(actor, { kind: 'flood', target: 'n1', cols: 80, rows: 24 }, undefined, sink)) {
      events.push(e);
      if (e.type === 'opened') { id = e.id; channel = e.channel!; }
    }
    expect(events.map((e) => e.type)).toEqual(['opened', 'exit']);
    expect(received).toBe(TOTAL);
    expect(source.pauses).toBeGreaterThan(0);
  });

  it('encodes and decodes a frame, and ignores what is not one', () => {
    const payload = Uint8Array.from([0, 255, 10, 13]);
    const frame = decodeStreamFrame(encodeStreamFrame(0xfffffffe, 2 ** 32 + 5, payload).buffer as ArrayBuffer)!;
    expect(frame).toMatchObject({ channel: 0xfffffffe, seq: 5 });
    expect([...frame.bytes]).toEqual([0, 255, 10, 13]);
    expect(decodeStreamFrame(new Uint8Array(5))).toBeNull();
    expect(decodeStreamFrame(Uint8Array.from([9, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]))).toBeNull();
  });

  it('refuses an unknown kind with a clear message', async () => {
    const { hub: h } = hub();
    const it = h.open(actor, { kind: 'telnet', target: 'n1', cols: 80, rows: 24 })[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toThrow(/No console of kind "telnet"/);
  });
});
