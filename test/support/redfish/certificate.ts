import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificate {
  keyPem: string;
  certPem: string;
  /** SHA-256 of the DER certificate, `AB:CD:…` (what the client pins). */
  fingerprint: string;
}

/** A fresh self-signed P-256 certificate like a BMC's, made with the openssl CLI. */
export async function generateSelfSignedCertificate(commonName = 'bmc'): Promise<TestCertificate> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'redfish-cert-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    await run('openssl', [
      'req', '-x509',
      '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
      '-nodes', '-subj', `/CN=${commonName}`, '-days', '1',
      '-keyout', keyFile, '-out', certFile,
    ]);
    const [keyPem, certPem] = await Promise.all([readFile(keyFile, 'utf8'), readFile(certFile, 'utf8')]);
    return { keyPem, certPem, fingerprint: new crypto.X509Certificate(certPem).fingerprint256 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
