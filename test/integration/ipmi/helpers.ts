import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BmcPeer } from '../../../main/lab';

const execFileP = promisify(execFile);

export function tempStateDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `clusterdeck-ipmi-${tag}-`));
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** ipmitool as the independent cross-check; -E keeps the password off the command line. */
export async function ipmitool(bmc: Pick<BmcPeer, 'host' | 'port' | 'user' | 'password'>, ...args: string[]): Promise<string> {
  const { stdout } = await execFileP(
    'ipmitool',
    ['-I', 'lanplus', '-C', '3', '-N', '1', '-R', '3', '-H', bmc.host, '-p', String(bmc.port), '-U', bmc.user, '-E', ...args],
    { timeout: 20_000, env: { ...process.env, IPMI_PASSWORD: bmc.password } },
  );
  return stdout;
}

/** Sessions the BMC counts as active, ipmitool's own included (so 1 means: nothing leaked). */
export async function activeSessions(bmc: Pick<BmcPeer, 'host' | 'port' | 'user' | 'password'>): Promise<number> {
  const out = await ipmitool(bmc, 'session', 'info', 'active');
  const m = /active sessions\s*:\s*(\d+)/.exec(out);
  if (!m) throw new Error(`unexpected ipmitool session output: ${out}`);
  return Number(m[1]);
}

/** Lines the lab's chassis-control script logged for one BMC ("power 1", "reset", "identify 5", ...). */
export function chassisEvents(labDir: string, name: string): string[] {
  try {
    return readFileSync(join(labDir, 'chassis-events.log'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith(`${name} `))
      .map((l) => l.slice(name.length + 1));
  } catch {
    return [];
  }
}

export async function until(cond: () => Promise<boolean> | boolean, timeoutMs = 5000, stepMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
