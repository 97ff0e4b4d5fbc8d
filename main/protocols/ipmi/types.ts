import type { CipherSuiteId } from './crypto';
import type { PrivilegeLevel, PrivilegeName } from './constants';

export interface IpmiEndpoint {
  host: string;
  /** UDP port of the BMC's LAN channel (default 623). */
  port?: number;
  user: string;
  password: string;
  /** 3 (HMAC-SHA1, AES-128, default) or 17 (HMAC-SHA256, AES-128). */
  cipherSuite?: CipherSuiteId;
  /** Requested maximum privilege (default administrator). */
  privilege?: PrivilegeName | Uppercase<PrivilegeName> | PrivilegeLevel;
  /** BMC key K_G (two-key login), as a Buffer or hex string; default: none (K_G = password). */
  kg?: Buffer | string;
}

export interface IpmiRequestOptions {
  /** Time for one exchange (request + response, retransmissions included). Default 6000 ms. */
  timeoutMs?: number;
  /** Retransmission interval when no answer arrived. Default 400 ms. */
  retransmitMs?: number;
  signal?: AbortSignal;
}

export interface IpmiSessionOptions extends IpmiRequestOptions {
  /** Time allowed for the polite Close Session when the session ends. Default min(timeoutMs, 3000) ms. */
  closeTimeoutMs?: number;
  /**
   * The BMC's answer to Get Channel Authentication Capabilities, when the caller already has it
   * (a batch's reachability probe sends that request): the session then starts at Open Session.
   */
  channelAuth?: RawResponse;
}

export interface RawResponse {
  completionCode: number;
  data: Buffer;
}

/** What command modules need from a session: send one IPMI request, get its response. */
export interface IpmiRequester {
  /** Human label of the BMC for messages ("host:port"). */
  readonly target: string;
  /** Resolves with the response data; rejects with IPMI_COMPLETION_CODE when the code is not 0x00. */
  request(netFn: number, cmd: number, data?: Buffer | number[], opts?: IpmiRequestOptions & { lun?: number; what?: string }): Promise<Buffer>;
  /** Like request(), but returns a non-zero completion code instead of throwing. */
  rawRequest(netFn: number, cmd: number, data?: Buffer | number[], opts?: IpmiRequestOptions & { lun?: number; what?: string }): Promise<RawResponse>;
}
