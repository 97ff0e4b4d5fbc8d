import { useCallback, useEffect, useRef, useState } from 'react';
import { appErrorOf } from '../api/client';
import { onChange } from './changes';
import type { AppErrorData } from '../../../shared/errors';

/**
 * Loads data from the contract, with reload and a typed error; ignores answers to stale requests.
 * `refreshOn` names audit modules ('inventory', 'vault', '*') whose changes reload the data.
 * `kept`: data to show at once when the component mounts (an answer kept from an earlier visit, listCache.ts); the
 * first load then runs without the loading state, and its answer replaces it.
 */
export function useCall<T>(fn: () => Promise<T>, deps: unknown[], refreshOn: string[] = [], kept?: T): { data: T | undefined; error: AppErrorData | null; loading: boolean; reload: () => void } {
  const [data, setData] = useState<T | undefined>(kept);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [loading, setLoading] = useState(kept === undefined);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    if (mine > 1 || kept === undefined) setLoading(true);
    fn().then(
      (value) => { if (mine === seq.current) { setData(value); setError(null); setLoading(false); } },
      (e) => { if (mine === seq.current) { setError(appErrorOf(e)); setLoading(false); } },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const modules = refreshOn.join(',');
  useEffect(() => {
    if (!modules) return;
    const wanted = modules.split(',');
    // Coalesce bursts (an import is one event, a UI edit is one event; a lab up is several).
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = onChange((e) => {
      if (!wanted.includes('*') && !wanted.includes(e.module)) return;
      if (!timer) timer = setTimeout(() => { timer = null; setTick((t) => t + 1); }, 200);
    });
    return () => { off(); if (timer) clearTimeout(timer); };
  }, [modules]);
  return { data, error, loading, reload };
}
