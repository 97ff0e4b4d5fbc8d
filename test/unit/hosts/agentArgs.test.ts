// The command lines the vault agent may run, read without commander (main/hosts/cli/agentArgs.ts):
// exactly what commander would pass to the power/sensors/sel actions, and nothing it would refuse
// or treat otherwise (those go to the full CLI, which answers as it always did).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentCommandLine } from '../../../main/hosts/cli/agentArgs';
import { AGENT_SOCKET_NAME, agentMayRun } from '../../../main/hosts/cli/agentClient';
import { AGENT_SOCKET } from '../../../main/services/vault/agentClient';
import { startVaultAgent } from '../../../main/services/vault/agent';
import { tempDir } from '../../support/tmp';

describe('agent command lines', () => {
  it('reads the forms people type, with commander\'s defaults', () => {
    expect(agentCommandLine(['--data-dir', '/d', 'power', 'status', '@gpu'])).toEqual({
      dataDir: '/d', json: false, command: { kind: 'power', action: 'status' },
      request: { op: 'power.run', input: { nodeset: '@gpu', action: 'status', options: { precheck: true } } },
    });
    const r = agentCommandLine(['power', '--json', 'on', 'n[1-4]']);
    expect(r).toBeUndefined(); // an option before the verb: commander's business
    const on = agentCommandLine(['--data-dir=/d', 'power', 'on', '--fanout=64', 'n[1-4]', '-y', '-t', '2s', '--retransmit', '250ms', '--stagger', '1.5s', '--retries', '0', '--no-precheck', '--json']);
    expect(on?.json).toBe(true);
    expect(on?.request.input).toEqual({ nodeset: 'n[1-4]', action: 'on', options: { fanout: 64, timeoutMs: 2000, retransmitMs: 250, staggerMs: 1500, retries: 0, precheck: false } });
    expect(agentCommandLine(['power', 'identify', 'n1', '--off', '--seconds', '9'])?.request.input).toMatchObject({ options: { identifySeconds: 0, identifyForce: false } });
    expect(agentCommandLine(['power', 'bootdev', 'n1', 'pxe', '--persistent', '--uefi'])?.request.input).toMatchObject({ options: { bootDevice: 'pxe', persistent: true, uefi: true } });
    expect(agentCommandLine(['sensors', 'n1', '-f', '8'])?.request).toEqual({ op: 'power.sensors', input: { nodeset: 'n1', options: { fanout: 8, precheck: true } } });
    expect(agentCommandLine(['sel', 'clear', 'n1', '--yes'])?.request).toEqual({ op: 'power.sel', input: { nodeset: 'n1', op: 'clear', options: { precheck: true } } });
  });

  it('leaves to the full CLI whatever it would refuse, confirm or read otherwise', () => {
    for (const argv of [
      ['power', 'off', 'n1'], // needs --yes: the CLI asks
      ['sel', 'clear', 'n1'],
      ['power', 'identify', 'n1', '--yes'], // identify has no --yes: commander says so
      ['sel', 'list', 'n1', '-y'],
      ['power', 'status', 'n1', '--fanout', 'lots'],
      ['power', 'status', 'n1', '-f64'],
      ['power', 'status', 'n1', '-yf', '4'],
      ['power', 'status', 'n1', '--json=yes'],
      ['power', 'status', 'n1', '--fanout'],
      ['power', 'status'],
      ['power', 'status', 'n1', 'n2'],
      ['power', 'status', 'n1', '--help'],
      ['power', 'status', 'n1', '--', '-x'],
      ['power', 'bootdev', 'n1', 'floppy'],
      ['power', 'trust', 'n1'],
      ['power', 'last'],
      ['sel', 'show', 'n1'],
      ['power', 'status', 'n1', '--data-dir', '/elsewhere'],
      ['nodes', 'list'],
      ['--help'],
    ]) expect(agentCommandLine(argv), argv.join(' ')).toBeUndefined();
  });

  it('asks the agent only when its socket exists for the data folder, unless CLUSTERDECK_IN_PROCESS=1', () => {
    expect(AGENT_SOCKET_NAME).toBe(AGENT_SOCKET);
    const t = tempDir();
    try {
      expect(agentMayRun(['--data-dir', t.dir, 'power', 'status', 'n1'], {})).toBe(false);
      fs.writeFileSync(path.join(t.dir, AGENT_SOCKET), '');
      expect(agentMayRun(['--data-dir', t.dir, 'power', 'status', 'n1'], {})).toBe(true);
      expect(agentMayRun(['--data-dir', t.dir, 'power', 'status', 'n1'], { CLUSTERDECK_IN_PROCESS: '1' })).toBe(false);
      expect(agentMayRun(['--data-dir', t.dir, 'nodes', 'list'], {})).toBe(false);
    } finally {
      t.cleanup();
    }
  });

  it('the agent refuses a data folder other users may write (they could put a socket of theirs in its place)', async () => {
    const t = tempDir();
    try {
      fs.chmodSync(t.dir, 0o777);
      const key = { salt: Buffer.alloc(16), params: { N: 2, r: 1, p: 1 }, key: Buffer.alloc(32) };
      await expect(startVaultAgent(t.dir, key, 1000)).rejects.toMatchObject({ code: 'VAULT_AGENT_FOLDER' });
      expect(fs.existsSync(path.join(t.dir, AGENT_SOCKET))).toBe(false);
    } finally {
      t.cleanup();
    }
  });
});
