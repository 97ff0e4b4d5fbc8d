import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRunning, probeBmcs, startBmcs, unboundOf, type BmcGroup } from '../../../main/lab';
import { ipmitool, ipmitoolArgs, removeDir, tempStateDir } from './helpers';

describe('lab: ipmi_sim BMCs', () => {
  let dir: string;
  let group: BmcGroup | undefined;

  beforeAll(async () => {
    dir = tempStateDir('bmcs');
    // Two per process: covers one process with several MCs and several processes.
    group = await startBmcs({ stateDir: dir, count: 3, bmcsPerProcess: 2, initialPower: 'off' });
  });

  afterAll(async () => {
    await group?.stop();
    removeDir(dir);
  });

  it('starts 3 BMCs on distinct loopback ports in 2 ipmi_sim processes plus one serial console process', () => {
    const g = group!;
    expect(g.bmcs.map((b) => b.name)).toEqual(['bmc001', 'bmc002', 'bmc003']);
    expect(new Set(g.bmcs.map((b) => b.port)).size).toBe(3);
    expect(g.bmcs.every((b) => b.host === '127.0.0.1' && b.user === 'admin' && b.password.length >= 12)).toBe(true);
    expect(g.pids.filter((p) => p.kind === 'ipmi_sim')).toHaveLength(2);
    expect(g.pids.filter((p) => p.kind === 'serial')).toHaveLength(1);
    expect(g.pids.every((p) => isRunning(p.pid))).toBe(true);
  });

  it('powers one BMC on and off over lanplus; readPower and chassis power status agree', async () => {
    const [a, b] = group!.bmcs;
    expect(await ipmitool(b, 'chassis', 'power', 'status')).toContain('Chassis Power is off');
    expect(await group!.readPower(b.name)).toBe('off');

    await ipmitool(b, 'chassis', 'power', 'on');
    expect(await group!.readPower(b.name)).toBe('on');
    expect(await ipmitool(b, 'chassis', 'power', 'status')).toContain('Chassis Power is on');
    // The neighbour in the same ipmi_sim process is untouched.
    expect(await group!.readPower(a.name)).toBe('off');
    expect(await ipmitool(a, 'chassis', 'power', 'status')).toContain('Chassis Power is off');

    await ipmitool(b, 'chassis', 'power', 'off');
    expect(await group!.readPower(b.name)).toBe('off');
    expect(await ipmitool(b, 'chassis', 'power', 'status')).toContain('Chassis Power is off');
  });

  it('takes a boot device through chassis control', async () => {
    const c = group!.bmcs[2];
    await ipmitool(c, 'chassis', 'bootdev', 'pxe');
    expect(await group!.readBootDevice(c.name)).toBe('pxe');
  });

  it('serves sensors from the SDR repository and a SEL', async () => {
    const c = group!.bmcs[2];
    const sdr = await ipmitool(c, 'sdr', 'list');
    expect(sdr).toMatch(/CPU Temp\s+\|\s+\d+ degrees C\s+\|\s+ok/);
    expect(sdr).toMatch(/Fan1\s+\|\s+\d+ RPM\s+\|\s+ok/);
    expect(sdr).toMatch(/12V\s+\|\s+1[12](\.\d+)? Volts\s+\|\s+ok/);
    expect(sdr).toMatch(/PSU1 Power\s+\|\s+\d+ Watts\s+\|\s+ok/);
    const sensors = await ipmitool(c, 'sensor', 'list');
    // Thresholds are readable: CPU Temp upper critical 85.
    expect(sensors).toMatch(/CPU Temp\s+\|[^\n]*85\.000/);
    const sel = await ipmitool(c, 'sel', 'list');
    const lines = sel.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(sel).toContain('Upper Non-critical going high');
    expect(sel).toContain('System Boot Initiated');
    // The SEL clock was set: real dates, not "Pre-Init".
    expect(sel).not.toContain('Pre-Init');
    const year = String(new Date().getUTCFullYear() % 100).padStart(2, '0');
    expect(lines.every((l) => l.includes(`/${year} |`) || l.includes(`/${year}`))).toBe(true);
  });

  it('rejects a wrong password', async () => {
    const a = group!.bmcs[0];
    await expect(ipmitool({ ...a, password: 'wrong-password' }, 'chassis', 'power', 'status')).rejects.toThrow();
  });

  it('answers the UDP probe on every port', async () => {
    const ports = group!.bmcs.map((b) => b.port);
    expect([...(await probeBmcs(ports))].sort()).toEqual([...ports].sort());
  });

  it('bridges Serial over LAN to the simulated console (ipmitool sol activate over pipes)', async () => {
    const b = group!.bmcs[1];
    // stdbuf: ipmitool's stdout is a pipe here and would otherwise be block-buffered until exit.
    const child = spawn('stdbuf', ['-o0', 'ipmitool', ...ipmitoolArgs(b), 'sol', 'activate'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    child.stderr.on('data', () => {});
    const waitFor = async (re: RegExp, ms: number) => {
      const until = Date.now() + ms;
      while (!re.test(out) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
      return re.test(out);
    };
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(/SOL Session operational/, 10_000);
      expect(out).toMatch(/SOL Session operational/);
      child.stdin.write('\r');
      await waitFor(/bmc002 login: /, 5_000);
      expect(out).toMatch(/bmc002 login: /);
      child.stdin.write('hello-sol\r');
      await waitFor(/hello-sol\r\necho: hello-sol\r\nbmc002 login: /, 5_000);
      expect(out).toMatch(/hello-sol\r\necho: hello-sol\r\nbmc002 login: /);
      child.stdin.write('\r~.');
      const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5_000))]);
      expect(code).toBe(0);
      expect(out).toContain('[terminated ipmitool]');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      // Free the payload in case the session did not end cleanly.
      await ipmitool(b, 'sol', 'deactivate').catch(() => undefined);
    }
  });

  it('stops: pids gone, UDP and serial ports free; a restart in the same folder keeps power state', async () => {
    const g = group!;
    await ipmitool(g.bmcs[2], 'chassis', 'power', 'on');
    const udp = g.bmcs.map((b) => b.port);
    const tcp = g.bmcs.map((b) => b.solPort!);
    await g.stop();
    expect(g.pids.filter((p) => isRunning(p.pid))).toEqual([]);
    expect(unboundOf('udp', udp)).toEqual(udp);
    expect(unboundOf('tcp', tcp)).toEqual(tcp);
    group = undefined;

    group = await startBmcs({ stateDir: dir, count: 3, bmcsPerProcess: 2, initialPower: 'off', sol: false });
    expect(group.pids.map((p) => p.kind)).toEqual(['ipmi_sim', 'ipmi_sim']);
    expect(await group.readPower('bmc003')).toBe('on');
    expect(await ipmitool(group.bmcs[2], 'chassis', 'power', 'status')).toContain('Chassis Power is on');
    expect(await ipmitool(group.bmcs[0], 'chassis', 'power', 'status')).toContain('Chassis Power is off');
  });
});

describe('lab: ipmi_sim on a UDP port that is taken', () => {
  it('fails with a clear error naming the port and the log, and leaves no process behind', async () => {
    const { createSocket } = await import('node:dgram');
    const dir = tempStateDir('busy');
    const holder = createSocket('udp4');
    await new Promise<void>((r) => holder.bind(0, '127.0.0.1', () => r()));
    const busy = holder.address().port;
    const free = (await import('../../../main/lab/ports')).pickFreePorts;
    const [other] = await free('udp', 1, [busy]);
    const before = new Set((await import('node:fs')).readdirSync('/proc').filter((d) => /^\d+$/.test(d)));
    try {
      const err = await startBmcs({ stateDir: dir, count: 2, ports: [other, busy], sol: false, timeoutMs: 5000 }).then(
        () => null,
        (e: Error) => e,
      );
      expect(err?.message).toMatch(new RegExp(`could not bind UDP ports ${busy} \\(in use\\); see .*ipmi_sim\\.log`));
      // Nothing we started is left: no new ipmi_sim with this state folder.
      const { readdirSync, readFileSync } = await import('node:fs');
      const leftovers = readdirSync('/proc')
        .filter((d) => /^\d+$/.test(d) && !before.has(d))
        .filter((d) => {
          try {
            return readFileSync(`/proc/${d}/cmdline`, 'latin1').includes(dir);
          } catch {
            return false;
          }
        });
      expect(leftovers).toEqual([]);
    } finally {
      holder.close();
      removeDir(dir);
    }
  });
});
