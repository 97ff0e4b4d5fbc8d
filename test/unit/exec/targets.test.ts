// Node → SSH target resolution: credentials, agent, jump chains by node name or address, and
// per-node problems that do not stop the others.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTargets, type TargetDeps } from '../../../main/services/exec/targets';
import { foldResults, summaryLine } from '../../../main/services/exec/fold';
import type { InventoryService } from '../../../shared/contract/services';
import type { Node } from '../../../shared/contract/schemas/inventory';
import type { ExecNodeResult } from '../../../shared/contract/schemas/exec';
import { AppError } from '../../../shared/errors';
import { expandNodeSet } from '../../../shared/nodeset';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-targets-'));
let key = '';
let encrypted = '';

function node(name: string, ssh: Partial<NonNullable<Node['ssh']>> | null): Node {
  return {
    id: 1, name, hostname: '10.0.0.1', type: 'compute', rack: null, u: null, uHeight: 1, gpuCount: 0, gpuModel: null, labels: {}, groups: [],
    ssh: ssh && { host: '10.0.0.1', port: 22, user: 'root', credential: 'key', jumpHost: null, ...ssh }, bmc: null, createdAt: '', updatedAt: '',
  };
}

function deps(nodes: Node[], reveals: { count: number }): TargetDeps {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const inventory = {
    expandNodeSet: (expr: string) => expandNodeSet(expr),
    listNodes: ({ nodeset }: { nodeset?: string }) => {
      const items = expandNodeSet(nodeset!).flatMap((n) => byName.get(n) ?? []);
      return { total: items.length, items };
    },
    getNode: (name: string) => {
      const n = byName.get(name);
      if (!n) throw new AppError('NOT_FOUND', name);
      return n;
    },
  } as unknown as InventoryService;
  const creds: Record<string, { kind: 'ssh_key' | 'password' | 'token'; secret: string; passphrase: string | null }> = {
    key: { kind: 'ssh_key', secret: key, passphrase: null },
    enc: { kind: 'ssh_key', secret: encrypted, passphrase: 'wrong' },
    pw: { kind: 'password', secret: 'pw-secret', passphrase: null },
    tok: { kind: 'token', secret: 't', passphrase: null },
  };
  return {
    inventory,
    vault: {
      reveal: (name: string) => {
        reveals.count++;
        const c = creds[name];
        if (!c) throw new AppError('CREDENTIAL_NOT_FOUND', `No credential named ${name}.`);
        return { name, username: 'root', ...c };
      },
    },
  };
}

describe('exec targets', () => {
  beforeAll(() => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'k')]);
    key = fs.readFileSync(path.join(dir, 'k'), 'utf8');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'right', '-f', path.join(dir, 'e')]);
    encrypted = fs.readFileSync(path.join(dir, 'e'), 'utf8');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('resolves keys, passwords and the agent; problems stay per node and secrets are revealed once per credential', () => {
    const reveals = { count: 0 };
    const nodes = [
      ...Array.from({ length: 5 }, (_, i) => node(`k${i + 1}`, { port: 2200 + i })),
      node('p1', { credential: 'pw' }),
      node('e1', { credential: 'enc' }), node('e2', { credential: 'enc' }),
      node('t1', { credential: 'tok' }), node('m1', { credential: 'missing' }),
      node('none1', null),
    ];
    const saved = process.env.SSH_AUTH_SOCK;
    delete process.env.SSH_AUTH_SOCK;
    nodes.push(node('a1', { credential: null }));
    try {
      const r = resolveTargets(deps(nodes, reveals), 'k[1-5],p1,e[1-2],t1,m1,none1,a1,ghost1');
      const by = new Map(r.map((x) => [x.name, x]));
      expect(by.get('k3')!.ssh).toMatchObject({ target: { host: '10.0.0.1', port: 2202, authId: 'key', auth: { username: 'root', methods: ['publickey'] } }, jumps: [], tag: 'k3' });
      expect(by.get('p1')!.ssh!.target.auth.methods).toEqual(['password', 'keyboard-interactive']);
      expect(by.get('e1')!.problem).toMatchObject({ code: 'SSH_KEY_PASSPHRASE', params: { reason: 'wrong' } });
      expect(by.get('e2')!.problem!.message).toBe(by.get('e1')!.problem!.message); // folds together
      expect(by.get('t1')!.problem).toMatchObject({ code: 'SSH_AUTH_FAILED' });
      expect(by.get('m1')!.problem).toMatchObject({ code: 'CREDENTIAL_NOT_FOUND' });
      expect(by.get('none1')!.problem).toMatchObject({ code: 'EXEC_NO_SSH' });
      expect(by.get('a1')!.problem).toMatchObject({ code: 'SSH_AGENT_UNAVAILABLE' });
      expect(by.get('ghost1')!.problem).toMatchObject({ code: 'EXEC_NODE_UNKNOWN' });
      expect(reveals.count).toBe(5); // key, pw, enc, tok, missing: once each
      expect(JSON.stringify(r.map((x) => x.problem?.message))).not.toMatch(/pw-secret|wrong|PRIVATE/);
    } finally {
      if (saved !== undefined) process.env.SSH_AUTH_SOCK = saved;
    }
  });

  it('builds ProxyJump chains from node names (recursively) and [user@]host[:port], and refuses loops', () => {
    const nodes = [
      node('bastion', { host: '192.0.2.1', port: 2022, user: 'jump' }),
      node('inner', { host: '10.9.0.1', jumpHost: 'bastion' }),
      node('deep', { host: '10.9.0.2', jumpHost: 'inner' }),
      node('multi', { host: '10.9.0.3', jumpHost: 'ops@gw.example:2200,bastion' }),
      node('loop1', { jumpHost: 'loop2' }), node('loop2', { jumpHost: 'loop1' }),
      node('bad', { jumpHost: 'not a host!' }),
    ];
    const r = new Map(resolveTargets(deps(nodes, { count: 0 }), 'inner,deep,multi,loop1,bad').map((x) => [x.name, x]));
    const hops = (n: string) => r.get(n)!.ssh!.jumps!.map((h) => `${h.auth.username}@${h.host}:${h.port}`);
    expect(hops('inner')).toEqual(['jump@192.0.2.1:2022']);
    expect(hops('deep')).toEqual(['jump@192.0.2.1:2022', 'root@10.9.0.1:22']);
    expect(hops('multi')).toEqual(['ops@gw.example:2200', 'jump@192.0.2.1:2022']);
    expect(r.get('loop1')!.problem).toMatchObject({ code: 'EXEC_BAD_JUMP' });
    expect(r.get('bad')!.problem).toMatchObject({ code: 'EXEC_BAD_JUMP' });
  });

  it('folds identical results and names failures separately in the summary line', () => {
    const res = (name: string, status: ExecNodeResult['status'], exitCode: number | null, stdout = 'ok\n'): ExecNodeResult => ({
      name, status, exitCode, signal: null, stdout, stderr: '', truncated: false, elapsedMs: 1,
      error: status === 'unreachable' ? { code: 'SSH_UNREACHABLE', key: 'SSH_UNREACHABLE', params: {}, message: 'refused' } : null,
    });
    const results = [
      ...Array.from({ length: 96 }, (_, i) => res(`gpu${String(i + 1).padStart(3, '0')}`, 'ok', 0)),
      ...[97, 98, 99].map((i) => res(`gpu${String(i).padStart(3, '0')}`, 'failed', 1, 'bad\n')),
      res('gpu100', 'unreachable', null, ''),
    ];
    expect(foldResults(results).map((g) => `${g.nodes} ${g.count} ${g.status}`)).toEqual(['gpu[001-096] 96 ok', 'gpu[097-099] 3 failed', 'gpu100 1 unreachable']);
    expect(summaryLine(results, false)).toBe('96 ok; 3 failed (exit 1): gpu[097-099]; 1 unreachable: gpu100');
  });
});
