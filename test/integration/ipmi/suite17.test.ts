// Cipher suite 17 (RAKP-HMAC-SHA256, HMAC-SHA256-128, AES-CBC-128). ipmi_sim does not implement it,
// so the peer is the test's FakeBmc; ipmitool -C 17 against the same FakeBmc is the independent
// check that the SHA-256 key exchange, integrity and encryption are the real thing.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IpmiEndpointPool, withIpmiSession } from '../../../main/protocols/ipmi';
import { FakeBmc } from './fakeBmc';

const execFileP = promisify(execFile);

describe('cipher suite 17 against an RMCP+ BMC that speaks it', () => {
  let bmc: FakeBmc;
  let pool: IpmiEndpointPool;
  const ep = () => ({ host: '127.0.0.1', port: bmc.port, user: 'admin', password: 'secret', cipherSuite: 17 as const });
  const ipmitool = async (suite: string, ...args: string[]) =>
    (
      await execFileP('ipmitool', ['-I', 'lanplus', '-C', suite, '-N', '1', '-R', '2', '-H', '127.0.0.1', '-p', String(bmc.port), '-U', 'admin', '-E', ...args], {
        timeout: 20_000,
        env: { ...process.env, IPMI_PASSWORD: 'secret' },
      })
    ).stdout;

  beforeAll(async () => {
    bmc = await FakeBmc.start({ users: { admin: 'secret' }, suites: [3, 17] });
    pool = new IpmiEndpointPool();
  });

  afterAll(async () => {
    await pool?.close();
    await bmc?.close();
  });

  it('ipmitool -C 17 works against the FakeBmc (so its SHA-256 RMCP+ is interoperable)', async () => {
    expect(await ipmitool('17', 'chassis', 'power', 'status')).toContain('Chassis Power is off');
    await ipmitool('17', 'chassis', 'power', 'on');
    expect(bmc.powerOn).toBe(true);
    expect(bmc.openSessions).toBe(0);
  });

  it('our client opens a suite 17 session, runs commands and closes it', async () => {
    const from = bmc.commands.length;
    const r = await withIpmiSession(pool, ep(), async (s) => {
      expect(s.suite.id).toBe(17);
      const before = await s.chassisStatus();
      await s.chassisControl('power-down');
      return { before, dev: await s.deviceId(), after: await s.chassisStatus() };
    });
    expect(r.before.powerOn).toBe(true);
    expect(r.after.powerOn).toBe(false);
    // Set Session Privilege, Get Chassis Status, Chassis Control, Get Device ID, Get Chassis Status, Close Session
    expect(bmc.commands.slice(from)).toEqual(['6/3b', '0/1', '0/2', '6/1', '0/1', '6/3c']);
    expect(r.dev).toMatchObject({ deviceId: 0x20, manufacturerId: 0x0157, productId: 0x1234, ipmiVersion: '2.0' });
    expect(await ipmitool('17', 'chassis', 'power', 'status')).toContain('Chassis Power is off');
    expect(bmc.openSessions).toBe(0);
  });

  it('suite 3 against the same BMC still works', async () => {
    expect((await withIpmiSession(pool, { ...ep(), cipherSuite: 3 }, (s) => s.chassisStatus())).powerOn).toBe(false);
    expect(bmc.openSessions).toBe(0);
  });

  it('wrong password and unknown user with suite 17', async () => {
    await expect(withIpmiSession(pool, { ...ep(), password: 'nope' }, (s) => s.chassisStatus())).rejects.toMatchObject({ code: 'IPMI_AUTH_FAILED' });
    await expect(withIpmiSession(pool, { ...ep(), user: 'ghost' }, (s) => s.chassisStatus())).rejects.toMatchObject({ code: 'IPMI_UNKNOWN_USER' });
    await new Promise((r) => setTimeout(r, 50));
    expect(bmc.openSessions).toBe(0); // the RAKP 3 with an error status dropped the half-open session
  });
});
