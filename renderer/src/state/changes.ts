import { api } from '../api/client';
import type { ChangeEvent } from '../../../shared/contract/schemas/events';

type Listener = (e: ChangeEvent) => void;
const listeners = new Set<Listener>();
let subscription: { unsubscribe(): void } | null = null;

/**
 * One subscription to main's change feed for the whole window; pages register for the modules
 * they show, so a CLI import or another window's edit appears without a manual refresh.
 */
export function onChange(listener: Listener): () => void {
  listeners.add(listener);
  subscription ??= api.system.changes.subscribe(undefined, {
    onData: (e) => { for (const l of listeners) l(e); },
    onError: () => { subscription = null; },
  });
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) { subscription?.unsubscribe(); subscription = null; }
  };
}
