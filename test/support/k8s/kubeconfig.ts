// Kubeconfig text for the test API server, written as YAML the way `kubectl config view --raw` prints it.

export interface TestContext {
  name: string;
  /** Server URL; several contexts may point at different test servers. */
  server: string;
  /** A bearer token, or a client certificate and key (PEM). */
  token?: string;
  clientCert?: { cert: string; key: string };
  /** The cluster CA (PEM); every test server's certificate chains to it. */
  ca: string;
  user?: string;
  namespace?: string;
}

export function kubeconfigText(contexts: TestContext[], current = contexts[0]?.name): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
  const b64 = (pem: string) => Buffer.from(pem).toString('base64');
  for (const c of contexts) lines.push(`- name: ${c.name}-cluster`, '  cluster:', `    server: ${c.server}`, `    certificate-authority-data: ${b64(c.ca)}`);
  lines.push('users:');
  for (const c of contexts) {
    const creds = c.clientCert ? [`    client-certificate-data: ${b64(c.clientCert.cert)}`, `    client-key-data: ${b64(c.clientCert.key)}`] : [`    token: ${c.token}`];
    lines.push(`- name: ${c.user ?? `${c.name}-user`}`, '  user:', ...creds);
  }
  lines.push('contexts:');
  for (const c of contexts) lines.push(`- name: ${c.name}`, '  context:', `    cluster: ${c.name}-cluster`, `    user: ${c.user ?? `${c.name}-user`}`, ...(c.namespace ? [`    namespace: ${c.namespace}`] : []));
  if (current) lines.push(`current-context: ${current}`);
  return lines.join('\n') + '\n';
}
