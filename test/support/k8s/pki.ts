// A throwaway cluster PKI made with the openssl CLI, as kubeadm would: a CA, the API server's
// certificate for 127.0.0.1, and client certificates whose CN is the user name.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestPki {
  ca: string;
  serverCert: string;
  serverKey: string;
  /** A client certificate signed by the cluster CA for `user`. */
  client(user: string): Promise<{ cert: string; key: string }>;
}

let shared: Promise<TestPki> | null = null;

/** One PKI per test process (making keys is the slow part). */
export function testPki(): Promise<TestPki> {
  shared ??= makePki();
  return shared;
}

async function makePki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'k8s-pki-'));
  const p = (f: string) => join(dir, f);
  const key = (f: string) => run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', p(f)]);
  await key('ca.key');
  await run('openssl', ['req', '-x509', '-new', '-key', p('ca.key'), '-subj', '/CN=kubernetes-ca', '-days', '2', '-out', p('ca.crt')]);
  const sign = async (name: string, subj: string, ext: string) => {
    await key(`${name}.key`);
    await run('openssl', ['req', '-new', '-key', p(`${name}.key`), '-subj', subj, '-out', p(`${name}.csr`)]);
    await run('bash', ['-c', `printf '%s\\n' "${ext}" > "${p(`${name}.ext`)}"`]);
    await run('openssl', ['x509', '-req', '-in', p(`${name}.csr`), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', p(`${name}.ext`), '-out', p(`${name}.crt`)]);
    return { cert: await readFile(p(`${name}.crt`), 'utf8'), key: await readFile(p(`${name}.key`), 'utf8') };
  };
  const server = await sign('apiserver', '/CN=kube-apiserver', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth');
  const ca = await readFile(p('ca.crt'), 'utf8');
  let n = 0;
  const pki: TestPki = {
    ca,
    serverCert: server.cert,
    serverKey: server.key,
    client: (user) => sign(`client-${++n}`, `/O=system:masters/CN=${user}`, 'extendedKeyUsage=clientAuth'),
  };
  process.once('exit', () => void rm(dir, { recursive: true, force: true }));
  return pki;
}
