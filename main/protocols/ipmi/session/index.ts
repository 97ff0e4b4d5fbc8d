// The RMCP+ session, in small steps: session.ts (state, requests, packets, close) with
// handshake.ts, retransmit.ts, secureChannel.ts (+ replayWindow.ts), incoming.ts, commands.ts.
export { IpmiSession } from './session';
export { normalizePrivilege } from './privilege';
export { channelAuthAnswer, channelAuthRequest, type ChannelAuth } from './handshake';
