// known_hosts reading, cross-checked with OpenSSH's own tools: ssh-keygen -H hashes the names,
// ssh-keygen -F finds them; our matcher must find the same keys.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnownHostsFile, entryMatches, fingerprint, judgeHostKey, parseKnownHosts } from '../../../main/protocols/ssh';
import { run, tempStateDir } from './helpers';

describe('known_hosts', () => {
  let dir: string;
  let keys: { line: string; blob: Buffer }[];

  beforeAll(async () => {
    dir = tempStateDir('kh');
    keys = [];
    for (const [i, t] of (['ed25519', 'ecdsa', 'rsa'] as const).entries()) {
      const f = path.join(dir, `k${i}`);
      await run('ssh-keygen', ['-q', '-t', t, ...(t === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-f', f]);
      const line = fs.readFileSync(`${f}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
      keys.push({ line, blob: Buffer.from(line.split(' ')[1], 'base64') });
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds plain, [host]:port, wildcard and negated entries as OpenSSH does', () => {
    expect(entryMatches('gpu001,10.0.0.1', 'gpu001', 22)).toBe(true);
    expect(entryMatches('gpu001', 'gpu001', 2222)).toBe(false);
    expect(entryMatches('[gpu001]:2222', 'gpu001', 2222)).toBe(true);
    expect(entryMatches('[gpu001]:2222', 'gpu001', 22)).toBe(false);
    expect(entryMatches('gpu*', 'gpu042', 22)).toBe(true);
    expect(entryMatches('gpu*,!gpu013', 'gpu013', 22)).toBe(false);
    expect(entryMatches('gpu0?', 'gpu07', 22)).toBe(true);
    expect(entryMatches('GPU001', 'gpu001', 22)).toBe(true);
  });

  it('reads hashed names written by ssh-keygen -H, the same ones ssh-keygen -F finds', async () => {
    const file = path.join(dir, 'known_hosts');
    fs.writeFileSync(file, [
      `gpu001 ${keys[0].line}`,
      `[127.0.0.1]:2222 ${keys[1].line}`,
      `# a comment`,
      ``,
      `login01,10.1.0.5 ${keys[2].line} with a comment`,
    ].join('\n') + '\n');
    await run('ssh-keygen', ['-H', '-f', file]);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain('gpu001');
    expect(text).toMatch(/^\|1\|/m);
    const kh = new KnownHostsFile(file);
    const cases: [string, number, Buffer][] = [['gpu001', 22, keys[0].blob], ['127.0.0.1', 2222, keys[1].blob], ['login01', 22, keys[2].blob], ['10.1.0.5', 22, keys[2].blob]];
    for (const [host, port, blob] of cases) {
      const found = kh.lookup(host, port);
      expect(found.map((k) => fingerprint(k.blob))).toEqual([fingerprint(blob)]);
      const name = port === 22 ? host : `[${host}]:${port}`;
      const { stdout } = await run('ssh-keygen', ['-F', name, '-f', file]);
      expect(stdout).toContain('found');
    }
    expect(kh.lookup('gpu002', 22)).toEqual([]);
    expect(kh.lookup('127.0.0.1', 22)).toEqual([]);
  });

  it('honours @revoked, skips @cert-authority and corrupt lines, and judges keys', () => {
    const entries = parseKnownHosts([
      `@revoked gpu* ${keys[0].line}`,
      `@cert-authority *.example ${keys[1].line}`,
      `gpu001 ssh-ed25519 ${keys[1].line.split(' ')[1]}`, // type and blob disagree: ignored
      `gpu001 ${keys[2].line}`,
    ].join('\n'));
    expect(entries.map((e) => e.marker)).toEqual(['@revoked', '@cert-authority', '']);
    const file = path.join(dir, 'kh2');
    fs.writeFileSync(file, [`@revoked gpu* ${keys[0].line}`, `gpu001 ${keys[2].line}`].join('\n'));
    const known = new KnownHostsFile(file).lookup('gpu001', 22);
    expect(judgeHostKey({ type: 'ssh-ed25519', blob: keys[0].blob }, known).status).toBe('revoked');
    expect(judgeHostKey({ type: 'ssh-rsa', blob: keys[2].blob }, known).status).toBe('known');
    const changed = judgeHostKey({ type: 'ssh-rsa', blob: Buffer.from(keys[2].blob).fill(1, 40, 41) }, known);
    expect(changed.status).toBe('changed');
    // A new key type for a host known under another type is treated as a change, not as new.
    expect(judgeHostKey({ type: 'ecdsa-sha2-nistp256', blob: keys[1].blob }, known).status).toBe('changed');
    expect(judgeHostKey({ type: 'ssh-ed25519', blob: keys[0].blob }, []).status).toBe('unknown');
  });
});
