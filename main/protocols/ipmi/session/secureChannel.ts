// The protection of an active session on the wire: every outgoing payload encrypted with K2
// (AES-CBC-128) and signed with K1 (HMAC-SHA1-96 or HMAC-SHA256-128), every incoming one verified,
// checked against replays and decrypted. Holds the session keys; wipe() zeroes them.
import { aesDecrypt, aesEncrypt, constantTimeEqual, integrityAuthCode, type CipherSuite, type SessionKeys } from '../crypto';
import { FramingError, decodeV20, encodeV20 } from '../framing';
import { ReplayWindow } from './replayWindow';

export type Opened = { payloadType: number; plain: Buffer } | { replayedSeq: number };

export class SecureChannel {
  /** The managed system (BMC) session ID; 0 until Open Session succeeded. */
  bmcSid = 0;
  /** Set once RAKP 2 verified; the session counts as active only after RAKP 4. */
  keys?: SessionKeys;
  private outSeq = 1;
  private readonly window = new ReplayWindow();

  constructor(readonly suite: CipherSuite) {}

  /** One authenticated, encrypted RMCP+ packet carrying `plain` as a payload of `payloadType`. */
  seal(payloadType: number, plain: Buffer): Buffer {
    const keys = this.keys!;
    const seq = this.outSeq;
    this.outSeq = (this.outSeq + 1) >>> 0 || 1; // session sequence numbers skip 0 (section 6.12.13)
    return encodeV20({
      payloadType,
      sessionId: this.bmcSid,
      sessionSeq: seq,
      payload: aesEncrypt(keys.k2, plain),
      encrypted: true,
      integrity: (d) => integrityAuthCode(this.suite, keys.k1, d),
    });
  }

  /** Verifies and decrypts a packet of this session; throws FramingError for anything not genuine. */
  open(buf: Buffer): Opened {
    const keys = this.keys!;
    const p = decodeV20(buf, this.suite.authCodeLength);
    if (!p.authenticated) throw new FramingError('unauthenticated packet inside an authenticated session');
    if (!constantTimeEqual(integrityAuthCode(this.suite, keys.k1, p.integrityData!), p.authCode!)) {
      throw new FramingError('integrity check failed');
    }
    if (!this.window.accept(p.sessionSeq)) return { replayedSeq: p.sessionSeq };
    if (!p.encrypted) throw new FramingError('unencrypted payload inside an encrypted session');
    const plain = aesDecrypt(keys.k2, p.payload);
    if (!plain) throw new FramingError('payload decryption failed');
    return { payloadType: p.payloadType, plain };
  }

  wipe(): void {
    if (this.keys) for (const k of [this.keys.sik, this.keys.k1, this.keys.k2]) k.fill(0);
    this.keys = undefined;
  }
}
