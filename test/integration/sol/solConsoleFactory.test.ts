// The `sol` console kind: node name -> BMC endpoint and credential -> SOL ByteSession, against lab BMCs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBmcs, type BmcGroup } from '../../../main/lab';
import { solConsoleFactory } from '../../../main/services/consoles/solConsole';
import type { ResolveDeps } from '../../../main/services/power/targets';
import type { ByteSession } from '../../../main/services/streams/byteSession';
import { AppError } from '../../../shared/errors';
import { removeDir, tempStateDir } from '../lab/helpers';

describe('sol console kind (SessionFactory) against lab BMCs', () => {
  let dir: string;
  let noSolDir: string;
  let bmcs: BmcGroup | undefined;
  let noSol: BmcGroup | undefined;
  let factory: ReturnType<typeof solConsoleFactory>;
  const open = (target: string) => factory({ target, cols: 80, rows: 24, signal: new AbortController().signal });

  beforeAll(async () => {
    dir = tempStateDir('solkind');
    noSolDir = tempStateDir('solkind-nosol');
    [bmcs, noSol] = await Promise.all([
      startBmcs({ stateDir: dir, count: 1, sol: true }),
      startBmcs({ stateDir: noSolDir, count: 1, sol: false, namePrefix: 'nosol' }),
    ]);
    const [a] = bmcs.bmcs;
    const [b] = noSol.bmcs;
    const nodes = [
      { name: 'n1', bmc: { host: a.host, port: a.port, protocol: 'ipmi', credential: 'bmc-a' } },
      { name: 'n2', bmc: { host: b.host, port: b.port, protocol: 'ipmi', credential: 'bmc-b' } },
      { name: 'n3', bmc: { host: '127.0.0.1', port: 443, protocol: 'redfish', credential: 'bmc-a' } },
      { name: 'n4', bmc: null },
    ];
    const creds: Record<string, { user: string; password: string }> = { 'bmc-a': a, 'bmc-b': b };
    const deps: ResolveDeps = {
      inventory: {
        expandNodeSet: (expr: string) => expr.split(','),
        listNodes: () => ({ items: nodes, total: nodes.length }),
      } as unknown as ResolveDeps['inventory'],
      reveal: (name) => ({ name, kind: 'password', username: creds[name].user, secret: creds[name].password, passphrase: null }),
    };
    factory = solConsoleFactory(deps);
  });

  afterAll(async () => {
    await Promise.all([bmcs?.stop(), noSol?.stop()]);
    removeDir(dir);
    removeDir(noSolDir);
  });

  const watch = (s: ByteSession) => {
    let out = '';
    s.onData((d) => (out += d.toString('latin1')));
    const waitFor = async (re: RegExp) => {
      const until = Date.now() + 10_000;
      while (!re.test(out) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(out).toMatch(re);
    };
    return Object.assign(waitFor, { output: () => out });
  };

  it('opens a node\'s SOL console; a BMC without SOL, a Redfish BMC and no BMC fail clearly; the open console keeps working', async () => {
    const s = await open('n1');
    const waitFor = watch(s);
    const exits: string[] = [];
    s.onExit((e) => exits.push(e.reason));
    try {
      s.write(Buffer.from('\r'));
      await waitFor(/bmc001 login: $/);
      for (const [target, code] of [
        ['n2', 'SOL_UNSUPPORTED'],
        ['n3', 'SOL_UNSUPPORTED'],
        ['n4', 'POWER_NO_BMC'],
        ['n1,n2', 'CONSOLE_ONE_NODE'],
      ]) {
        const err = await open(target).then(() => null, (e: unknown) => e);
        expect(AppError.is(err) && err.code, target).toBe(code);
      }
      s.write(Buffer.from('still-here\r'));
      await waitFor(/echo: still-here\r\nbmc001 login: $/);
    } finally {
      s.close();
    }
    await new Promise<void>((r) => s.onExit(() => r()));
    expect(exits).toEqual(['closed']);
    // Closed means deactivated: the next console opens at once.
    const again = await open('n1');
    again.close();
    await new Promise<void>((r) => again.onExit(() => r()));
  });

  it('"~B" at the start of a line sends a break; "~~" types one "~"; pause holds output until resume', async () => {
    const s = await open('n1');
    const waitFor = watch(s);
    try {
      s.write(Buffer.from('~B'));
      s.write(Buffer.from('x\r'));
      // ipmi_sim's tcp: backend turns the break into telnet IAC BRK (ff f3), echoed in UTF-8 by the lab console.
      await waitFor(/echo: \xc3\xbf\xc3\xb3x\r\nbmc001 login: $/);
      s.write(Buffer.from('~~y\r'));
      await waitFor(/echo: ~y\r\nbmc001 login: $/);
      s.pause();
      s.write(Buffer.from('held\r'));
      await new Promise((r) => setTimeout(r, 300)); // the echo arrives meanwhile and is held
      expect(waitFor.output()).not.toMatch(/held/);
      s.resume();
      await waitFor(/echo: held\r\nbmc001 login: $/);
    } finally {
      s.close();
    }
  });
});
