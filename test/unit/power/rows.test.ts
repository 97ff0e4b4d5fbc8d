import { describe, expect, it } from 'vitest';
import { failedNodeset, labelOf, summaryParts, untrusted, type PowerRow } from '../../../renderer/src/pages/power/rows';

const row = (name: string, p: Partial<PowerRow>): PowerRow => ({
  name, protocol: 'ipmi', state: 'ok', action: 'status', power: 'on', startedAt: null, elapsedMs: 1, attempts: 1, error: null, ...p,
});

describe('Power page rows', () => {
  it('folds like the service: successes by label largest first, then failures with their nodes', () => {
    const rows = [
      ...Array.from({ length: 120 }, (_, i) => row(`gpu${String(i + 1).padStart(3, '0')}`, { power: i < 6 ? 'off' : 'on' })),
      row('gpu121', { state: 'timeout', power: null }),
      row('gpu122', { state: 'timeout', power: null }),
      row('gpu123', { state: 'running', power: null }),
    ];
    expect(summaryParts(rows)).toEqual([
      { label: 'on', count: 114, nodes: null },
      { label: 'off', count: 6, nodes: null },
      { label: 'timeout', count: 2, nodes: 'gpu[121-122]' },
    ]);
    expect(summaryParts(rows, false)[2]).toEqual({ label: 'timeout', count: 2, nodes: null });
    expect(failedNodeset(rows)).toBe('gpu[121-122]');
  });

  it('labels an ok row by its action', () => {
    expect(labelOf(row('a', { action: 'cycle' }))).toBe('cycled');
    expect(labelOf(row('a', { action: 'soft', power: null }))).toBe('shutdownRequested');
    expect(labelOf(row('a', { action: 'status', power: 'off' }))).toBe('off');
    expect(labelOf(row('a', { state: 'unreachable' }))).toBe('unreachable');
  });

  it('finds the untrusted Redfish certificates with their fingerprints', () => {
    const error = { code: 'REDFISH_CERT_UNKNOWN', key: 'REDFISH_CERT_UNKNOWN', message: 'm', params: { fingerprint: 'AB:CD', host: '10.0.0.9', port: 443 } };
    expect(untrusted([row('rf1', { state: 'failed', error }), row('x', {})])).toEqual([{ name: 'rf1', fingerprint: 'AB:CD', host: '10.0.0.9', port: 443 }]);
  });
});
