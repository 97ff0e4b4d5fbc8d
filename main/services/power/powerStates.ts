import type { Db } from '../../store/db';
import { nowIso } from '../../store/db';
import type { LastState } from '../../../shared/contract/schemas/power';

// The last power state each node's BMC reported (or a power command left it in), kept so the
// inventory and rack views can show it without asking every BMC again.
export interface PowerStateStore {
  record(states: ReadonlyMap<string, 'on' | 'off'>): void;
  list(names?: ReadonlySet<string>): LastState[];
}

export function powerStateStore(db: Db): PowerStateStore {
  const upsert = db.prepare(
    `INSERT INTO node_power_states (node_id, state, checked_at) SELECT id, ?, ? FROM nodes WHERE name = ?
     ON CONFLICT (node_id) DO UPDATE SET state = excluded.state, checked_at = excluded.checked_at`,
  );
  const all = db.prepare('SELECT n.name, s.state, s.checked_at AS checkedAt FROM node_power_states s JOIN nodes n ON n.id = s.node_id ORDER BY n.name');
  // One transaction per batch: a thousand results are one write, not a thousand.
  const write = db.transaction((states: ReadonlyMap<string, 'on' | 'off'>, at: string) => {
    for (const [name, state] of states) upsert.run(state, at, name);
  });
  return {
    record(states) {
      if (states.size) write(states, nowIso());
    },
    list(names) {
      const rows = all.all() as LastState[];
      return names ? rows.filter((r) => names.has(r.name)) : rows;
    },
  };
}
