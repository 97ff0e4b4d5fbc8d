// Serial over LAN against lab BMCs (ipmi_sim bridged to the lab's simulated serial consoles).
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBmcs, type BmcGroup, type BmcPeer } from '../../../main/lab';
import { IpmiEndpointPool } from '../../../main/protocols/ipmi';
import { openSol, type SolConsole, type OpenSolOptions } from '../../../main/protocols/ipmi/sol';
import { AppError } from '../../../shared/errors';
import { ipmitool, ipmitoolArgs, removeDir, tempStateDir } from '../lab/helpers';

interface Opened {
  sol: SolConsole;
  output: () => string;
  waitFor: (re: RegExp, ms?: number) => Promise<string>;
}

const endpoint = (b: BmcPeer) => ({ host: b.host, port: b.port, user: b.user, password: b.password });

/** Waits for the console output to match; fails with the output so far (no timing is asserted). */
function watch(sol: SolConsole): Opened {
  let out = '';
  sol.onData((d) => (out += d.toString('latin1')));
  return {
    sol,
    output: () => out,
    waitFor: async (re, ms = 10_000) => {
      const until = Date.now() + ms;
      while (!re.test(out) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(out).toMatch(re);
      return out;
    },
  };
}

describe('SOL over RMCP+ against lab BMCs', () => {
  let dir: string;
  let noSolDir: string;
  let bmcs: BmcGroup | undefined;
  let noSol: BmcGroup | undefined;
  const pool = new IpmiEndpointPool();
  const open = async (b: BmcPeer, o?: OpenSolOptions) => watch(await openSol(pool, endpoint(b), o));

  beforeAll(async () => {
    dir = tempStateDir('sol');
    noSolDir = tempStateDir('nosol');
    [bmcs, noSol] = await Promise.all([
      startBmcs({ stateDir: dir, count: 2, sol: true }),
      startBmcs({ stateDir: noSolDir, count: 1, sol: false, namePrefix: 'nosol' }),
    ]);
  });

  afterAll(async () => {
    await pool.close();
    await Promise.all([bmcs?.stop(), noSol?.stop()]);
    removeDir(dir);
    removeDir(noSolDir);
  });

  it('shows the login prompt and echoes a typed line', async () => {
    const c = await open(bmcs!.bmcs[0]);
    try {
      c.sol.write('\r');
      await c.waitFor(/bmc001 login: $/);
      c.sol.write('hello-sol\r');
      await c.waitFor(/hello-sol\r\necho: hello-sol\r\nbmc001 login: $/);
    } finally {
      await c.sol.close();
    }
  });

  it('carries long lines and bursts of lines both ways, in order and complete', async () => {
    const c = await open(bmcs!.bmcs[0]);
    try {
      // The simulated console echoes each character and then the whole line: ~8 KB back for a 4000-character line.
      const long = Array.from({ length: 4000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
      c.sol.write(long + '\r');
      await c.waitFor(new RegExp(`${long}\\r\\necho: ${long}\\r\\nbmc001 login: $`), 20_000);
      const lines = Array.from({ length: 60 }, (_, i) => `line-${String(i).padStart(3, '0')}`);
      c.sol.write(lines.map((l) => l + '\r').join(''));
      const out = await c.waitFor(/echo: line-059\r\nbmc001 login: $/, 20_000);
      const echoed = [...out.matchAll(/echo: (line-\d{3})\r\n/g)].map((m) => m[1]);
      expect(echoed).toEqual(lines);
    } finally {
      await c.sol.close();
    }
  });

  it('sends a break and the console keeps working', async () => {
    const c = await open(bmcs!.bmcs[1]);
    try {
      c.sol.write('\r');
      await c.waitFor(/bmc002 login: $/);
      c.sol.sendBreak();
      c.sol.write('after-break\r');
      // ipmi_sim passes the break to its tcp: serial backend as a telnet BREAK (IAC BRK, ff f3); the
      // simulated console takes those as two latin1 characters of the line and echoes them in UTF-8.
      await c.waitFor(/echo: \xc3\xbf\xc3\xb3after-break\r\nbmc002 login: $/);
      expect(c.sol.isOpen).toBe(true);
    } finally {
      await c.sol.close();
    }
  });

  it('close deactivates: a second activation right after succeeds, and ipmitool finds the payload free', async () => {
    const b = bmcs!.bmcs[1];
    for (let i = 0; i < 4; i++) {
      const c = await open(b);
      try {
        c.sol.write(`round-${i}\r`);
        await c.waitFor(new RegExp(`echo: round-${i}\\r\\n`));
      } finally {
        await c.sol.close();
      }
      expect(c.sol.isOpen).toBe(false);
    }
    // Deactivate Payload on a free payload answers 0x80 "already deactivated": ipmitool says so.
    const info = await ipmitool(b, 'sol', 'deactivate').then(
      (out) => out,
      (e: { stderr?: string }) => e.stderr ?? '',
    );
    expect(info).toMatch(/already de-?activated/i);
  });

  it('a payload active in another session gives SOL_BUSY with the advice to deactivate', async () => {
    const b = bmcs!.bmcs[0];
    const first = await open(b);
    try {
      const err = await openSol(pool, endpoint(b)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(AppError.is(err) && err.code).toBe('SOL_BUSY');
      expect((err as AppError).message).toMatch(/deactivate/);
      first.sol.write('still-mine\r');
      await first.waitFor(/echo: still-mine\r\n/);
    } finally {
      await first.sol.close();
    }
    const again = await open(b);
    await again.sol.close();
  });

  it('a BMC without SOL gives SOL_UNSUPPORTED and the other console keeps working', async () => {
    const c = await open(bmcs!.bmcs[1]);
    try {
      const err = await openSol(pool, endpoint(noSol!.bmcs[0])).then(
        () => null,
        (e: unknown) => e,
      );
      expect(AppError.is(err) && err.code).toBe('SOL_UNSUPPORTED');
      expect((err as AppError).message).toMatch(/does not offer Serial over LAN/);
      c.sol.write('after-unsupported\r');
      await c.waitFor(/echo: after-unsupported\r\nbmc002 login: $/);
    } finally {
      await c.sol.close();
    }
  });

  it('stays usable across keepalives while idle (Get Payload Activation Status)', async () => {
    const c = await open(bmcs!.bmcs[0], { keepaliveMs: 100 });
    try {
      await new Promise((r) => setTimeout(r, 700)); // several keepalives go by
      expect(c.sol.isOpen).toBe(true);
      c.sol.write('idle-then-typed\r');
      await c.waitFor(/echo: idle-then-typed\r\n/);
    } finally {
      await c.sol.close();
    }
  });

  it('cancelling through the signal deactivates too, and the end is reported once', async () => {
    const b = bmcs!.bmcs[1];
    const ac = new AbortController();
    const c = await open(b, { signal: ac.signal });
    const ends: string[] = [];
    c.sol.onEnd((e) => ends.push(e.reason));
    ac.abort();
    await c.sol.close();
    expect(ends).toEqual(['cancelled']);
    const next = await open(b);
    await next.sol.close();
  });

  it('cross-check with ipmitool: each side sees the other as busy, and our console ends when ipmitool deactivates it', async () => {
    const b = bmcs!.bmcs[0];
    // stdbuf: ipmitool's stdout is a pipe here and would otherwise be block-buffered until exit.
    const child = spawn('stdbuf', ['-o0', 'ipmitool', ...ipmitoolArgs(b), 'sol', 'activate'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    child.stderr.on('data', () => {});
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      const until = Date.now() + 10_000;
      while (!/SOL Session operational/.test(out) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
      expect(out).toMatch(/SOL Session operational/);
      const err = await openSol(pool, endpoint(b)).then(() => null, (e: unknown) => e);
      expect(AppError.is(err) && err.code).toBe('SOL_BUSY');
      child.stdin.write('\r~.');
      await exited;
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }

    const c = await open(b, { keepaliveMs: 200 });
    const ended = new Promise<string>((resolve) => c.sol.onEnd((e) => resolve(e.reason)));
    const theirs = await ipmitool(b, 'sol', 'activate').then((o) => o, (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`);
    expect(theirs).toMatch(/already active/i);
    await ipmitool(b, 'sol', 'deactivate');
    expect(await ended).toMatch(/deactivated on the BMC/);
    expect(c.sol.isOpen).toBe(false);
  });
});
