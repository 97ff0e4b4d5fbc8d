// From a node set to BMC targets. Unknown names refuse the whole request (a typo must not power
// off the wrong half of a cluster); a node without a BMC or a usable credential gets its own
// error and the rest of the batch goes on.
import { AppError } from '../../../shared/errors';
import type { InventoryService } from '../../../shared/contract/services';
import type { RevealedCredential } from '../vault/vaultService';
import { fold } from '../inventory/nodesets';
import { powerError } from './errors';

export type BmcProtocol = 'ipmi' | 'redfish';

export interface BmcTarget {
  readonly name: string;
  readonly protocol: BmcProtocol | null;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** Held only for the batch; never logged, never sent to a front door. */
  readonly password: string;
  /** Set when the node cannot be reached through its BMC at all: reported as its result. */
  readonly problem?: AppError;
}

export interface ResolveDeps {
  inventory: Pick<InventoryService, 'expandNodeSet' | 'listNodes'>;
  reveal(name: string): RevealedCredential;
}

export function resolveTargets(deps: ResolveDeps, nodeset: string): BmcTarget[] {
  const names = deps.inventory.expandNodeSet(nodeset);
  if (names.length === 0) throw powerError('POWER_NO_NODES', `The node set ${nodeset} selects no nodes.`, { nodeset });
  const nodes = new Map(deps.inventory.listNodes({ nodeset, offset: 0, limit: 10_000_000 }).items.map((n) => [n.name, n]));
  const unknown = names.filter((n) => !nodes.has(n));
  if (unknown.length) {
    const folded = fold(unknown);
    throw new AppError('NODES_NOT_FOUND', `${folded} ${unknown.length === 1 ? 'is' : 'are'} not in the inventory. Check the node set; nothing was run.`, { nodes: folded, count: unknown.length });
  }

  // One reveal per credential, not per node. A locked vault is everyone's problem: it throws.
  const credentials = new Map<string, RevealedCredential | AppError>();
  const credential = (name: string): RevealedCredential | AppError => {
    let c = credentials.get(name);
    if (!c) {
      try {
        c = deps.reveal(name);
      } catch (e) {
        if (!AppError.is(e) || e.code !== 'CREDENTIAL_NOT_FOUND') throw e;
        c = e;
      }
      credentials.set(name, c);
    }
    return c;
  };

  return names.map((name): BmcTarget => {
    const bmc = nodes.get(name)!.bmc;
    if (!bmc) {
      return broken(name, null, powerError('POWER_NO_BMC', `Node ${name} has no BMC endpoint in the inventory: add its BMC host, port and protocol.`, { node: name }));
    }
    const base = { name, protocol: bmc.protocol, host: bmc.host, port: bmc.port };
    if (!bmc.credential) {
      return broken(name, bmc.protocol, powerError('POWER_NO_CREDENTIAL', `Node ${name} has no BMC credential in the inventory: set one (clusterdeck creds add, then the node's BMC credential).`, { node: name }), base);
    }
    const c = credential(bmc.credential);
    if (AppError.is(c)) {
      return broken(name, bmc.protocol, powerError('POWER_NO_CREDENTIAL', `The BMC credential ${bmc.credential} of node ${name} is not in the vault: add it with clusterdeck creds add ${bmc.credential}.`, { node: name, credential: bmc.credential }), base);
    }
    if (c.kind !== 'password') {
      return broken(name, bmc.protocol, powerError('POWER_BAD_CREDENTIAL', `The BMC credential ${c.name} of node ${name} is a ${c.kind}; BMCs need a user name and password.`, { node: name, credential: c.name, kind: c.kind }), base);
    }
    if (bmc.protocol === 'redfish' && !c.username) {
      return broken(name, bmc.protocol, powerError('POWER_BAD_CREDENTIAL', `The BMC credential ${c.name} of node ${name} has no user name, which Redfish needs.`, { node: name, credential: c.name, kind: c.kind }), base);
    }
    return { ...base, username: c.username ?? '', password: c.secret };
  });
}

function broken(name: string, protocol: BmcProtocol | null, problem: AppError, base?: { host: string; port: number }): BmcTarget {
  return { name, protocol, host: base?.host ?? '', port: base?.port ?? 0, username: '', password: '', problem };
}
