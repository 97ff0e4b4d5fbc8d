import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedfishClient, certificateFromError, isCertificateUnknown } from '../../../main/protocols/redfish';
import { RedfishTestServer, TEST_PASSWORD, TEST_USER, captureAppError } from '../../support/redfish';

// Trust on first use: unknown certificate → the caller pins it → requests work; the BMC comes
// back with another certificate → refused before a single byte of a request is written.

let server: RedfishTestServer;

beforeAll(async () => {
  server = await RedfishTestServer.start();
});

afterAll(async () => {
  await server?.close();
});

const clientFor = (fingerprint?: string | null) =>
  new RedfishClient({ host: server.host, port: server.port, fingerprint, username: TEST_USER, password: TEST_PASSWORD, timeoutMs: 5000 });

describe('trust on first use', () => {
  it('probes an unknown certificate without sending a request or a credential', async () => {
    const connectionsBefore = server.connections.length;
    const requestsBefore = server.requests.length;

    const cert = await clientFor(null).probeCertificate();
    expect(cert).toMatchObject({ host: server.host, port: server.port, fingerprint: server.fingerprint, subject: 'CN=bmc', issuer: 'CN=bmc', selfSigned: true });
    expect(Date.parse(cert.validTo)).toBeGreaterThan(Date.now());

    await server.idle();
    const probes = server.connections.slice(connectionsBefore);
    expect(probes).toHaveLength(1);
    expect(probes[0].bytesReceived).toBe(0);
    expect(server.requests.length).toBe(requestsBefore);
  });

  it('an operation without a pin throws REDFISH_CERT_UNKNOWN with the certificate, sending nothing', async () => {
    const connectionsBefore = server.connections.length;
    const requestsBefore = server.requests.length;

    const err = await captureAppError(clientFor(undefined).getPowerState());
    expect(err.code).toBe('REDFISH_CERT_UNKNOWN');
    expect(isCertificateUnknown(err)).toBe(true);
    expect(err.params.fingerprint).toBe(server.fingerprint);
    expect(err.message).toContain(server.fingerprint);
    expect(certificateFromError(err)).toMatchObject({ fingerprint: server.fingerprint, subject: 'CN=bmc', port: server.port });

    await server.idle();
    expect(server.connections.slice(connectionsBefore).every((c) => c.bytesReceived === 0)).toBe(true);
    expect(server.requests.length).toBe(requestsBefore);
    expect(server.sessionsCreated).toBe(0);
  });

  it('works once the probed fingerprint is pinned, in any common notation', async () => {
    const err = await captureAppError(clientFor().getPowerState());
    const pin = certificateFromError(err)!.fingerprint;
    expect(await clientFor(pin).getPowerState()).toBe('On');
    expect(await clientFor(pin.replace(/:/g, '').toLowerCase()).getPowerState()).toBe('On');
    expect(server.openSessions).toBe(0);
  });

  it('refuses a changed certificate before writing anything, and works after re-pinning', async () => {
    const oldPin = server.fingerprint;
    const sessionsBefore = server.sessionsCreated;
    await server.restartWithNewCertificate();
    const newPin = server.fingerprint;
    expect(newPin).not.toBe(oldPin);

    const err = await captureAppError(clientFor(oldPin).getPowerState());
    expect(err.code).toBe('REDFISH_CERT_CHANGED');
    expect(err.message).toContain(oldPin);
    expect(err.message).toContain(newPin);
    expect(err.message).toContain(`${server.host}:${server.port}`);
    expect(err.params).toMatchObject({ pinnedFingerprint: oldPin, presentedFingerprint: newPin, host: server.host });

    // The TLS handshake happened on the new certificate, but not one plaintext byte arrived:
    // no request line, no header, no credential.
    await server.idle();
    expect(server.tcpConnections.filter((t) => t.generation === server.generation).length).toBeGreaterThanOrEqual(1);
    const refused = server.currentConnections;
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const c of refused) {
      expect(c.bytesReceived).toBe(0);
      expect(c.requests).toBe(0);
    }
    expect(server.requests.filter((r) => r.generation === server.generation)).toEqual([]);
    expect(server.sessionsCreated).toBe(sessionsBefore);

    // The user checks and accepts the new certificate.
    expect(await clientFor(newPin).getPowerState()).toBe('On');
    expect(server.openSessions).toBe(0);
  });

  it('a certificate change also stops basic auth, which would otherwise send the password at once', async () => {
    const oldPin = server.fingerprint;
    await server.restartWithNewCertificate();
    const c = new RedfishClient({ host: server.host, port: server.port, fingerprint: oldPin, username: TEST_USER, password: TEST_PASSWORD, auth: 'basic' });
    const err = await captureAppError(c.getPowerState());
    expect(err.code).toBe('REDFISH_CERT_CHANGED');
    await server.idle();
    expect(server.currentConnections.every((conn) => conn.bytesReceived === 0)).toBe(true);
    expect(server.requests.filter((r) => r.generation === server.generation)).toEqual([]);
  });

  it('rejects a pin that is not a SHA-256 fingerprint', () => {
    expect(() => clientFor('AB:CD')).toThrow(/not a SHA-256 fingerprint/);
  });
});
