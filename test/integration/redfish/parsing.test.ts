import { describe, expect, it } from 'vitest';
import { fingerprintOf, normalizeFingerprint, normalizePower, normalizeThermal } from '../../../main/protocols/redfish';
import { generateSelfSignedCertificate } from '../../support/redfish';
import crypto from 'node:crypto';

// The pure parts the wire tests lean on: fingerprint notation and sensor normalization of
// shapes the test BMC does not send (older Thermal schemas, missing fields).

describe('fingerprints', () => {
  it('accepts the common notations and rejects anything else', () => {
    const canonical = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase()).join(':');
    expect(normalizeFingerprint(canonical)).toBe(canonical);
    expect(normalizeFingerprint(canonical.toLowerCase())).toBe(canonical);
    expect(normalizeFingerprint(canonical.replace(/:/g, ''))).toBe(canonical);
    expect(normalizeFingerprint(`sha256/${canonical}`)).toBe(canonical);
    expect(normalizeFingerprint(`SHA256:${canonical.replace(/:/g, ' ')}`)).toBe(canonical);
    expect(normalizeFingerprint(canonical.slice(3))).toBeNull();
    expect(normalizeFingerprint('')).toBeNull();
    expect(normalizeFingerprint(`${canonical}:00`)).toBeNull();
  });

  it('computes the same fingerprint as X509Certificate.fingerprint256', async () => {
    const cert = await generateSelfSignedCertificate();
    const der = new crypto.X509Certificate(cert.certPem).raw;
    expect(fingerprintOf(der)).toBe(cert.fingerprint);
  });
});

describe('sensor normalization', () => {
  it('reads legacy fan readings and tolerates missing fields', () => {
    expect(
      normalizeThermal({
        Temperatures: [{ MemberId: '3', ReadingCelsius: 'hot' }, null],
        Fans: [{ FanName: 'Fan 1A', ReadingRPM: 5400, Status: { State: 'Enabled', Health: 'OK' } }, {}],
      }),
    ).toEqual([
      { name: '3', kind: 'temperature', value: null, unit: '°C', status: 'unknown' },
      { name: 'Fan 1A', kind: 'fan', value: 5400, unit: 'RPM', status: 'ok' },
      { name: 'Fan 1', kind: 'fan', value: null, unit: 'RPM', status: 'unknown' },
    ]);
  });

  it('reads PowerControl and Voltages, and nothing when they are absent', () => {
    expect(normalizePower({})).toEqual([]);
    expect(normalizePower({ PowerControl: [{ PowerConsumedWatts: 120.5, Status: { Health: 'Critical' } }], Voltages: [{ Name: '3V3', ReadingVolts: 3.31, Status: { State: 'Absent' } }] })).toEqual([
      { name: 'Power control 0', kind: 'power', value: 120.5, unit: 'W', status: 'critical' },
      { name: '3V3', kind: 'voltage', value: 3.31, unit: 'V', status: 'absent' },
    ]);
  });
});
