// `clusterdeck power|sensors|sel` as a user runs them (the built CLI), against lab BMCs, checked
// with ipmitool: folded output, exit codes, the --yes guard, JSON, trust on first use, Ctrl-C.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBmcs, type BmcGroup } from '../../../main/lab';
import { BIN, cli, csv } from '../../support/cli';
import { RedfishTestServer, TEST_PASSWORD, TEST_USER } from '../../support/redfish';
import { tempDir } from '../../support/tmp';
import { activeSessions, chassisEvents, ipmitool, removeDir, tempStateDir, until } from '../ipmi/helpers';
import { writeFile } from './helpers';

/** The CLI without blocking this process (the Redfish test server lives in it). */
function cliAsync(dataDir: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, '--data-dir', dataDir, ...args], { env: { ...process.env, CLUSTERDECK_PASSPHRASE: 'test-passphrase' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('clusterdeck power, sensors and sel (CLI)', { timeout: 90_000 }, () => {
  const t = tempDir('clusterdeck-power-cli-');
  const data = path.join(t.dir, 'data');
  let dir: string;
  let lab: BmcGroup;
  let rf: RedfishTestServer;
  const power = async (i: number) => (await ipmitool(lab.bmcs[i], 'chassis', 'power', 'status')).trim();

  beforeAll(async () => {
    dir = tempStateDir('power-cli');
    lab = await startBmcs({ stateDir: dir, count: 8, sol: false, initialPower: 'off' });
    rf = await RedfishTestServer.start();
    expect(cli(data, ['creds', 'add', 'bmc', '--kind', 'password', '--user', 'admin'], { input: lab.bmcs[0].password }).code).toBe(0);
    expect(cli(data, ['creds', 'add', 'bmc-wrong', '--kind', 'password', '--user', 'admin'], { input: 'Wr0ngPassw0rd' }).code).toBe(0);
    expect(cli(data, ['creds', 'add', 'rf', '--kind', 'password', '--user', TEST_USER], { input: TEST_PASSWORD }).code).toBe(0);
    const rows = ['name,hostname,groups,bmc_host,bmc_port,bmc_protocol,bmc_credential'];
    lab.bmcs.forEach((b, i) => rows.push(`gpu${i + 1},127.0.0.1,gpu,${b.host},${b.port},ipmi,bmc`));
    rows.push(`bad1,127.0.0.1,,127.0.0.1,${lab.bmcs[7].port},ipmi,bmc-wrong`);
    rows.push(`rf1,127.0.0.1,,${rf.host},${rf.port},redfish,rf`);
    const r = cli(data, ['nodes', 'import', writeFile(t.dir, 'nodes.csv', csv(rows)), '--create-missing']);
    expect(r.stderr).toBe('');
  }, 60_000);

  afterAll(async () => {
    await rf?.close();
    await lab?.stop();
    removeDir(dir);
    t.cleanup();
  });

  it('status folds identical results by node set, one line each, the summary on stderr', () => {
    const r = cli(data, ['power', 'status', '@gpu']);
    expect(r.stdout).toBe('gpu[1-8]: off\n');
    expect(r.stderr).toMatch(/^8 off \(\d+\.\d\d s\)\n$/);
    expect(r.code).toBe(0);
  });

  it('a destructive action without --yes refuses with exit 2, naming the count and the node set', async () => {
    for (const action of ['off', 'cycle', 'reset', 'soft']) {
      const r = cli(data, ['power', action, '@gpu']);
      expect(r.code, action).toBe(2);
      expect(r.stderr).toMatch(/This would .+ 8 node\(s\): gpu\[1-8\]\. Run again with --yes to confirm\./);
      expect(r.stdout).toBe('');
    }
    expect(cli(data, ['sel', 'clear', 'gpu[1-2]']).stderr).toMatch(/erase the event log of 2 node\(s\): gpu\[1-2\]/);
    expect(chassisEvents(lab.dir, lab.bmcs[0].name)).toEqual([]);
  });

  it('on, off, cycle, reset and soft reach the BMCs (ipmitool agrees)', async () => {
    expect(cli(data, ['power', 'on', 'gpu[1-4]']).stdout).toBe('gpu[1-4]: ok\n');
    expect(await power(0)).toBe('Chassis Power is on');
    const st = cli(data, ['power', 'status', '@gpu']);
    expect(st.stdout).toBe('gpu[1-4]: on\ngpu[5-8]: off\n');
    expect(st.stderr).toMatch(/^4 on, 4 off/);
    expect(cli(data, ['power', 'off', 'gpu[3-4]', '--yes']).code).toBe(0);
    expect(await power(3)).toBe('Chassis Power is off');
    expect(cli(data, ['power', 'cycle', 'gpu1', '-y']).stderr).toMatch(/^1 cycled/);
    expect(cli(data, ['power', 'reset', 'gpu1', '-y']).stderr).toMatch(/^1 reset/);
    expect(cli(data, ['power', 'soft', 'gpu2', '--yes']).stderr).toMatch(/^1 shutdown requested/);
    expect(chassisEvents(lab.dir, lab.bmcs[0].name)).toEqual(expect.arrayContaining(['power 1', 'reset']));
    expect(chassisEvents(lab.dir, lab.bmcs[1].name)).toContain('soft shutdown');
  });

  it('identify and bootdev, and a boot device it does not know is a usage error', async () => {
    expect(cli(data, ['power', 'identify', 'gpu5', '--seconds', '3']).code).toBe(0);
    expect(chassisEvents(lab.dir, lab.bmcs[4].name).some((l) => l.startsWith('identify'))).toBe(true);
    expect(cli(data, ['power', 'bootdev', 'gpu6', 'pxe', '--persistent']).stdout).toBe('gpu6: ok\n');
    expect(await ipmitool(lab.bmcs[5], 'chassis', 'bootparam', 'get', '5')).toMatch(/Force PXE/);
    const bad = cli(data, ['power', 'bootdev', 'gpu6', 'floppy']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown boot device "floppy": use pxe, disk or bios/);
  });

  it('exit code 1 when any node failed, the failure folded with a reason that names no host', () => {
    const r = cli(data, ['power', 'status', 'gpu[7-8],bad1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('gpu[7-8]: off\nbad1: failed: The BMC rejected the login of user admin: check the BMC password.\n');
    expect(r.stderr).toMatch(/^2 off, 1 failed: bad1/);
  });

  it('unknown nodes: exit 2 and nothing runs', () => {
    const r = cli(data, ['power', 'on', 'gpu1,ghost[1-3]']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ghost\[1-3\] are not in the inventory/);
  });

  it('--json: every node with its status, power and error, and the summary', () => {
    const r = cli(data, ['power', 'status', 'gpu[1-2],bad1', '--json', '--fanout', '2', '--timeout', '5s', '--retransmit', '250ms']);
    const out = JSON.parse(r.stdout);
    expect(out.action).toBe('status');
    expect(out.results.map((x: { name: string }) => x.name)).toEqual(expect.arrayContaining(['gpu1', 'gpu2', 'bad1']));
    expect(out.results.find((x: { name: string }) => x.name === 'bad1')).toMatchObject({ status: 'failed', power: null, error: { code: 'IPMI_AUTH_FAILED' } });
    expect(out.summary).toMatchObject({ total: 3, outcome: 'partial', failedNodeset: 'bad1' });
    const audit = JSON.parse(cli(data, ['audit', 'list', '--json', '--limit', '1']).stdout)[0];
    expect(audit).toMatchObject({ module: 'power', action: 'status', via: 'cli', result: 'partial' });
    expect(JSON.stringify(audit)).toMatch(/"fanout":2/);
    expect(JSON.stringify(audit)).not.toContain(lab.bmcs[0].password);
  });

  it('sensors and sel: clubak-style blocks; sel clear with --yes', () => {
    const s = cli(data, ['sensors', 'gpu[1-2]']);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/^-+\ngpu1 \(1\)\n-+\nCPU Temp +\| \d+/m);
    const j = JSON.parse(cli(data, ['sensors', 'gpu1', '--json']).stdout);
    expect(j.results[0].sensors.map((x: { name: string }) => x.name)).toEqual(['CPU Temp', 'Fan1', '12V', 'PSU1 Power']);
    const l = cli(data, ['sel', 'list', 'gpu[7-8]']);
    expect(l.stdout).toMatch(/^-+\ngpu\[7-8\] \(2\)\n-+\n +1 \| /);
    expect(l.stdout).toMatch(/Temperature #1 \| Upper Non-critical going high \| Asserted/);
    expect(cli(data, ['sel', 'clear', 'gpu8', '--yes']).stdout).toBe('gpu8: cleared\n');
  });

  it('power last lists the states the BMCs reported', () => {
    const r = JSON.parse(cli(data, ['power', 'last', 'gpu[1-8]', '--json']).stdout) as { name: string; state: string }[];
    expect(r.map((x) => x.name)).toEqual(['gpu1', 'gpu2', 'gpu3', 'gpu4', 'gpu5', 'gpu6', 'gpu7', 'gpu8']);
    expect(r.find((x) => x.name === 'gpu4')!.state).toBe('off');
  });

  it('power trust: shows the fingerprint, refuses to pin without --yes, pins with it', async () => {
    const before = await cliAsync(data, ['power', 'status', 'rf1']);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain(`rf1: failed: The BMC's certificate is not trusted yet (SHA-256 ${rf.fingerprint})`);
    const ask = await cliAsync(data, ['power', 'trust', 'rf1']);
    expect(ask.code).toBe(2);
    expect(ask.stdout).toContain(rf.fingerprint);
    expect(ask.stderr).toMatch(/Nothing pinned\. Compare the 1 fingerprint\(s\) with the BMCs, then run again with --yes/);
    const other = await cliAsync(data, ['power', 'trust', 'rf1', '--yes', '--fingerprint', 'AA'.repeat(32)]);
    expect(other.stdout).toContain('nothing to pin');
    const pin = await cliAsync(data, ['power', 'trust', 'rf1', '--yes', '--fingerprint', rf.fingerprint.replace(/:/g, '')]);
    expect(pin.stdout).toContain(`rf1: pinned ${rf.fingerprint}`);
    expect((await cliAsync(data, ['power', 'status', 'rf1'])).stdout).toBe('rf1: on\n');
  });

  it('Ctrl-C cancels the batch cleanly: cancelled nodes, exit 1, every session closed', { timeout: 30_000 }, async () => {
    const lastAudit = (): { id: number; finishedAt: string | null } => JSON.parse(cli(data, ['audit', 'list', '--json', '--limit', '1']).stdout)[0];
    const before = lastAudit().id;
    const child = spawn(process.execPath, [BIN, '--data-dir', data, 'power', 'status', '@gpu', '--fanout', '1', '--stagger', '400ms'], {
      env: { ...process.env, CLUSTERDECK_PASSPHRASE: 'test-passphrase' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // Once the batch runs (its audit entry is open; a fixed wait failed under load) and a few nodes answered.
    await until(() => {
      const a = lastAudit();
      return a.id > before && a.finishedAt === null;
    }, 20_000, 100);
    await new Promise((r) => setTimeout(r, 1000));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(stderr).toMatch(/cancelling: closing the BMC sessions/);
    expect(stderr).toMatch(/\d+ (on|off).*cancelled: gpu\[\d.*, cancelled\)/);
    expect(stdout).toMatch(/: cancelled: Cancelled/);
    for (let i = 0; i < 8; i++) expect(await activeSessions(lab.bmcs[i])).toBe(1);
    const audit = JSON.parse(cli(data, ['audit', 'list', '--json', '--limit', '1']).stdout)[0];
    expect(audit).toMatchObject({ module: 'power', action: 'status', result: 'cancelled' });
  });
});
