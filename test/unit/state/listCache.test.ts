// The renderer's kept listings (renderer/src/state/listCache.ts): asked again with their etag, an unchanged listing
// resolves to the very object kept (nothing new to draw), a changed one replaces it, and only the last few are kept.
import { beforeEach, describe, expect, it } from 'vitest';
import { askWithKept, forgetKeptLists, keptList } from '../../../renderer/src/state/listCache';

type Answer = { etag?: string; notModified?: boolean; items: string[] };

/** A server holding one listing per key, answering as inventory.listNodes does; records the etags it was sent. */
function server(lists: Record<string, string[]>) {
  const sent: string[] = [];
  const etagOf = (key: string) => `e-${key}-${lists[key].join('.')}`;
  const ask = (key: string) => async (ifNoneMatch: string): Promise<Answer> => {
    sent.push(ifNoneMatch);
    const etag = etagOf(key);
    return etag === ifNoneMatch ? { etag, notModified: true, items: [] } : { etag, items: [...lists[key]] };
  };
  return { sent, ask };
}

describe('askWithKept', () => {
  beforeEach(() => forgetKeptLists());

  it('asks with no etag first, then with the kept one, and resolves to the same object while nothing changed', async () => {
    const s = server({ a: ['n1', 'n2'] });
    expect(keptList('a')).toBeUndefined();
    const first = await askWithKept('a', s.ask('a'));
    expect(first.items).toEqual(['n1', 'n2']);
    expect(keptList('a')).toBe(first);
    const second = await askWithKept('a', s.ask('a'));
    expect(second).toBe(first);
    expect(s.sent).toEqual(['', first.etag]);
  });

  it('replaces the kept listing when the server has another', async () => {
    const lists = { a: ['n1'] };
    const s = server(lists);
    const first = await askWithKept('a', s.ask('a'));
    lists.a = ['n1', 'n3'];
    const next = await askWithKept('a', s.ask('a'));
    expect(next).not.toBe(first);
    expect(next.items).toEqual(['n1', 'n3']);
    expect(keptList('a')).toBe(next);
  });

  it('asks again without an etag if the server says "not modified" to a listing no longer kept', async () => {
    const calls: string[] = [];
    const ask = async (ifNoneMatch: string): Promise<Answer> => {
      calls.push(ifNoneMatch);
      return calls.length === 1 ? { etag: 'x', notModified: true, items: [] } : { etag: 'x', items: ['n1'] };
    };
    expect((await askWithKept('b', ask)).items).toEqual(['n1']);
    expect(calls).toEqual(['', '']);
  });

  it('keeps the last four listings, least recently used out first', async () => {
    const s = server({ a: ['1'], b: ['2'], c: ['3'], d: ['4'], e: ['5'] });
    for (const key of ['a', 'b', 'c', 'd']) await askWithKept(key, s.ask(key));
    await askWithKept('a', s.ask('a')); // a used again: b is now the oldest
    await askWithKept('e', s.ask('e'));
    expect(keptList('b')).toBeUndefined();
    for (const key of ['a', 'c', 'd', 'e']) expect(keptList(key)).toBeDefined();
  });

  it('keeps nothing from a failed ask', async () => {
    await expect(askWithKept('z', async () => { throw new Error('connection lost'); })).rejects.toThrow('connection lost');
    expect(keptList('z')).toBeUndefined();
  });
});
