import { AppError } from '../../../shared/errors';
import { getBootOverride, setBootOverride, type BootOverride, type BootOverrideSettings } from './boot';
import { REDFISH_ERROR, redfishError } from './errors';
import { getReadings, type Reading } from './readings';
import { openConnection, type AuthMode, type JsonObject, type RedfishConnection } from './session';
import {
  getPowerState,
  getSystem,
  listSystems,
  resetSystem,
  type ComputerSystemInfo,
  type PowerState,
  type ResetResult,
  type ResetType,
  type SystemRef,
} from './systems';
import { certUnknownError, normalizeFingerprint, probeCertificate, type CertificateInfo, type Endpoint } from './transport';

// The public face of the Redfish module: one client per BMC. Each operation opens a session,
// does its requests and deletes the session in a `finally`, so nothing is left on the BMC
// after success, error, timeout or cancel. `withSession` shares one session between several
// operations.

export interface RedfishClientOptions {
  host: string;
  /** Default 443. */
  port?: number;
  /**
   * SHA-256 fingerprint of the BMC certificate the user accepted (any of `AB:CD:…`, `abcd…`).
   * Without it, every operation only probes the certificate and throws REDFISH_CERT_UNKNOWN.
   */
  fingerprint?: string | null;
  username: string;
  password: string;
  /** Default 'session'. */
  auth?: AuthMode;
  /** Per request (connect + TLS + answer). Default 20 s. */
  timeoutMs?: number;
  /** Which ComputerSystem to act on; default the first member of the Systems collection. */
  systemId?: string;
  /** Which Chassis to read sensors from; default the first chassis linked from the system. */
  chassisId?: string;
  /** Warnings without secrets (a session that could not be deleted). */
  onWarning?: (message: string) => void;
}

export interface OperationOptions {
  signal?: AbortSignal;
  /** Overrides the client's per-request timeout for this operation. */
  timeoutMs?: number;
}

/** The operations available inside `withSession`, all sharing one session. */
export interface RedfishApi {
  readonly connection: RedfishConnection;
  serviceRoot(): Promise<JsonObject>;
  listSystems(): Promise<SystemRef[]>;
  getSystem(): Promise<ComputerSystemInfo>;
  getPowerState(): Promise<PowerState>;
  reset(type: ResetType): Promise<ResetResult>;
  getBootOverride(): Promise<BootOverride>;
  setBootOverride(settings: BootOverrideSettings, options?: { etag?: string | null }): Promise<void>;
  getReadings(): Promise<Reading[]>;
}

const DEFAULT_TIMEOUT_MS = 20_000;

export class RedfishClient {
  readonly endpoint: Endpoint;
  private readonly pin: string | null;
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: RedfishClientOptions) {
    this.endpoint = { host: options.host, port: options.port ?? 443 };
    if (options.fingerprint) {
      const pin = normalizeFingerprint(options.fingerprint);
      if (!pin) {
        throw redfishError(
          REDFISH_ERROR.CERT_UNKNOWN,
          `The pinned certificate fingerprint for ${options.host} is not a SHA-256 fingerprint. Probe the BMC certificate again and pin it.`,
          { host: options.host, port: this.endpoint.port, fingerprint: null },
        );
      }
      this.pin = pin;
    } else {
      this.pin = null;
    }
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Reads the BMC certificate without sending anything. */
  probeCertificate(op: OperationOptions = {}): Promise<CertificateInfo> {
    return probeCertificate(this.endpoint, { timeoutMs: op.timeoutMs ?? this.timeoutMs, signal: op.signal });
  }

  /**
   * Runs `fn` with one authenticated session and always ends the session afterwards.
   * Throws REDFISH_CERT_UNKNOWN (with the certificate in its params) when no fingerprint is pinned.
   */
  async withSession<T>(fn: (api: RedfishApi) => Promise<T>, op: OperationOptions = {}): Promise<T> {
    if (!this.pin) throw certUnknownError(await this.probeCertificate(op));
    const timeoutMs = op.timeoutMs ?? this.timeoutMs;
    const conn = await openConnection({
      endpoint: this.endpoint,
      pin: this.pin,
      credentials: { username: this.options.username, password: this.options.password },
      mode: this.options.auth ?? 'session',
      opts: {
        timeoutMs,
        signal: op.signal,
        logoutTimeoutMs: Math.min(timeoutMs, 5_000),
        background: (work) => this.track(work),
        onWarning: this.options.onWarning,
      },
    });
    try {
      return await fn(this.api(conn));
    } finally {
      await conn.close();
    }
  }

  private api(conn: RedfishConnection): RedfishApi {
    const { systemId, chassisId } = this.options;
    return {
      connection: conn,
      serviceRoot: () => conn.serviceRoot(),
      listSystems: () => listSystems(conn),
      getSystem: () => getSystem(conn, systemId),
      getPowerState: () => getPowerState(conn, systemId),
      reset: (type) => resetSystem(conn, type, systemId),
      getBootOverride: () => getBootOverride(conn, systemId),
      setBootOverride: (settings, o = {}) => setBootOverride(conn, settings, { etag: o.etag, systemId }),
      getReadings: () => getReadings(conn, { systemId, chassisId }),
    };
  }

  serviceRoot(op?: OperationOptions): Promise<JsonObject> {
    return this.withSession((api) => api.serviceRoot(), op);
  }
  listSystems(op?: OperationOptions): Promise<SystemRef[]> {
    return this.withSession((api) => api.listSystems(), op);
  }
  getSystem(op?: OperationOptions): Promise<ComputerSystemInfo> {
    return this.withSession((api) => api.getSystem(), op);
  }
  getPowerState(op?: OperationOptions): Promise<PowerState> {
    return this.withSession((api) => api.getPowerState(), op);
  }
  reset(type: ResetType, op?: OperationOptions): Promise<ResetResult> {
    return this.withSession((api) => api.reset(type), op);
  }
  getBootOverride(op?: OperationOptions): Promise<BootOverride> {
    return this.withSession((api) => api.getBootOverride(), op);
  }
  setBootOverride(settings: BootOverrideSettings, op: OperationOptions & { etag?: string | null } = {}): Promise<void> {
    return this.withSession((api) => api.setBootOverride(settings, { etag: op.etag }), op);
  }
  getReadings(op?: OperationOptions): Promise<Reading[]> {
    return this.withSession((api) => api.getReadings(), op);
  }

  /** Waits for background cleanup (sessions created after the caller cancelled a login). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private track(work: Promise<void>): void {
    const p = work.catch(() => undefined).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }
}

export function isCertificateUnknown(err: unknown): err is AppError {
  return AppError.is(err) && err.code === REDFISH_ERROR.CERT_UNKNOWN;
}
