import { createHash } from 'node:crypto';
import type { Db } from '../../store/db';
import { nowIso } from '../../store/db';
import { AppError } from '../../../shared/errors';
import type { InventoryService } from '../../../shared/contract/services';
import type { Node, NodeFields, ImportProblem, Group, Rack, Room } from '../../../shared/contract/schemas/inventory';
import { NodeInput } from '../../../shared/contract/schemas/inventory';
import type { AuditLog } from '../audit/auditLog';
import { loadLookups, nodeToValues, rowToNode, NODE_COLUMNS, type Lookups, type NodeRow } from './nodeRows';
import { checkPlacement, placedOf, type Placed } from './placement';
import { parseCsvNodes, parseYamlNodes, nodesToCsv, nodesToYaml, type Candidate } from './records';
import { expandInInventory, fold } from './nodesets';

const notFound = (what: string, name: string, hint: string) =>
  new AppError(`${what.toUpperCase()}_NOT_FOUND`, `No ${what} named ${name}. ${hint}`, { name });

export function createInventory(db: Db, audit: AuditLog): InventoryService {
  const insertNode = db.prepare(
    `INSERT INTO nodes (${NODE_COLUMNS.join(', ')}, created_at, updated_at) VALUES (${NODE_COLUMNS.map(() => '?').join(', ')}, ?, ?)`,
  );
  const updateNodeStmt = db.prepare(
    `UPDATE nodes SET ${NODE_COLUMNS.map((c) => `${c} = ?`).join(', ')}, updated_at = ? WHERE id = ?`,
  );
  const insertMember = db.prepare('INSERT OR IGNORE INTO node_groups (node_id, group_id) VALUES (?, ?)');

  const allRows = () => db.prepare('SELECT * FROM nodes ORDER BY name').all() as NodeRow[];
  const rowByName = (name: string) => db.prepare('SELECT * FROM nodes WHERE name = ?').get(name) as NodeRow | undefined;
  const rackHeights = () => new Map((db.prepare('SELECT name, height_u FROM racks').all() as { name: string; height_u: number }[]).map((r) => [r.name, r.height_u]));

  /** Every rule a node must satisfy against the inventory and the other candidates; one problem list. */
  function judge(candidates: Candidate[], l: Lookups, opts: { update: boolean; createMissing: boolean }): ImportProblem[] {
    const problems: ImportProblem[] = [];
    const seen = new Map<string, number>();
    const existing = new Set(db.prepare('SELECT name FROM nodes').pluck().all() as string[]);
    for (const { line, fields: n } of candidates) {
      const first = seen.get(n.name);
      if (first !== undefined) problems.push({ line, column: 'name', reason: `duplicate name ${n.name} (also on line ${first})` });
      else seen.set(n.name, line);
      if (existing.has(n.name) && !opts.update) problems.push({ line, column: 'name', reason: `node ${n.name} already exists; use --update to replace it` });
      if (n.rack && !l.rackId.has(n.rack) && !opts.createMissing) problems.push({ line, column: 'rack', reason: `unknown rack ${n.rack}; add it first (clusterdeck racks add ${n.rack}) or use --create-missing` });
      if (n.u !== null && !n.rack) problems.push({ line, column: 'u', reason: 'a U position needs a rack' });
      for (const g of n.groups) if (!l.groupId.has(g) && !opts.createMissing) problems.push({ line, column: 'groups', reason: `unknown group ${g}; add it first (clusterdeck groups add ${g}) or use --create-missing` });
      if (n.ssh?.credential && !l.credId.has(n.ssh.credential)) problems.push({ line, column: 'ssh_credential', reason: `unknown credential ${n.ssh.credential}; add it with clusterdeck creds add` });
      if (n.bmc?.credential && !l.credId.has(n.bmc.credential)) problems.push({ line, column: 'bmc_credential', reason: `unknown credential ${n.bmc.credential}; add it with clusterdeck creds add` });
    }
    // Rack units: the file's nodes plus the inventory's nodes that the file does not replace.
    const placed: Placed[] = [];
    for (const { line, fields } of candidates) { const p = placedOf(fields, line); if (p) placed.push(p); }
    for (const r of db.prepare('SELECT n.name, r.name AS rack, n.u_position AS u, n.u_height AS uHeight FROM nodes n JOIN racks r ON r.id = n.rack_id WHERE n.u_position IS NOT NULL').all() as Placed[]) {
      if (!seen.has(r.name)) placed.push(r);
    }
    const heights = rackHeights();
    for (const p of checkPlacement(placed, (rack) => heights.get(rack))) {
      if (p.line !== undefined) problems.push({ line: p.line, column: 'u', reason: p.reason });
    }
    return problems.sort((a, b) => a.line - b.line);
  }

  function createMissing(candidates: Candidate[], l: Lookups): void {
    const now = nowIso();
    for (const { fields } of candidates) {
      if (fields.rack && !l.rackId.has(fields.rack)) {
        const id = Number(db.prepare('INSERT INTO racks (name, created_at) VALUES (?, ?)').run(fields.rack, now).lastInsertRowid);
        l.rackId.set(fields.rack, id);
      }
      for (const g of fields.groups) {
        if (!l.groupId.has(g)) l.groupId.set(g, Number(db.prepare('INSERT INTO groups (name, created_at) VALUES (?, ?)').run(g, now).lastInsertRowid));
      }
    }
  }

  /** Writes validated nodes; caller holds the transaction. Returns how many were created and updated. */
  function write(candidates: Candidate[], l: Lookups): { created: number; updated: number } {
    const now = nowIso();
    let created = 0;
    let updated = 0;
    for (const { fields } of candidates) {
      const existing = rowByName(fields.name);
      let id: number;
      if (existing) {
        updateNodeStmt.run(...nodeToValues(fields, l), now, existing.id);
        db.prepare('DELETE FROM node_groups WHERE node_id = ?').run(existing.id);
        id = existing.id;
        updated++;
      } else {
        id = Number(insertNode.run(...nodeToValues(fields, l), now, now).lastInsertRowid);
        created++;
      }
      for (const g of fields.groups) insertMember.run(id, l.groupId.get(g)!);
    }
    return { created, updated };
  }

  function saveOne(fields: NodeFields, update: boolean): Node {
    const l = loadLookups(db);
    const problems = judge([{ line: 0, fields }], l, { update, createMissing: false });
    if (problems.length) {
      throw new AppError('NODE_INVALID', problems.map((p) => `${p.column}: ${p.reason}`).join('; '), { name: fields.name });
    }
    db.transaction(() => write([{ line: 0, fields }], l))();
    return getNode(fields.name);
  }

  function getNode(name: string): Node {
    const row = rowByName(name);
    if (!row) throw notFound('node', name, 'List nodes with `clusterdeck nodes list`.');
    return rowToNode(row, loadLookups(db));
  }

  function requireKnown(expr: string): string[] {
    const names = expandInInventory(db, expr);
    const known = new Set(db.prepare('SELECT name FROM nodes').pluck().all() as string[]);
    const unknown = names.filter((n) => !known.has(n));
    if (unknown.length) {
      throw new AppError('NODES_NOT_FOUND', `${unknown.length} node(s) are not in the inventory: ${fold(unknown)}. Check the node set.`, { nodes: fold(unknown) });
    }
    return names;
  }

  const groupRow = (name: string) => db.prepare('SELECT id FROM groups WHERE name = ?').get(name) as { id: number } | undefined;

  const service: InventoryService = {
    listNodes(q) {
      const l = loadLookups(db);
      let rows = allRows();
      if (q.nodeset?.trim()) {
        const wanted = new Set(expandInInventory(db, q.nodeset));
        rows = rows.filter((r) => wanted.has(r.name));
      }
      if (q.search?.trim()) {
        const s = q.search.trim().toLowerCase();
        rows = rows.filter((r) => r.name.toLowerCase().includes(s) || r.hostname.toLowerCase().includes(s) || (r.gpu_model ?? '').toLowerCase().includes(s));
      }
      const items = rows.slice(q.offset, q.offset + q.limit).map((r) => rowToNode(r, l));
      if (q.ifNoneMatch === undefined) return { total: rows.length, items };
      // A digest of what would be sent, so it is right whoever changed the store (another CLI process, another serve).
      const etag = createHash('sha256').update(JSON.stringify([q.nodeset ?? '', q.search ?? '', q.offset, q.limit, rows.length, items])).digest('base64url').slice(0, 32);
      return etag === q.ifNoneMatch ? { total: rows.length, items: [], etag, notModified: true } : { total: rows.length, items, etag };
    },
    getNode,
    addNode: (actor, node) =>
      audit.record(actor, { module: 'inventory', action: 'create', targets: node.name, params: { hostname: node.hostname, rack: node.rack, u: node.u } }, () => saveOne(node, false)),
    updateNode(actor, name, patch) {
      const current = getNode(name);
      const { id: _i, createdAt: _c, updatedAt: _u, ...fields } = current;
      const merged = NodeInput.parse({ ...fields, ...patch });
      return audit.record(actor, { module: 'inventory', action: 'update', targets: name, params: patch }, () => {
        if (merged.name !== name) {
          if (rowByName(merged.name)) throw new AppError('NODE_EXISTS', `A node named ${merged.name} already exists.`, { name: merged.name });
          db.prepare('UPDATE nodes SET name = ? WHERE name = ?').run(merged.name, name);
        }
        return saveOne(merged, true);
      });
    },
    removeNodes(actor, expr) {
      return audit.record(actor, { module: 'inventory', action: 'delete', targets: expr }, () => {
        const names = requireKnown(expr);
        const del = db.prepare('DELETE FROM nodes WHERE name = ?');
        db.transaction(() => { for (const n of names) del.run(n); })();
        return { removed: names.length };
      }, (r) => ({ detail: `${r.removed} node(s) removed` }));
    },
    previewNodeSet(expr) {
      if (!expr.trim()) return { count: 0, folded: '', unknown: [], unknownFolded: '' };
      const names = expandInInventory(db, expr);
      const known = new Set(db.prepare('SELECT name FROM nodes').pluck().all() as string[]);
      const unknown = names.filter((n) => !known.has(n));
      return { count: names.length, folded: fold(names), unknown: unknown.slice(0, 1000), unknownFolded: fold(unknown) };
    },
    expandNodeSet: (expr) => expandInInventory(db, expr),
    importNodes(actor, input) {
      return audit.record(actor, { module: 'inventory', action: 'import', params: { format: input.format, update: input.update, createMissing: input.createMissing } }, () => {
        const parsed = input.format === 'csv' ? parseCsvNodes(input.text) : parseYamlNodes(input.text);
        const l = loadLookups(db);
        const problems = [...parsed.problems, ...judge(parsed.candidates, l, input)].sort((a, b) => a.line - b.line);
        if (problems.length) return { imported: 0, created: 0, updated: 0, problems };
        if (parsed.candidates.length === 0) {
          return { imported: 0, created: 0, updated: 0, problems: [{ line: 1, column: '', reason: 'the file holds no nodes' }] };
        }
        const counts = db.transaction(() => {
          createMissing(parsed.candidates, l);
          return write(parsed.candidates, l);
        })();
        return { imported: parsed.candidates.length, ...counts, problems: [] };
      }, (r) => (r.problems.length ? { result: 'failed', detail: `rejected: ${r.problems.length} problem(s), nothing imported` } : { detail: `${r.created} created, ${r.updated} updated` }));
    },
    exportNodes(input) {
      const { items } = service.listNodes({ nodeset: input.nodeset, offset: 0, limit: 10_000_000 });
      return { text: input.format === 'csv' ? nodesToCsv(items) : nodesToYaml(items), count: items.length };
    },

    listGroups: () =>
      db.prepare('SELECT g.id, g.name, g.description, (SELECT count(*) FROM node_groups ng WHERE ng.group_id = g.id) AS size FROM groups g ORDER BY g.name').all() as Group[],
    addGroup(actor, input) {
      return audit.record(actor, { module: 'inventory', action: 'create-group', targets: input.name }, () => {
        if (groupRow(input.name)) throw new AppError('GROUP_EXISTS', `A group named ${input.name} already exists.`, { name: input.name });
        db.prepare('INSERT INTO groups (name, description, created_at) VALUES (?, ?, ?)').run(input.name, input.description, nowIso());
        return service.listGroups().find((g) => g.name === input.name)!;
      });
    },
    removeGroup(actor, name) {
      audit.record(actor, { module: 'inventory', action: 'delete-group', targets: name }, () => {
        if (!groupRow(name)) throw notFound('group', name, 'List groups with `clusterdeck groups list`.');
        db.prepare('DELETE FROM groups WHERE name = ?').run(name);
      });
    },
    groupMembers(name) {
      const g = groupRow(name);
      if (!g) throw notFound('group', name, 'List groups with `clusterdeck groups list`.');
      return db.prepare('SELECT n.name FROM nodes n JOIN node_groups ng ON ng.node_id = n.id WHERE ng.group_id = ? ORDER BY n.name').pluck().all(g.id) as string[];
    },
    setGroupMembers(actor, name, op, expr) {
      return audit.record(actor, { module: 'inventory', action: `group-members-${op}`, targets: name, params: { nodeset: expr } }, () => {
        const g = groupRow(name);
        if (!g) throw notFound('group', name, 'List groups with `clusterdeck groups list`.');
        const names = expr.trim() ? requireKnown(expr) : [];
        const idOf = db.prepare('SELECT id FROM nodes WHERE name = ?').pluck();
        db.transaction(() => {
          if (op === 'set') db.prepare('DELETE FROM node_groups WHERE group_id = ?').run(g.id);
          const del = db.prepare('DELETE FROM node_groups WHERE node_id = ? AND group_id = ?');
          for (const n of names) {
            const id = idOf.get(n) as number;
            if (op === 'remove') del.run(id, g.id);
            else insertMember.run(id, g.id);
          }
        })();
        return { members: (db.prepare('SELECT count(*) FROM node_groups WHERE group_id = ?').pluck().get(g.id) as number) };
      });
    },

    listRooms: () =>
      db.prepare('SELECT m.id, m.name, m.description, (SELECT count(*) FROM racks r WHERE r.room_id = m.id) AS racks FROM rooms m ORDER BY m.name').all() as Room[],
    addRoom(actor, input) {
      return audit.record(actor, { module: 'inventory', action: 'create-room', targets: input.name }, () => {
        if (db.prepare('SELECT 1 FROM rooms WHERE name = ?').get(input.name)) throw new AppError('ROOM_EXISTS', `A room named ${input.name} already exists.`, { name: input.name });
        db.prepare('INSERT INTO rooms (name, description, created_at) VALUES (?, ?, ?)').run(input.name, input.description, nowIso());
        return service.listRooms().find((r) => r.name === input.name)!;
      });
    },
    removeRoom(actor, name) {
      audit.record(actor, { module: 'inventory', action: 'delete-room', targets: name }, () => {
        const room = db.prepare('SELECT id FROM rooms WHERE name = ?').get(name) as { id: number } | undefined;
        if (!room) throw notFound('room', name, 'List rooms with `clusterdeck rooms list`.');
        const racks = db.prepare('SELECT count(*) FROM racks WHERE room_id = ?').pluck().get(room.id) as number;
        if (racks) throw new AppError('ROOM_NOT_EMPTY', `Room ${name} still holds ${racks} rack(s); move or remove them first.`, { name, racks });
        db.prepare('DELETE FROM rooms WHERE id = ?').run(room.id);
      });
    },
    listRacks: () =>
      (db.prepare(`SELECT r.id, r.name, m.name AS room, r.height_u AS heightU, r.row_index AS "row", r.column_index AS "column",
        (SELECT count(*) FROM nodes n WHERE n.rack_id = r.id) AS nodes FROM racks r LEFT JOIN rooms m ON m.id = r.room_id ORDER BY r.name`).all() as Rack[]),
    addRack(actor, input) {
      return audit.record(actor, { module: 'inventory', action: 'create-rack', targets: input.name, params: { room: input.room, heightU: input.heightU } }, () => {
        if (db.prepare('SELECT 1 FROM racks WHERE name = ?').get(input.name)) throw new AppError('RACK_EXISTS', `A rack named ${input.name} already exists.`, { name: input.name });
        let roomId: number | null = null;
        if (input.room) {
          const room = db.prepare('SELECT id FROM rooms WHERE name = ?').get(input.room) as { id: number } | undefined;
          if (!room) throw notFound('room', input.room, `Add it first with \`clusterdeck rooms add ${input.room}\`.`);
          roomId = room.id;
        }
        db.prepare('INSERT INTO racks (name, room_id, height_u, row_index, column_index, created_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(input.name, roomId, input.heightU, input.row, input.column, nowIso());
        return service.listRacks().find((r) => r.name === input.name)!;
      });
    },
    removeRack(actor, name) {
      audit.record(actor, { module: 'inventory', action: 'delete-rack', targets: name }, () => {
        const rack = db.prepare('SELECT id FROM racks WHERE name = ?').get(name) as { id: number } | undefined;
        if (!rack) throw notFound('rack', name, 'List racks with `clusterdeck racks list`.');
        const nodes = db.prepare('SELECT count(*) FROM nodes WHERE rack_id = ?').pluck().get(rack.id) as number;
        if (nodes) throw new AppError('RACK_NOT_EMPTY', `Rack ${name} still holds ${nodes} node(s); move or remove them first.`, { name, nodes });
        db.prepare('DELETE FROM racks WHERE id = ?').run(rack.id);
      });
    },
  };
  return service;
}
