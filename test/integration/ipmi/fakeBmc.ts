// A small RMCP+ BMC on loopback for what ipmi_sim cannot do: cipher suite 17 (RAKP-HMAC-SHA256,
// HMAC-SHA256-128, AES-CBC-128). It serves Get Channel Authentication Capabilities, Open Session,
// RAKP 1-4, Set Session Privilege Level, Get Device ID, Get Chassis Status, Chassis Control, Get
// Session Info and Close Session; everything else answers 0xC1. ipmitool -I lanplus -C 17 is the
// independent client used to check it (and so the shared crypto) in the tests.

import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import {
  CIPHER_SUITES,
  aesDecrypt,
  aesEncrypt,
  constantTimeEqual,
  deriveSessionKeys,
  integrityAuthCode,
  passwordKey,
  rakp2AuthCode,
  rakp3AuthCode,
  rakp4Icv,
  type CipherSuite,
  type CipherSuiteId,
  type RakpValues,
  type SessionKeys,
} from '../../../main/protocols/ipmi/crypto';
import {
  decodeLanMessage,
  decodeV15,
  decodeV20,
  encodeLanMessage,
  encodeV20,
  peekRouting,
  type LanMessage,
} from '../../../main/protocols/ipmi/framing';

interface BmcSession {
  bmcSid: number;
  consoleSid: number;
  suite: CipherSuite;
  privilege: number;
  rm?: Buffer;
  rc: Buffer;
  role?: number;
  user?: string;
  values?: RakpValues;
  keys?: SessionKeys;
  active: boolean;
  outSeq: number;
  address: string;
  port: number;
}

export interface FakeBmcOptions {
  users?: Record<string, string>;
  suites?: CipherSuiteId[];
}

export class FakeBmc {
  readonly guid = randomBytes(16);
  powerOn = false;
  readonly commands: string[] = [];
  private sock = dgram.createSocket('udp4');
  private sessions = new Map<number, BmcSession>();
  private nextSid = 0x1000;
  private users: Record<string, string>;
  private suites: CipherSuiteId[];

  private constructor(o: FakeBmcOptions) {
    this.users = o.users ?? { admin: 'secret' };
    this.suites = o.suites ?? [3, 17];
  }

  static async start(o: FakeBmcOptions = {}): Promise<FakeBmc> {
    const b = new FakeBmc(o);
    b.sock.on('message', (buf, r) => {
      try {
        b.handle(buf, r.address, r.port);
      } catch (e) {
        if (process.env.FAKE_BMC_DEBUG) console.error(e);
      }
    });
    await new Promise<void>((res) => b.sock.bind(0, '127.0.0.1', () => res()));
    return b;
  }

  get port(): number {
    return this.sock.address().port;
  }

  /** Sessions that completed RAKP and were not closed. */
  get activeSessions(): number {
    return [...this.sessions.values()].filter((s) => s.active).length;
  }

  /** Sessions opened (Open Session) and not closed, half-open ones included. */
  get openSessions(): number {
    return this.sessions.size;
  }

  close(): Promise<void> {
    return new Promise((res) => this.sock.close(() => res()));
  }

  private send(buf: Buffer, address: string, port: number) {
    this.sock.send(buf, port, address);
  }

  private handle(buf: Buffer, address: string, port: number) {
    const r = peekRouting(buf);
    if (!r) return;
    if (r.kind === 'v15') return this.handleV15(buf, address, port);
    if (r.kind !== 'v20') return;
    if (r.sessionId === 0) {
      const p = decodeV20(buf, 0);
      if (p.payloadType === 0x10) return this.openSession(p.payload, address, port);
      if (p.payloadType === 0x12) return this.rakp1(p.payload, address, port);
      if (p.payloadType === 0x14) return this.rakp3(p.payload, address, port);
      return;
    }
    const s = this.sessions.get(r.sessionId);
    if (!s || !s.keys) return;
    const p = decodeV20(buf, s.suite.authCodeLength);
    if (!p.authenticated || !constantTimeEqual(integrityAuthCode(s.suite, s.keys.k1, p.integrityData!), p.authCode!)) return;
    const plain = p.encrypted ? aesDecrypt(s.keys.k2, p.payload) : p.payload;
    if (!plain || p.payloadType !== 0) return;
    this.ipmiRequest(s, decodeLanMessage(plain), address, port);
  }

  private handleV15(buf: Buffer, address: string, port: number) {
    const v = decodeV15(buf);
    const m = decodeLanMessage(v.message);
    if (m.netFn !== 0x06 || m.cmd !== 0x38) return;
    // channel 1; auth types none+MD5+password, bit 7: extended data; non-null user names;
    // extended: IPMI 2.0 + 1.5 connections; OEM 0
    const body = Buffer.from([0x00, 0x01, 0x80 | 0x15, 0x04, 0x03, 0, 0, 0, 0]);
    const rsp = encodeLanMessage(this.reply(m, body));
    const out = Buffer.alloc(14 + rsp.length);
    Buffer.from([0x06, 0x00, 0xff, 0x07, 0x00]).copy(out);
    out[13] = rsp.length;
    rsp.copy(out, 14);
    this.send(out, address, port);
  }

  private reply(m: LanMessage, body: Buffer): LanMessage {
    return { addr1: m.addr2, netFn: m.netFn | 1, lun1: m.lun2, addr2: m.addr1, seq: m.seq, lun2: m.lun1, cmd: m.cmd, body };
  }

  private rmcpp(type: number, payload: Buffer, address: string, port: number) {
    this.send(encodeV20({ payloadType: type, sessionId: 0, sessionSeq: 0, payload }), address, port);
  }

  private openSession(p: Buffer, address: string, port: number) {
    const tag = p[0];
    const consoleSid = p.readUInt32LE(4);
    const auth = p[12] & 0x3f;
    const integ = p[20] & 0x3f;
    const conf = p[28] & 0x3f;
    const suite = this.suites
      .map((id) => CIPHER_SUITES[id])
      .find((s) => s.authAlg === auth && s.integAlg === integ && s.confAlg === conf);
    if (!suite) return this.rmcpp(0x11, Buffer.from([tag, 0x11]), address, port); // no cipher suite matches
    const bmcSid = this.nextSid++;
    const privilege = (p[1] & 0x0f) || 4;
    this.sessions.set(bmcSid, { bmcSid, consoleSid, suite, privilege, rc: randomBytes(16), active: false, outSeq: 1, address, port });
    const r = Buffer.alloc(36);
    r[0] = tag;
    r[2] = privilege;
    r.writeUInt32LE(consoleSid, 4);
    r.writeUInt32LE(bmcSid, 8);
    r[12] = 0x00; r[15] = 0x08; r[16] = suite.authAlg;
    r[20] = 0x01; r[23] = 0x08; r[24] = suite.integAlg;
    r[28] = 0x02; r[31] = 0x08; r[32] = suite.confAlg;
    this.rmcpp(0x11, r, address, port);
  }

  private rakp1(p: Buffer, address: string, port: number) {
    const s = this.sessions.get(p.readUInt32LE(4));
    if (!s) return;
    const tag = p[0];
    const user = p.subarray(28, 28 + p[27]).toString('utf8');
    const err = (status: number) => {
      const r = Buffer.alloc(8);
      r[0] = tag;
      r[1] = status;
      r.writeUInt32LE(s.consoleSid, 4);
      this.rmcpp(0x13, r, address, port);
      this.sessions.delete(s.bmcSid);
    };
    if (!(user in this.users)) return err(0x0d); // unauthorized name
    s.rm = Buffer.from(p.subarray(8, 24));
    s.role = p[24];
    s.user = user;
    s.values = {
      consoleSid: s.consoleSid, bmcSid: s.bmcSid, consoleRand: s.rm, bmcRand: s.rc, bmcGuid: this.guid,
      role: s.role, username: Buffer.from(user, 'utf8'),
    };
    const kuid = passwordKey(this.users[user]);
    const head = Buffer.alloc(40);
    head[0] = tag;
    head.writeUInt32LE(s.consoleSid, 4);
    s.rc.copy(head, 8);
    this.guid.copy(head, 24);
    this.rmcpp(0x13, Buffer.concat([head, rakp2AuthCode(s.suite, kuid, s.values)]), address, port);
  }

  private rakp3(p: Buffer, address: string, port: number) {
    const s = this.sessions.get(p.readUInt32LE(4));
    if (!s) return;
    const tag = p[0];
    if (p[1] !== 0 || !s.values || !s.user) {
      this.sessions.delete(s.bmcSid); // the console gave up (section 13.22)
      return;
    }
    const kuid = passwordKey(this.users[s.user]);
    const ok = constantTimeEqual(rakp3AuthCode(s.suite, kuid, s.values), Buffer.from(p.subarray(8)));
    const head = Buffer.alloc(8);
    head[0] = tag;
    head[1] = ok ? 0 : 0x0f;
    head.writeUInt32LE(s.consoleSid, 4);
    if (!ok) {
      this.rmcpp(0x15, head, address, port);
      this.sessions.delete(s.bmcSid);
      return;
    }
    s.keys = deriveSessionKeys(s.suite, kuid, s.values);
    s.active = true;
    this.rmcpp(0x15, Buffer.concat([head, rakp4Icv(s.suite, s.keys.sik, s.values)]), address, port);
  }

  private ipmiRequest(s: BmcSession, m: LanMessage, address: string, port: number) {
    const key = `${m.netFn.toString(16)}/${m.cmd.toString(16)}`;
    this.commands.push(key);
    let body: Buffer;
    switch (key) {
      case '6/3b': // Set Session Privilege Level
        body = Buffer.from([0x00, m.body[0] || s.privilege]);
        break;
      case '6/1': // Get Device ID
        body = Buffer.from([0x00, 0x20, 0x81, 0x02, 0x10, 0x02, 0xbf, 0x57, 0x01, 0x00, 0x34, 0x12]);
        break;
      case '0/1': // Get Chassis Status
        body = Buffer.from([0x00, this.powerOn ? 0x01 : 0x00, 0x00, 0x40]);
        break;
      case '0/2': // Chassis Control
        if (m.body[0] === 0) this.powerOn = false;
        if (m.body[0] === 1) this.powerOn = true;
        body = Buffer.from([0x00]);
        break;
      case '6/3d': // Get Session Info: session handle, possible, active
        body = Buffer.from([0x00, 0x01, 0x3f, this.activeSessions]);
        break;
      case '6/3c': // Close Session
        body = Buffer.from([0x00]);
        break;
      default:
        body = Buffer.from([0xc1]);
    }
    const plain = encodeLanMessage(this.reply(m, body));
    const keys = s.keys!;
    const seq = s.outSeq++;
    this.send(
      encodeV20({
        payloadType: 0,
        sessionId: s.consoleSid,
        sessionSeq: seq,
        payload: aesEncrypt(keys.k2, plain),
        encrypted: true,
        integrity: (d) => integrityAuthCode(s.suite, keys.k1, d),
      }),
      address,
      port,
    );
    if (key === '6/3c') this.sessions.delete(s.bmcSid);
  }
}
