// From inventory nodes to SSH targets: endpoint, login (vault credential or ssh-agent) and jump
// chain. Secrets are revealed and keys decrypted once per credential per run, and a problem with
// one node (no SSH endpoint, missing credential, wrong passphrase) is that node's error only.
import { AppError } from '../../../shared/errors';
import type { InventoryService } from '../../../shared/contract/services';
import type { Node } from '../../../shared/contract/schemas/inventory';
import type { Vault } from '../vault/vaultService';
import { prepareAuth, type PoolHop, type PreparedAuth, type SshTarget } from '../../protocols/ssh';

export const EXEC_NO_SSH = 'EXEC_NO_SSH';
export const EXEC_NODE_UNKNOWN = 'EXEC_NODE_UNKNOWN';
export const EXEC_BAD_JUMP = 'EXEC_BAD_JUMP';
const MAX_JUMPS = 8;

export interface ResolvedNode {
  name: string;
  /** null when `problem` says why the node cannot be reached over SSH. */
  ssh: SshTarget | null;
  problem: AppError | null;
}

export interface TargetDeps {
  inventory: InventoryService;
  vault: Pick<Vault, 'reveal'>;
}

/** Resolves every name of `nodeset` (in node set order), including names missing from the inventory. */
export function resolveTargets(deps: TargetDeps, nodeset: string): ResolvedNode[] {
  const names = deps.inventory.expandNodeSet(nodeset);
  const { items } = deps.inventory.listNodes({ nodeset, offset: 0, limit: 100_000_000 });
  const byName = new Map(items.map((n) => [n.name, n]));
  const auths = new AuthCache(deps.vault);
  return names.map((name) => {
    const node = byName.get(name);
    if (!node) {
      return { name, ssh: null, problem: new AppError(EXEC_NODE_UNKNOWN, `${name} is not in the inventory. Add it with \`clusterdeck nodes add\` or fix the node set.`, { node: name }) };
    }
    try {
      return { name, ssh: targetOf(deps, node, auths), problem: null };
    } catch (error) {
      if (AppError.is(error)) return { name, ssh: null, problem: error };
      throw error;
    }
  });
}

function targetOf(deps: TargetDeps, node: Node, auths: AuthCache): SshTarget {
  if (!node.ssh) {
    throw new AppError(EXEC_NO_SSH, `${node.name} has no SSH endpoint. Set one with \`clusterdeck nodes add --ssh-host\` or in the node's form.`, { node: node.name });
  }
  const target = hopOf(node.ssh.host, node.ssh.port, node.ssh.user, node.ssh.credential, auths, null);
  const jumps = node.ssh.jumpHost ? jumpChain(deps, node, auths, new Set([node.name]), 0) : [];
  return { target, jumps, tag: node.name };
}

/** `who` prefixes login errors of jump hosts; the node's own errors are folded under its name anyway. */
function hopOf(host: string, port: number, user: string, credential: string | null, auths: AuthCache, who: string | null): PoolHop {
  return { host, port, auth: auths.get(credential, user, who), authId: credential ?? 'agent' };
}

/** ProxyJump "a,b": each part is an inventory node (its own jump chain first) or [user@]host[:port]. */
function jumpChain(deps: TargetDeps, node: Node, auths: AuthCache, seen: Set<string>, depth: number): PoolHop[] {
  const spec = node.ssh!.jumpHost!;
  const hops: PoolHop[] = [];
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const jumpNode = nodeNamed(deps, part);
    if (jumpNode) {
      if (seen.has(jumpNode.name) || depth >= MAX_JUMPS) {
        throw new AppError(EXEC_BAD_JUMP, `The jump hosts of ${node.name} loop or nest deeper than ${MAX_JUMPS} (at ${jumpNode.name}). Fix the nodes' jump host fields.`, { node: node.name, jump: part });
      }
      if (!jumpNode.ssh) throw new AppError(EXEC_BAD_JUMP, `Jump host ${jumpNode.name} of ${node.name} has no SSH endpoint.`, { node: node.name, jump: part });
      if (jumpNode.ssh.jumpHost) hops.push(...jumpChain(deps, jumpNode, auths, new Set([...seen, jumpNode.name]), depth + 1));
      hops.push(hopOf(jumpNode.ssh.host, jumpNode.ssh.port, jumpNode.ssh.user, jumpNode.ssh.credential, auths, `jump host ${jumpNode.name}`));
    } else {
      const m = /^(?:([A-Za-z0-9._][A-Za-z0-9._-]*)@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(part);
      const port = m?.[3] ? Number(m[3]) : 22;
      if (!m || port < 1 || port > 65535) {
        throw new AppError(EXEC_BAD_JUMP, `The jump host "${part}" of ${node.name} is neither a node nor [user@]host[:port].`, { node: node.name, jump: part });
      }
      // A bare address logs in like the node itself: same user unless given, same credential.
      hops.push(hopOf(m[2].replace(/^\[|\]$/g, ''), port, m[1] ?? node.ssh!.user, node.ssh!.credential, auths, `jump host ${part}`));
    }
  }
  if (hops.length > MAX_JUMPS) throw new AppError(EXEC_BAD_JUMP, `${node.name} has more than ${MAX_JUMPS} jump hosts.`, { node: node.name });
  return hops;
}

function nodeNamed(deps: TargetDeps, name: string): Node | null {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) return null;
  try {
    return deps.inventory.getNode(name);
  } catch {
    return null;
  }
}

/** One prepared login per (credential, user); failures are remembered so N nodes cost one decrypt. */
class AuthCache {
  private readonly cache = new Map<string, PreparedAuth | AppError>();
  constructor(private readonly vault: Pick<Vault, 'reveal'>) {}

  get(credential: string | null, user: string, who: string | null): PreparedAuth {
    const key = `${credential ?? ''}\u0000${user}`;
    let got = this.cache.get(key);
    if (!got) {
      try {
        got = this.prepare(credential, user);
      } catch (error) {
        if (!AppError.is(error)) throw error;
        got = error;
      }
      this.cache.set(key, got);
    }
    if (got instanceof AppError) throw who ? new AppError(got.code, `${who}: ${got.message}`, got.params, got.key) : got;
    return got;
  }

  private prepare(credential: string | null, user: string): PreparedAuth {
    if (!credential) return prepareAuth({ username: user, agent: true }, 'this node (no credential: ssh-agent)');
    const c = this.vault.reveal(credential);
    const label = `credential ${credential}`;
    if (c.kind === 'ssh_key') return prepareAuth({ username: user, privateKey: c.secret, passphrase: c.passphrase }, label);
    if (c.kind === 'password') return prepareAuth({ username: user, password: c.secret }, label);
    throw new AppError('SSH_AUTH_FAILED', `${label} is a ${c.kind} credential; SSH needs an ssh_key or a password.`, { credential, methods: '' });
  }
}
