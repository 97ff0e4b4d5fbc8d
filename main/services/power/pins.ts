import type { Db } from '../../store/db';
import { nowIso } from '../../store/db';

// Redfish certificate pins (trust on first use), one per BMC endpoint.
export interface CertificatePin {
  host: string;
  port: number;
  fingerprint: string;
  subject: string;
  pinnedAt: string;
  pinnedBy: string;
}

export interface PinStore {
  get(host: string, port: number): CertificatePin | undefined;
  put(pin: Omit<CertificatePin, 'pinnedAt'>): void;
}

export function pinStore(db: Db): PinStore {
  const select = db.prepare('SELECT host, port, fingerprint, subject, pinned_at AS pinnedAt, pinned_by AS pinnedBy FROM bmc_cert_pins WHERE host = ? AND port = ?');
  const upsert = db.prepare(
    `INSERT INTO bmc_cert_pins (host, port, fingerprint, subject, pinned_at, pinned_by) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (host, port) DO UPDATE SET fingerprint = excluded.fingerprint, subject = excluded.subject, pinned_at = excluded.pinned_at, pinned_by = excluded.pinned_by`,
  );
  return {
    get: (host, port) => select.get(host, port) as CertificatePin | undefined,
    put: (p) => void upsert.run(p.host, p.port, p.fingerprint, p.subject, nowIso(), p.pinnedBy),
  };
}
