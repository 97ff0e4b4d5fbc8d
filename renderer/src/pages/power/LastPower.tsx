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

/** Whether an answer says what the store holds already (same nodes, states and times). */
function sameAsHeld(list: readonly LastState[]): boolean {
  if (list.length !== states.size) return false;
  for (const s of list) {
    const held = states.get(s.name);
    if (!held || held.state !== s.state || held.checkedAt !== s.checkedAt) return false;
  }
  return true;
}

function load(): void {
  api.power.lastStates.query({}).then((list) => {
    // Unchanged (the usual answer when a page showing states mounts again): nothing re-renders. A new map would
    // rebuild the inventory's columns and redraw every row, in the first frames of a scroll started at once.
    if (sameAsHeld(list)) return;
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

/** Every node's last known power state; one subscription however many cells show it. */
export function useLastPowerStates(): ReadonlyMap<string, LastState> {
  useSyncExternalStore(subscribe, () => version);
  return states;
}

/** The node's last known power state (undefined until a batch reported it); re-renders when it changes. */
export function useLastPower(name: string): LastState | undefined {
  return useLastPowerStates().get(name);
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

/**
 * The same for a cell of a long table: plain elements and a native tooltip, no hooks, so a virtual
 * table scrolling through thousands of rows mounts nothing but a few spans per row.
 */
export function powerCell(s: LastState | undefined, text: { label: (state: string) => string; language: string; on: string; off: string }) {
  if (!s) return null;
  const label = text.label(s.state);
  return (
    <span data-power={s.state} title={`${label} · ${new Date(s.checkedAt).toLocaleString(text.language)}`}>
      <span style={{ display: 'inline-block', width: 6, height: 6, borderRadius: '50%', marginInlineEnd: 8, verticalAlign: 'middle', background: s.state === 'on' ? text.on : text.off }} />
      {label}
    </span>
  );
}
