import type { Db } from '../../store/db';
import { expandNodeSet, foldNodeSet, type GroupResolver } from '../../../shared/nodeset';

/**
 * Node sets resolved against the inventory: `@name` is a group, `@rack:NAME` and `@room:NAME`
 * the nodes placed there, `@all:*`… are left to the nodeset module's own rules. Lookups are
 * lazy so an expression without groups costs no query.
 */
export function inventoryResolver(db: Db): GroupResolver {
  const byGroup = db.prepare('SELECT n.name FROM nodes n JOIN node_groups ng ON ng.node_id = n.id JOIN groups g ON g.id = ng.group_id WHERE g.name = ?').pluck();
  const groupExists = db.prepare('SELECT 1 FROM groups WHERE name = ?').pluck();
  const byRack = db.prepare('SELECT n.name FROM nodes n JOIN racks r ON r.id = n.rack_id WHERE r.name = ?').pluck();
  const rackExists = db.prepare('SELECT 1 FROM racks WHERE name = ?').pluck();
  const byRoom = db.prepare('SELECT n.name FROM nodes n JOIN racks r ON r.id = n.rack_id JOIN rooms m ON m.id = r.room_id WHERE m.name = ?').pluck();
  const roomExists = db.prepare('SELECT 1 FROM rooms WHERE name = ?').pluck();
  const all = db.prepare('SELECT name FROM nodes').pluck();
  return (group, source) => {
    if (source === 'rack') return rackExists.get(group) ? (byRack.all(group) as string[]) : undefined;
    if (source === 'room') return roomExists.get(group) ? (byRoom.all(group) as string[]) : undefined;
    if (source && source !== 'group') return undefined;
    if (group === '*' || group === 'all') return all.all() as string[];
    return groupExists.get(group) ? (byGroup.all(group) as string[]) : undefined;
  };
}

export function expandInInventory(db: Db, expr: string): string[] {
  return expandNodeSet(expr, { resolveGroup: inventoryResolver(db) });
}

export function fold(names: Iterable<string>): string {
  const list = [...names];
  return list.length ? foldNodeSet(list) : '';
}
