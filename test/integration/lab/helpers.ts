import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BmcPeer } from '../../../main/lab';

const execFileP = promisify(execFile);

export function tempStateDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `clusterdeck-lab-${tag}-`));
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

export function ipmitoolArgs(bmc: BmcPeer): string[] {
  // -C 3: without it ipmitool's cipher-suite discovery fails against ipmi_sim and waits 10 s.
  return ['-I', 'lanplus', '-C', '3', '-N', '1', '-R', '2', '-H', bmc.host, '-p', String(bmc.port), '-U', bmc.user, '-P', bmc.password];
}

export async function ipmitool(bmc: BmcPeer, ...args: string[]): Promise<string> {
  const { stdout } = await execFileP('ipmitool', [...ipmitoolArgs(bmc), ...args], { timeout: 20_000 });
  return stdout;
}

export async function run(file: string, args: string[], timeout = 20_000): Promise<{ stdout: string; stderr: string }> {
  return execFileP(file, args, { timeout });
}

export function sshArgs(s: { port: number; privateKeyPath: string }, knownHosts: string): string[] {
  return [
    '-i', s.privateKeyPath,
    '-p', String(s.port),
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${knownHosts}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'IdentitiesOnly=yes',
    '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=10',
    '-o', 'LogLevel=ERROR',
  ];
}
