import { useSyncExternalStore } from 'react';
import { Badge, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { onChange } from '../../state/changes';
import type { LastState } from '../../../../shared/contract/schemas/power';

// The last power state each BMC reported, for the inventory table and the rack view. One store
// for the window: loaded when the first cell shows, reloaded when a power batch completes
// (anywhere: this window, another one, the CLI), so cells need no props but the node's name.
let states = new Map<string, LastState>();
let version = 0;
const listeners = new Set<() => void>();
let stopFeed: (() => void) | null = null;
let reloadTimer: ReturnType<typeof setTimeout> | null = null;

function load(): void {
  api.power.lastStates.query({}).then((list) => {
    states = new Map(list.map((s) => [s.name, s]));
    version++;
    for (const l of listeners) l();
  }, () => undefined);
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  if (!stopFeed) {
    load();
    stopFeed = onChange((e) => {
      if (e.module !== 'power' && e.module !== 'inventory' && e.module !== 'lab') return;
      reloadTimer ??= setTimeout(() => { reloadTimer = null; load(); }, 200);
    });
  }
  return () => {
    listeners.delete(l);
    if (listeners.size === 0) {
      stopFeed?.();
      stopFeed = null;
    }
  };
}

/** The node's last known power state (undefined until a batch reported it); re-renders when it changes. */
export function useLastPower(name: string): LastState | undefined {
  useSyncExternalStore(subscribe, () => version);
  return states.get(name);
}

/** `on` / `off` with a coloured dot; `compact` shows the dot only (rack view). */
export function LastPower({ name, compact }: { name: string; compact?: boolean }) {
  const { t, i18n } = useTranslation('power');
  const s = useLastPower(name);
  if (!s) return null;
  const when = new Date(s.checkedAt).toLocaleString(i18n.language);
  return (
    <Tooltip title={`${t(`powerStates.${s.state}`)} · ${when}`}>
      <Badge status={s.state === 'on' ? 'success' : 'default'} text={compact ? undefined : t(`powerStates.${s.state}`)} data-power={s.state} />
    </Tooltip>
  );
}
