// What a packet routed to a session is: an IPMI response (v1.5 before the session, v2.0 inside
// it), an unauthenticated RMCP+ payload of session setup (Open Session Response, RAKP 2 and 4), or
// a session payload of another type (SOL) handed to its handler.
import { PayloadType } from '../constants';
import { FramingError, decodeIpmiResponse, decodeV15, decodeV20, type IpmiResponse, type Routing } from '../framing';
import type { SecureChannel } from './secureChannel';

export type Incoming =
  | { kind: 'ipmi'; v: 15 | 20; res: IpmiResponse }
  | { kind: 'rmcpp'; payloadType: number; payload: Buffer };

export interface IncomingContext {
  consoleSid: number;
  channel: SecureChannel;
  /** Session payloads other than IPMI messages (SOL, OEM). */
  onPayload(payloadType: number, plain: Buffer): void;
  trace(line: string): void;
}

/** undefined: not for this session, or nothing to answer; throws FramingError for garbage. */
export function decodeIncoming(buf: Buffer, routing: Routing | undefined, ctx: IncomingContext): Incoming | undefined {
  if (!routing) throw new FramingError('not an RMCP packet');
  if (routing.kind === 'asf') return undefined;
  if (routing.kind === 'v15') {
    const v = decodeV15(buf);
    if (v.sessionId !== 0) return undefined;
    return { kind: 'ipmi', v: 15, res: decodeIpmiResponse(v.message) };
  }
  if (routing.sessionId === 0) {
    const p = decodeV20(buf, 0);
    if (p.authenticated || p.encrypted) throw new FramingError('protected packet without a session');
    return { kind: 'rmcpp', payloadType: p.payloadType, payload: p.payload };
  }
  if (routing.sessionId !== ctx.consoleSid || !ctx.channel.keys) return undefined;
  const o = ctx.channel.open(buf);
  if ('replayedSeq' in o) {
    ctx.trace(`dropped duplicate or old packet (seq ${o.replayedSeq})`);
    return undefined;
  }
  if (o.payloadType === PayloadType.ipmi) return { kind: 'ipmi', v: 20, res: decodeIpmiResponse(o.plain) };
  ctx.onPayload(o.payloadType, o.plain);
  return undefined;
}

/** The response to the request with this netFn, command and sequence number. */
export function isAnswerTo(res: IpmiResponse, netFn: number, cmd: number, rqSeq: number): boolean {
  return res.netFn === (netFn | 1) && res.cmd === cmd && res.rqSeq === rqSeq;
}
