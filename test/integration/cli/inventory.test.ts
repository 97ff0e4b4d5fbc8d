import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, csv } from '../../support/cli';
import { tempDir } from '../../support/tmp';

const HEADER = 'name,hostname,rack,u,groups,ssh_host,ssh_port,ssh_user,ssh_credential,bmc_host,bmc_port,bmc_protocol,bmc_credential';

describe('clusterdeck nodes/groups/racks (CLI)', () => {
  const t = tempDir();
  const data = path.join(t.dir, 'data');
  const file = (name: string, text: string) => { const p = path.join(t.dir, name); fs.writeFileSync(p, text); return p; };
  afterAll(() => t.cleanup());

  beforeAll(() => {
    expect(cli(data, ['racks', 'add', 'r01', '--height', '42']).code).toBe(0);
    expect(cli(data, ['groups', 'add', 'gpu']).code).toBe(0);
    expect(cli(data, ['groups', 'add', 'rack1']).code).toBe(0);
    const r = cli(data, ['creds', 'add', 'bmc-admin', '--kind', 'password', '--user', 'admin'], { input: 'bmc-secret-123\n' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('prints help and exits 0; a usage error exits 2 on stderr', () => {
    const help = cli(data, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: clusterdeck/);
    expect(help.stdout).toMatch(/nodes\b/);
    const bad = cli(data, ['nodes', 'frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown command/);
  });

  it('imports a CSV in one go and lists it as JSON', () => {
    const rows = [HEADER];
    for (let i = 1; i <= 8; i++) {
      const n = String(i).padStart(3, '0');
      rows.push(`gpu${n},10.0.0.${i},r01,${i * 2},gpu;rack1,10.0.0.${i},22,root,,10.1.0.${i},623,ipmi,bmc-admin`);
    }
    const r = cli(data, ['nodes', 'import', file('nodes.csv', csv(rows))]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/imported 8 node\(s\) \(8 new, 0 updated\)/);
    const list = JSON.parse(cli(data, ['nodes', 'list', '--json']).stdout);
    expect(list).toHaveLength(8);
    expect(list[0]).toMatchObject({ name: 'gpu001', hostname: '10.0.0.1', rack: 'r01', u: 2, groups: ['gpu', 'rack1'], bmc: { host: '10.1.0.1', port: 623, protocol: 'ipmi', credential: 'bmc-admin' } });
  });

  it('rejects a bad file whole, with one line per problem, and imports nothing', () => {
    const before = JSON.parse(cli(data, ['nodes', 'list', '--json']).stdout).length;
    const bad = csv([
      HEADER,
      'ok01,10.0.0.50,r01,30,gpu,,,,,,,,',
      'dup01,10.0.0.51,,,,,,,,,,,',
      'dup01,10.0.0.52,,,,,,,,,,,',
      'addr01,999.1.1.1,,,,,,,,,,,',
      'unit01,10.0.0.53,r01,2,,,,,,,,,',
      'grp01,10.0.0.54,,,nosuchgroup,,,,,,,,',
      'cred01,10.0.0.55,,,,,,,,10.1.0.55,623,ipmi,nosuchcred',
      'proto01,10.0.0.56,,,,,,,,10.1.0.56,623,snmp,',
      'port01,10.0.0.57,,,,10.0.0.57,70000,root,,,,,',
    ]);
    const r = cli(data, ['nodes', 'import', file('bad.csv', bad)]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    const problem = (line: number, text: RegExp) => expect(lines.some((l) => l.includes(`bad.csv:${line}:`) && text.test(l)), `line ${line} ${text}\n${r.stderr}`).toBe(true);
    problem(4, /duplicate name dup01 \(also on line 3\)/);
    problem(5, /hostname: is not a valid hostname or IP address/);
    problem(6, /u: rack r01 U2 is already taken by gpu001/);
    problem(7, /unknown group nosuchgroup/);
    problem(8, /unknown credential nosuchcred/);
    problem(9, /bmc_protocol/);
    problem(10, /ssh_port/);
    expect(r.stderr).toMatch(/nothing was imported/);
    expect(JSON.parse(cli(data, ['nodes', 'list', '--json']).stdout)).toHaveLength(before);
  });

  it('reports a file that lacks required columns', () => {
    const r = cli(data, ['nodes', 'import', file('cols.csv', 'name,rack\nx,r01\n')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cols\.csv:1: hostname: missing column\(s\) hostname/);
  });

  it('round-trips CSV and YAML exports exactly', () => {
    const csvOut = cli(data, ['nodes', 'export', '--format', 'csv']).stdout;
    const yamlOut = cli(data, ['nodes', 'export', '--format', 'yaml']).stdout;
    const other = path.join(t.dir, 'other');
    for (const [name, text] of [['rt.csv', csvOut], ['rt.yaml', yamlOut]] as const) {
      const dir = `${other}-${name}`;
      cli(dir, ['creds', 'add', 'bmc-admin', '--kind', 'password'], { input: 'x' });
      const r = cli(dir, ['nodes', 'import', '--create-missing', file(name, text)]);
      expect(r.stderr).toBe('');
      expect(cli(dir, ['nodes', 'export', '--format', 'csv']).stdout).toBe(csvOut);
    }
  });

  it('expands node sets against inventory groups like ClusterShell', () => {
    expect(cli(data, ['nodeset', '-f', '@gpu']).stdout.trim()).toBe('gpu[001-008]');
    expect(cli(data, ['nodeset', '-c', '@gpu!gpu[002-003]']).stdout.trim()).toBe('6');
    expect(cli(data, ['nodeset', '-e', '@rack:r01&gpu[007-009]']).stdout.trim()).toBe('gpu007 gpu008');
    const bad = cli(data, ['nodeset', '-f', '@missing']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/missing/);
    const range = cli(data, ['nodeset', '-e', 'gpu[10-1]']);
    expect(range.code).toBe(2);
  });

  it('changes group members with node sets and removes nodes only with --yes', () => {
    expect(cli(data, ['groups', 'members', 'rack1', '--set', 'gpu[001-004]', '--fold']).stdout.trim()).toBe('gpu[001-004]');
    const rm = cli(data, ['nodes', 'rm', 'gpu[007-008]']);
    expect(rm.code).toBe(2);
    expect(rm.stderr).toMatch(/removes 2 node\(s\): gpu\[007-008\].*--yes/);
    expect(cli(data, ['nodes', 'rm', 'gpu[007-008]', '--yes']).stdout).toMatch(/removed 2/);
    const missing = cli(data, ['nodes', 'rm', 'gpu[100-101]', '--yes']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/not in the inventory: gpu\[100-101\]/);
  });

  it('records every change in the audit log, without secrets', () => {
    const r = cli(data, ['audit', 'list', '--json', '--limit', '1000']);
    const entries = JSON.parse(r.stdout) as { module: string; action: string; result: string; actor: string; via: string }[];
    expect(entries.some((e) => e.module === 'inventory' && e.action === 'import' && e.result === 'ok')).toBe(true);
    expect(entries.some((e) => e.module === 'inventory' && e.action === 'import' && e.result === 'failed')).toBe(true);
    expect(entries.some((e) => e.module === 'vault' && e.action === 'create')).toBe(true);
    expect(entries.every((e) => e.via === 'cli' && e.actor.length > 0)).toBe(true);
    expect(r.stdout).not.toContain('bmc-secret-123');
  });

  it('prints a listing of several megabytes whole into a pipe (it does not exit before stdout drains)', () => {
    const big = tempDir();
    try {
      const rows = ['name,hostname,labels'];
      for (let i = 1; i <= 4000; i++) rows.push(`big${String(i).padStart(4, '0')},10.9.${i >> 8}.${i & 255},a=${'x'.repeat(200)};b=${'y'.repeat(200)}`);
      const bigData = path.join(big.dir, 'data');
      expect(cli(bigData, ['nodes', 'import', file('big.csv', csv(rows))]).code).toBe(0);
      const r = cli(bigData, ['nodes', 'list', '--json'], { spawn: { maxBuffer: 256 * 2 ** 20 } });
      expect(r.stdout.length).toBeGreaterThan(1_000_000);
      expect((JSON.parse(r.stdout) as unknown[]).length).toBe(4000);
    } finally {
      big.cleanup();
    }
  });

  it('backs the database up to a file that opens on its own', () => {
    const target = path.join(t.dir, 'backup.db');
    expect(cli(data, ['db', 'backup', target]).code).toBe(0);
    const copy = path.join(t.dir, 'restored');
    fs.mkdirSync(copy);
    fs.copyFileSync(target, path.join(copy, 'clusterdeck.db'));
    expect(JSON.parse(cli(copy, ['nodes', 'list', '--json']).stdout).length).toBeGreaterThan(0);
    expect(cli(data, ['db', 'backup', target]).code).toBe(2);
  });
});
