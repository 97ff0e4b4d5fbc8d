// Parameters are recorded for the audit trail, secrets never are: any key that names a secret is
// replaced, at any depth, before the row is written.
const SECRET_KEY = /pass(word|phrase)?|secret|token|private.?key|credential.?value|kubeconfig/i;

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}
