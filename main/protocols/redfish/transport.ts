import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { REDFISH_ERROR, cancelledError, redfishError, timeoutError, unreachableError } from './errors';
import type { AppError } from '../../../shared/errors';

// HTTPS to a BMC with trust on first use.
//
// How the pin is enforced. BMC certificates are self-signed, so OpenSSL's chain verification can
// never succeed against a CA. Two designs were considered:
//  - `ca: []` + `checkServerIdentity` comparing the fingerprint: does not work. Node only calls
//    checkServerIdentity after the chain verified; for a self-signed certificate the handshake is
//    aborted with DEPTH_ZERO_SELF_SIGNED_CERT first, so the hook never runs. Putting the pinned
//    certificate itself into `ca` would work for fresh certificates but makes OpenSSL enforce
//    validity dates, CA flags and key strength, which many BMC certificates fail (expired, clock
//    at 1970, RSA-1024) although the user pinned exactly that certificate.
//  - Chosen: this module opens the TLS socket itself, privately, and compares the SHA-256
//    fingerprint of the peer certificate with the pin in the `secureConnect` handler. Only when
//    they are equal is the socket handed to `http.request` (via `createConnection`), which is
//    the first and only writer of the connection. On a mismatch the socket is destroyed and no
//    byte of the request (nor any credential) has been produced. The socket is created with
//    `rejectUnauthorized: false` because the chain check cannot pass for a self-signed
//    certificate; the fingerprint comparison replaces it and is stricter (exactly one
//    certificate is accepted). No TLS session is reused, so every connection presents its
//    certificate again.
// Without a pin, `probeCertificate` connects, reads the certificate and closes without writing.

export interface Endpoint {
  host: string;
  port: number;
}

export interface CallOptions {
  /** Deadline for the whole exchange (connect, handshake, request, complete response). */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface CertificateInfo {
  host: string;
  port: number;
  /** SHA-256 of the DER certificate, upper-case hex pairs separated by colons (as `openssl x509 -fingerprint -sha256`). */
  fingerprint: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  selfSigned: boolean;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Accepts `AB:CD:…`, `abcd…` or `sha256/AB:CD…`; returns the canonical `AB:CD:…` form, or null if it is not a SHA-256 fingerprint. */
export function normalizeFingerprint(value: string): string | null {
  const hex = value.trim().replace(/^sha-?256[:/ ]?/i, '').replace(/[:\s-]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}

export function fingerprintOf(der: Buffer): string {
  return crypto.createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

function sameFingerprint(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function describeCertificate(ep: Endpoint, der: Buffer): CertificateInfo {
  const x509 = new crypto.X509Certificate(der);
  return {
    host: ep.host,
    port: ep.port,
    fingerprint: fingerprintOf(der),
    subject: x509.subject.split('\n').join(', '),
    issuer: x509.issuer.split('\n').join(', '),
    validFrom: new Date(x509.validFrom).toISOString(),
    validTo: new Date(x509.validTo).toISOString(),
    selfSigned: x509.checkIssued(x509),
  };
}

export function certChangedError(ep: Endpoint, pinned: string, presented: string): AppError {
  return redfishError(
    REDFISH_ERROR.CERT_CHANGED,
    `The certificate of the BMC at ${ep.host}:${ep.port} has changed: the pinned SHA-256 fingerprint is ${pinned}, the BMC presented ${presented}. Nothing was sent to it. If the certificate was replaced on purpose (new firmware, BMC reset), check the new fingerprint on the BMC and pin it again; otherwise the connection may be intercepted.`,
    { host: ep.host, port: ep.port, pinnedFingerprint: pinned, presentedFingerprint: presented },
  );
}

export function certUnknownError(cert: CertificateInfo): AppError {
  return redfishError(
    REDFISH_ERROR.CERT_UNKNOWN,
    `The certificate of the BMC at ${cert.host}:${cert.port} is not trusted yet (SHA-256 ${cert.fingerprint}, subject ${cert.subject}, issuer ${cert.issuer}, valid ${cert.validFrom} to ${cert.validTo}). Compare the fingerprint with the one shown by the BMC itself, then pin it to connect. Nothing was sent to the BMC.`,
    {
      host: cert.host,
      port: cert.port,
      fingerprint: cert.fingerprint,
      subject: cert.subject,
      issuer: cert.issuer,
      validFrom: cert.validFrom,
      validTo: cert.validTo,
      selfSigned: cert.selfSigned,
    },
  );
}

/** Reads the certificate back from a REDFISH_CERT_UNKNOWN error. */
export function certificateFromError(err: AppError): CertificateInfo | null {
  if (err.code !== REDFISH_ERROR.CERT_UNKNOWN || typeof err.params.fingerprint !== 'string') return null;
  const p = err.params;
  return {
    host: String(p.host),
    port: Number(p.port),
    fingerprint: String(p.fingerprint),
    subject: String(p.subject),
    issuer: String(p.issuer),
    validFrom: String(p.validFrom),
    validTo: String(p.validTo),
    selfSigned: Boolean(p.selfSigned),
  };
}

/**
 * Runs one exchange under a deadline and an AbortSignal. `start` gets `settle` and `track`
 * (sockets to destroy when the exchange ends early). Whatever happens, the promise settles once
 * and, when it settles with an error (timeout and cancel included), every tracked socket that is
 * not already being hung up is destroyed at once.
 */
function guarded<T>(
  ep: Endpoint,
  what: string,
  opts: CallOptions,
  start: (settle: (err: AppError | null, value?: T) => void, track: (s: net.Socket) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const sockets: net.Socket[] = [];
    let done = false;
    const onAbort = () => settle(cancelledError(ep.host, what));
    const timer = setTimeout(() => settle(timeoutError(ep.host, what, opts.timeoutMs)), opts.timeoutMs);
    function settle(err: AppError | null, value?: T) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) {
        // Sockets already being hung up politely (see hangUp) finish that on their own.
        for (const s of sockets) if (!s.writableEnded) s.destroy();
        reject(err);
      } else resolve(value as T);
    }
    if (opts.signal?.aborted) return settle(cancelledError(ep.host, what));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      start(settle, (s) => {
        sockets.push(s);
        if (done) s.destroy();
      });
    } catch (e) {
      settle(unreachableError(ep.host, ep.port, e));
    }
  });
}

/**
 * Closes a connection on which nothing was written: `end()` flushes the last handshake flight
 * and sends close_notify + FIN (an immediate destroy() would drop the client's Finished and
 * leave a handshake error in the BMC's log). No application data is ever written here.
 */
function hangUp(socket: tls.TLSSocket): void {
  socket.end();
  const force = setTimeout(() => socket.destroy(), 1000);
  force.unref();
  socket.once('close', () => clearTimeout(force));
}

function connectTls(ep: Endpoint): tls.TLSSocket {
  return tls.connect({
    host: ep.host,
    port: ep.port,
    // SNI must not carry an IP address; BMCs are mostly addressed by IP.
    servername: net.isIP(ep.host) ? undefined : ep.host,
    // See the header comment: the chain cannot verify for a self-signed certificate; the
    // fingerprint check in the secureConnect handler is the trust decision, made before any write.
    rejectUnauthorized: false,
    ALPNProtocols: ['http/1.1'],
  });
}

/** Connects, reads the peer certificate and closes. Writes nothing on the connection. */
export function probeCertificate(ep: Endpoint, opts: CallOptions): Promise<CertificateInfo> {
  return guarded<CertificateInfo>(ep, 'a certificate probe', opts, (settle, track) => {
    const socket = connectTls(ep);
    track(socket);
    socket.on('error', (e) => settle(unreachableError(ep.host, ep.port, e)));
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate(false);
      hangUp(socket);
      if (!cert || !cert.raw) return settle(unreachableError(ep.host, ep.port, { code: 'NO_PEER_CERTIFICATE' }));
      try {
        settle(null, describeCertificate(ep, cert.raw));
      } catch (e) {
        settle(unreachableError(ep.host, ep.port, { code: 'UNREADABLE_CERTIFICATE' }));
      }
    });
  });
}

function hostHeader(ep: Endpoint): string {
  const host = net.isIPv6(ep.host) ? `[${ep.host}]` : ep.host;
  return ep.port === 443 ? host : `${host}:${ep.port}`;
}

/**
 * One HTTPS request on a fresh connection whose certificate must have the pinned fingerprint.
 * The request (headers, credentials, body) is only created after the fingerprint matched.
 */
export function pinnedRequest(ep: Endpoint, pin: string, req: HttpRequest, opts: CallOptions): Promise<HttpResponse> {
  const what = `${req.method} ${req.path}`;
  return guarded<HttpResponse>(ep, what, opts, (settle, track) => {
    const socket = connectTls(ep);
    track(socket);
    // Permanent listener: settle() is idempotent, and a socket error must never go unhandled.
    socket.on('error', (e) => settle(unreachableError(ep.host, ep.port, e)));
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate(false);
      const presented = cert && cert.raw ? fingerprintOf(cert.raw) : 'none';
      if (!sameFingerprint(presented, pin)) {
        hangUp(socket);
        return settle(certChangedError(ep, pin, presented));
      }
      send(socket);
    });

    function send(verified: tls.TLSSocket) {
      const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body), 'utf8');
      const headers: Record<string, string> = {
        Host: hostHeader(ep),
        Accept: 'application/json',
        'OData-Version': '4.0',
        Connection: 'close',
        'User-Agent': 'ClusterDeck-Redfish',
        ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) } : {}),
        ...req.headers,
      };
      const cr = http.request({
        method: req.method,
        path: req.path,
        headers,
        createConnection: () => verified,
      });
      cr.on('error', (e) => settle(unreachableError(ep.host, ep.port, e)));
      cr.once('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) {
            settle(unreachableError(ep.host, ep.port, { code: 'RESPONSE_TOO_LARGE' }));
            verified.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (e) => settle(unreachableError(ep.host, ep.port, e)));
        res.once('aborted', () => settle(unreachableError(ep.host, ep.port, { code: 'ECONNRESET' })));
        res.once('end', () => {
          settle(null, { status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
          verified.destroy();
        });
      });
      cr.end(payload);
    }
  });
}
