import { describe, expect, it } from 'vitest';
import { redact } from '../../../main/services/audit/redact';

describe('audit parameter redaction', () => {
  it('replaces secret-looking keys at any depth and keeps the rest', () => {
    expect(redact({ user: 'admin', password: 'x', nested: { apiToken: 't', list: [{ passphrase: 'p', ok: 1 }] }, kubeconfig: 'k' })).toEqual({
      user: 'admin', password: '[redacted]', nested: { apiToken: '[redacted]', list: [{ passphrase: '[redacted]', ok: 1 }] }, kubeconfig: '[redacted]',
    });
  });
});
