import { describe, expect, it } from 'vitest';
import { compareNames, foldOutcomes, renderOutcome, summarize, type BatchOutcome, type BatchResult } from '../../../main/services/batch';

const ok = <T>(name: string, value: T): BatchResult<T> => ({ name, outcome: { status: 'ok', value, elapsedMs: 1, attempts: 1 } });
const bad = (name: string, status: 'failed' | 'timeout' | 'unreachable' | 'cancelled', message: string = status): BatchResult<never> => ({
  name,
  outcome: { status, error: { code: `X_${status.toUpperCase()}`, key: 'k', params: {}, message }, elapsedMs: 1, attempts: 1 },
});

/** Stand-in for shared/nodeset's fold: `gpu[007,091]` for one prefix with numbers, else a comma list. */
const fakeFold = (names: string[]): string => {
  const m = names.map((n) => /^([a-z]+)(\d+)$/.exec(n));
  if (names.length > 1 && m.every((x) => x && x[1] === m[0]?.[1])) return `${m[0]?.[1]}[${m.map((x) => x?.[2]).join(',')}]`;
  return names.join(',');
};

describe('compareNames', () => {
  it('orders numbers naturally', () => {
    const list = ['node10', 'node2', 'node1', 'gpu10', 'gpu9', 'node002', 'a', 'node1-ib'];
    expect([...list].sort(compareNames)).toEqual(['a', 'gpu9', 'gpu10', 'node1', 'node1-ib', 'node002', 'node2', 'node10']);
  });
});

describe('foldOutcomes', () => {
  it('groups identical output, largest group first, then by first name', () => {
    const results: BatchResult<unknown>[] = [
      ok('n10', 'Linux 6.1'),
      ok('n2', 'Linux 6.1'),
      ok('n3', 'Linux 5.15'),
      bad('n9', 'timeout', 'No answer within 5000 ms'),
      ok('n1', 'Linux 6.1'),
      bad('n4', 'timeout', 'No answer within 5000 ms'),
      ok('n5', { kernel: '6.8' }),
    ];
    expect(foldOutcomes(results)).toEqual([
      { key: 'Linux 6.1', names: ['n1', 'n2', 'n10'] },
      { key: 'timeout: No answer within 5000 ms', names: ['n4', 'n9'] },
      { key: 'Linux 5.15', names: ['n3'] },
      { key: '{"kernel":"6.8"}', names: ['n5'] },
    ]);
  });

  it('uses the caller\'s key', () => {
    const results = [ok('a', 1), ok('b', 2), ok('c', 3), ok('d', 4)];
    const groups = foldOutcomes(results, (o) => (o.status === 'ok' && o.value % 2 === 0 ? 'even' : 'odd'));
    expect(groups).toEqual([
      { key: 'odd', names: ['a', 'c'] },
      { key: 'even', names: ['b', 'd'] },
    ]);
  });

  it('renders undefined ok values as ok', () => {
    expect(renderOutcome({ status: 'ok', value: undefined, elapsedMs: 0, attempts: 1 })).toBe('ok');
  });
});

describe('summarize', () => {
  const power = (o: BatchOutcome<string>): string => (o.status === 'ok' ? o.value : o.status);

  it('reads like "120 on, 6 off, 2 timeout: gpu[007,091]"', () => {
    const results: BatchResult<string>[] = [];
    for (let i = 1; i <= 128; i++) {
      const name = `gpu${String(i).padStart(3, '0')}`;
      if (name === 'gpu091' || name === 'gpu007') results.push(bad(name, 'timeout'));
      else results.push(ok(name, i > 122 ? 'off' : 'on'));
    }
    expect(summarize(results, fakeFold, power)).toBe('120 on, 6 off, 2 timeout: gpu[007,091]');
  });

  it('separates several failure groups with semicolons', () => {
    const results = [ok('n1', 'on'), bad('n3', 'unreachable'), bad('n2', 'unreachable'), bad('n4', 'failed')];
    expect(summarize(results, fakeFold, power)).toBe('1 on, 2 unreachable: n[2,3]; 1 failed: n4');
  });

  it('defaults to the status as label', () => {
    expect(summarize([ok('a', 1), bad('b', 'cancelled')], fakeFold)).toBe('1 ok, 1 cancelled: b');
    expect(summarize([], fakeFold)).toBe('no targets');
  });
});
