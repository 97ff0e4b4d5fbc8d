import { useCallback, useEffect, useRef, useState } from 'react';
import { appErrorOf } from '../api/client';
import type { AppErrorData } from '../../../shared/errors';

/** Loads data from the contract, with reload and a typed error; ignores answers to stale requests. */
export function useCall<T>(fn: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: AppErrorData | null; loading: boolean; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<AppErrorData | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setLoading(true);
    fn().then(
      (value) => { if (mine === seq.current) { setData(value); setError(null); setLoading(false); } },
      (e) => { if (mine === seq.current) { setError(appErrorOf(e)); setLoading(false); } },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}
