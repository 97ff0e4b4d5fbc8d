import fs from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import type { App } from '../../app';
import type { Actor } from '../../../shared/contract/trpc';
import type { LabState } from '../../lab';
import { CSV_COLUMNS } from '../inventory/records';
import { DbHostKeyStore } from '../hostkeys/hostKeyStore';

export const LAB_GROUP = 'lab';
export const LAB_BMC_CREDENTIAL = 'lab-bmc';
export const LAB_SSH_CREDENTIAL = 'lab-ssh';
const NODES_PER_RACK = 40;

/**
 * Makes a started lab visible as a cluster: credentials in the vault, one node per peer, racks
 * and a `lab` group — written through the same import path as a user's CSV, so the lab is also
 * a standing test of that path.
 */
export function writeLabInventory(app: App, actor: Actor, lab: LabState): { nodes: number } {
  const count = Math.max(lab.bmcs.length, lab.ssh.length);
  if (lab.bmcs.length) {
    const b = lab.bmcs[0];
    app.services.vault.add(actor, { name: LAB_BMC_CREDENTIAL, kind: 'password', username: b.user, secret: b.password, passphrase: null, replace: true });
  }
  if (lab.ssh.length) {
    const s = lab.ssh[0];
    app.services.vault.add(actor, { name: LAB_SSH_CREDENTIAL, kind: 'ssh_key', username: s.user, secret: fs.readFileSync(s.privateKeyPath, 'utf8'), passphrase: null, replace: true });
  }
  const rows: Record<(typeof CSV_COLUMNS)[number], string | number>[] = [];
  const width = Math.max(3, String(count).length);
  for (let i = 0; i < count; i++) {
    const bmc = lab.bmcs[i];
    const ssh = lab.ssh[i];
    rows.push({
      name: ssh?.name ?? `node${String(i + 1).padStart(width, '0')}`,
      hostname: '127.0.0.1',
      type: 'gpu',
      rack: `lab-r${String(Math.floor(i / NODES_PER_RACK) + 1).padStart(2, '0')}`,
      u: (i % NODES_PER_RACK) + 1,
      u_height: 1,
      groups: LAB_GROUP,
      gpu_count: 8,
      gpu_model: 'SIM-GPU',
      labels: 'lab=true',
      ssh_host: ssh?.host ?? '',
      ssh_port: ssh?.port ?? '',
      ssh_user: ssh?.user ?? '',
      ssh_credential: ssh ? LAB_SSH_CREDENTIAL : '',
      ssh_jump_host: '',
      bmc_host: bmc?.host ?? '',
      bmc_port: bmc?.port ?? '',
      bmc_protocol: bmc ? 'ipmi' : '',
      bmc_credential: bmc ? LAB_BMC_CREDENTIAL : '',
    });
  }
  trustLabHostKeys(app, lab);
  const text = stringify(rows, { header: true, columns: [...CSV_COLUMNS] });
  const r = app.services.inventory.importNodes(actor, { format: 'csv', text, update: true, createMissing: true });
  if (r.problems.length) throw new Error(`lab inventory rejected: ${r.problems.map((p) => `${p.line}: ${p.reason}`).join('; ')}`);
  return { nodes: r.imported };
}

/**
 * The lab generated its sshd host keys itself, so it knows them out of band: storing them is
 * the one case where a key is trusted without a first-contact question.
 */
function trustLabHostKeys(app: App, lab: LabState): void {
  const store = new DbHostKeyStore(app.db);
  for (const sshd of lab.sshds) {
    const [type, b64] = sshd.hostPublicKey.split(/\s+/);
    const blob = Buffer.from(b64, 'base64');
    if (!store.stored(sshd.host, sshd.port).some((k) => k.blob.equals(blob))) {
      store.forget(sshd.host, sshd.port); // a previous lab on the same port had another key
      store.add(sshd.host, sshd.port, { type, blob });
    }
  }
}

/** Removes what writeLabInventory added (nodes of the `lab` group, lab racks and credentials). */
export function purgeLabInventory(app: App, actor: Actor): { nodes: number } {
  const inv = app.services.inventory;
  if (!inv.listGroups().some((g) => g.name === LAB_GROUP)) return { nodes: 0 };
  const members = inv.groupMembers(LAB_GROUP);
  const removed = members.length ? inv.removeNodes(actor, members.join(',')).removed : 0;
  inv.removeGroup(actor, LAB_GROUP);
  for (const r of inv.listRacks()) if (r.name.startsWith('lab-r') && r.nodes === 0) inv.removeRack(actor, r.name);
  for (const c of app.services.vault.list()) if (c.name === LAB_BMC_CREDENTIAL || c.name === LAB_SSH_CREDENTIAL) app.services.vault.remove(actor, c.name);
  return { nodes: removed };
}
