import type { Db } from '../../store/db';
import type { Node, NodeFields } from '../../../shared/contract/schemas/inventory';

export interface NodeRow {
  id: number; name: string; hostname: string; type: NodeFields['type']; rack_id: number | null; u_position: number | null;
  u_height: number; gpu_count: number; gpu_model: string | null; labels: string; ssh_host: string | null; ssh_port: number | null;
  ssh_user: string | null; ssh_credential_id: number | null; ssh_jump_host: string | null; bmc_host: string | null;
  bmc_port: number | null; bmc_protocol: 'ipmi' | 'redfish' | null; bmc_credential_id: number | null; created_at: string; updated_at: string;
}

/** Name lookups for the foreign keys a node row holds, loaded once per request, not once per row. */
export interface Lookups {
  rackName: Map<number, string>;
  credName: Map<number, string>;
  groupsOf: Map<number, string[]>;
  rackId: Map<string, number>;
  credId: Map<string, number>;
  groupId: Map<string, number>;
}

export function loadLookups(db: Db): Lookups {
  const racks = db.prepare('SELECT id, name FROM racks').all() as { id: number; name: string }[];
  const creds = db.prepare('SELECT id, name FROM credentials').all() as { id: number; name: string }[];
  const groups = db.prepare('SELECT id, name FROM groups').all() as { id: number; name: string }[];
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  const groupsOf = new Map<number, string[]>();
  for (const m of db.prepare('SELECT node_id, group_id FROM node_groups').all() as { node_id: number; group_id: number }[]) {
    const list = groupsOf.get(m.node_id) ?? [];
    list.push(groupName.get(m.group_id)!);
    groupsOf.set(m.node_id, list);
  }
  for (const list of groupsOf.values()) list.sort();
  return {
    rackName: new Map(racks.map((r) => [r.id, r.name])),
    credName: new Map(creds.map((c) => [c.id, c.name])),
    groupsOf,
    rackId: new Map(racks.map((r) => [r.name, r.id])),
    credId: new Map(creds.map((c) => [c.name, c.id])),
    groupId: new Map(groups.map((g) => [g.name, g.id])),
  };
}

export function rowToNode(r: NodeRow, l: Lookups): Node {
  return {
    id: r.id,
    name: r.name,
    hostname: r.hostname,
    type: r.type,
    rack: r.rack_id === null ? null : l.rackName.get(r.rack_id) ?? null,
    u: r.u_position,
    uHeight: r.u_height,
    gpuCount: r.gpu_count,
    gpuModel: r.gpu_model,
    labels: JSON.parse(r.labels),
    groups: l.groupsOf.get(r.id) ?? [],
    ssh: r.ssh_host === null ? null : {
      host: r.ssh_host, port: r.ssh_port ?? 22, user: r.ssh_user ?? 'root',
      credential: r.ssh_credential_id === null ? null : l.credName.get(r.ssh_credential_id) ?? null, jumpHost: r.ssh_jump_host,
    },
    bmc: r.bmc_host === null ? null : {
      host: r.bmc_host, port: r.bmc_port ?? 623, protocol: r.bmc_protocol ?? 'ipmi',
      credential: r.bmc_credential_id === null ? null : l.credName.get(r.bmc_credential_id) ?? null,
    },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export const NODE_COLUMNS = [
  'name', 'hostname', 'type', 'rack_id', 'u_position', 'u_height', 'gpu_count', 'gpu_model', 'labels', 'ssh_host', 'ssh_port',
  'ssh_user', 'ssh_credential_id', 'ssh_jump_host', 'bmc_host', 'bmc_port', 'bmc_protocol', 'bmc_credential_id',
] as const;

/** Column values in NODE_COLUMNS order; foreign names must already be known to `l`. */
export function nodeToValues(n: NodeFields, l: Lookups): unknown[] {
  return [
    n.name, n.hostname, n.type, n.rack ? l.rackId.get(n.rack)! : null, n.u, n.uHeight, n.gpuCount, n.gpuModel, JSON.stringify(n.labels),
    n.ssh?.host ?? null, n.ssh?.port ?? null, n.ssh?.user ?? null, n.ssh?.credential ? l.credId.get(n.ssh.credential)! : null,
    n.ssh?.jumpHost ?? null, n.bmc?.host ?? null, n.bmc?.port ?? null, n.bmc?.protocol ?? null,
    n.bmc?.credential ? l.credId.get(n.bmc.credential)! : null,
  ];
}
