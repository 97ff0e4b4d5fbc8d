import { useSyncExternalStore } from 'react';
import type { PowerRow } from './rows';

// One shared 250 ms tick for the elapsed time of running rows: only those cells re-render.
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;
let now = performance.now();
function subscribe(l: () => void): () => void {
  listeners.add(l);
  timer ??= setInterval(() => {
    now = performance.now();
    for (const x of listeners) x();
  }, 250);
  return () => {
    listeners.delete(l);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

function Ticking({ since }: { since: number }) {
  const t = useSyncExternalStore(subscribe, () => now);
  return <>{seconds(Math.max(0, t - since))}</>;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

export function Elapsed({ row }: { row: PowerRow }) {
  if (row.elapsedMs !== null) return <>{seconds(row.elapsedMs)}</>;
  if (row.state === 'running' && row.startedAt !== null) return <Ticking since={row.startedAt} />;
  return null;
}
