// The POSIX launcher resources/bin/clusterdeck (package.json "bin") and the thin clients it runs,
// resources/bin/agentClient.pl where Perl is installed, else (or with CLUSTERDECK_AGENT_CLIENT=node)
// out/main/agentClient.js; every test below runs both: power/sensors/sel go to a thin client exactly when the data folder (found
// as resolveDataDir finds it: the full CLI's `agent status --json` is the oracle here) holds this
// user's agent socket; every argument arrives intact, in the agent's request and in the full CLI the
// client runs when the agent leaves a command to it; NODE_EXTRA_CA_CERTS is off for the client and
// back for that full CLI. The agent here is a stand-in on a real unix socket that records requests
// (./power/agent.test.ts runs the real one against lab BMCs). Which script each Node process ran
// comes from a --require hook that logs process.argv and the two variables.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, tempDir } from '../../support/tmp';
import { spawnCollected, type CliResult } from '../../support/cli';

const LAUNCHER = path.join(REPO, 'resources', 'bin', 'clusterdeck');
const CJS = path.join(REPO, 'resources', 'bin', 'clusterdeck.cjs');
const CLIENT = path.join(REPO, 'out', 'main', 'agentClient.js');

/** The two thin clients; `thin` is the Node process the thin path starts (Perl's starts none). */
const CLIENTS = [
  { name: 'perl', env: {}, thin: [] as string[] },
  { name: 'node', env: { CLUSTERDECK_AGENT_CLIENT: 'node' }, thin: [CLIENT] },
] as const;

interface Logged { main: string; argv: string[]; ca: string | null; saved: string | null }

/**
 * A stand-in agent: records each JSON request line and answers it with `answer(request)`'s frames.
 * The full CLI's `key` question (main/services/vault/agentClient.ts) gets no key: it hangs up.
 */
async function fakeAgent(socketPath: string, answer: (request: Record<string, unknown>) => object[]) {
  const requests: Record<string, unknown>[] = [];
  const server = net.createServer((s) => {
    let buf = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const line = buf.slice(0, nl);
      buf = '';
      if (!line.startsWith('{')) return void s.destroy();
      const request = JSON.parse(line) as Record<string, unknown>;
      requests.push(request);
      s.end(answer(request).map((f) => `${JSON.stringify(f)}\n`).join(''));
    });
    s.on('error', () => undefined);
  });
  fs.mkdirSync(path.dirname(socketPath), { recursive: true });
  await new Promise<void>((r) => server.listen(socketPath, () => r()));
  fs.chmodSync(socketPath, 0o600);
  return { requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const printsThin = () => [{ type: 'accepted' }, { type: 'stdout', text: 'from the agent\n' }, { type: 'stderr', text: '1 on (0.00 s)\n' }, { type: 'exit', code: 0 }];
const fallback = () => [{ type: 'error', error: { code: 'AGENT_FALLBACK', key: 'AGENT_FALLBACK', params: {}, message: 'run it yourself' } }];

describe('the clusterdeck launcher and the thin client (built CLI)', { timeout: 120_000 }, () => {
  const t = tempDir('cd-launch-');
  const hook = path.join(t.dir, 'hook.cjs');
  const log = path.join(t.dir, 'log.jsonl');
  const home = path.join(t.dir, 'home');
  const cwd = path.join(t.dir, 'cwd');

  /** A command with a clean environment (PATH, HOME, the hook, and `env`), without blocking this process (the stand-in agent answers from it). */
  function run(cmd: string, args: string[], env: Record<string, string | undefined> = {}, dir = cwd): Promise<CliResult> {
    const base: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: home, NODE_OPTIONS: `--require ${hook}`, THIN_LOG: log, CLUSTERDECK_PASSPHRASE: 'x', ...env };
    const clean = Object.fromEntries(Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined));
    return spawnCollected(cmd, args, { cwd: dir, env: clean });
  }
  /** The Node processes the last command started, in order. */
  function logged(): Logged[] {
    if (!fs.existsSync(log)) return [];
    const rows = fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Logged);
    fs.rmSync(log);
    return rows;
  }

  beforeAll(() => {
    if (!fs.existsSync(CLIENT)) throw new Error('run `npm run build` before the CLI tests');
    fs.writeFileSync(hook, [
      "require('node:fs').appendFileSync(process.env.THIN_LOG, JSON.stringify({ main: process.argv[1], argv: process.argv.slice(2),",
      '  ca: process.env.NODE_EXTRA_CA_CERTS ?? null, saved: process.env.CLUSTERDECK_SAVED_NODE_EXTRA_CA_CERTS ?? null }) + "\\n");',
    ].join('\n'));
    fs.mkdirSync(home, { recursive: true });
    fs.mkdirSync(cwd, { recursive: true });
  });
  afterAll(() => t.cleanup());

  it('the built thin client requires node: built-ins only, and cli.js uses that same file', () => {
    const code = fs.readFileSync(CLIENT, 'utf8');
    const required = [...code.matchAll(/\brequire\(([^)]*)\)/g)].map((m) => m[1]);
    expect(required.length).toBeGreaterThan(0);
    for (const r of required) expect(r, 'a require in agentClient.js').toMatch(/^"node:[a-z_]+"$/);
    expect(code).not.toMatch(/\bimport\(/);
    expect(fs.readFileSync(path.join(REPO, 'out', 'main', 'cli.js'), 'utf8')).toContain('require("./agentClient.js")');
    expect(fs.statSync(LAUNCHER).mode & 0o111).toBe(0o111);
    expect((JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin.clusterdeck).toBe('resources/bin/clusterdeck');
  });

  it('finds the agent socket exactly where resolveDataDir puts the data folder', async () => {
    const odd = path.join(t.dir, `d'q"*?[x] $y`);
    const cases: { args: string[]; env?: Record<string, string | undefined> }[] = [
      { args: ['--data-dir', path.join(t.dir, 'abs')] },
      { args: [`--data-dir=${path.join(t.dir, 'eq')}`] },
      { args: ['--data-dir', 'rel dir'] },
      { args: ['--data-dir', odd] },
      { args: [], env: { CLUSTERDECK_DATA_DIR: path.join(t.dir, 'env') } },
      { args: [], env: { CLUSTERDECK_DATA_DIR: 'env rel' } },
      { args: ['--data-dir', path.join(t.dir, 'flag')], env: { CLUSTERDECK_DATA_DIR: path.join(t.dir, 'env') } },
      { args: ['--data-dir', ''], env: { CLUSTERDECK_DATA_DIR: path.join(t.dir, 'env2') } },
      { args: [], env: { XDG_CONFIG_HOME: path.join(t.dir, 'xdg') } },
      { args: [], env: { CLUSTERDECK_DATA_DIR: '', XDG_CONFIG_HOME: path.join(t.dir, 'xdg2') } },
      { args: [], env: { XDG_CONFIG_HOME: '' } },
      { args: [] },
      { args: [], env: { HOME: '' } },
    ];
    for (const c of cases) {
      const what = `${JSON.stringify(c.args)} ${JSON.stringify(c.env ?? {})}`;
      const oracle = await run(process.execPath, [CJS, ...c.args, 'agent', 'status', '--json'], c.env);
      // Relative when HOME or XDG_CONFIG_HOME is empty (path.join('', ...)): then it is under the working folder.
      const socketPath = path.resolve(cwd, (JSON.parse(oracle.stdout) as { socket: string }).socket);
      logged();
      const agent = await fakeAgent(socketPath, printsThin);
      try {
        const argv = [...c.args, 'power', 'status', 'n1'];
        for (const client of CLIENTS) {
          const r = await run(LAUNCHER, argv, { ...c.env, ...client.env });
          expect(r, `${client.name} ${what}`).toEqual({ code: 0, stdout: 'from the agent\n', stderr: '1 on (0.00 s)\n' });
          expect(logged().map((l) => l.main), `${client.name} ${what}`).toEqual(client.thin); // the thin client only, no clusterdeck.cjs
          expect(agent.requests.splice(0).map((q) => q.argv), `${client.name} ${what}`).toEqual([argv]);
        }
      } finally {
        await agent.close();
      }
      fs.rmSync(socketPath, { force: true });
    }
  });

  it('goes the long way when the socket is elsewhere, not a socket, or not this user\'s; the full CLI still finds the right one', async () => {
    const dir = path.join(t.dir, 'long');
    const decoy = await fakeAgent(path.join(home, '.config', 'ClusterDeck', 'agent.sock'), printsThin);
    try {
      // XDG_CONFIG_HOME points elsewhere: the socket under ~/.config is not this data folder's.
      const r = await run(LAUNCHER, ['power', 'status', 'n1'], { XDG_CONFIG_HOME: path.join(t.dir, 'xdg-none') });
      expect(r.code).toBe(2); // the full CLI on an empty data folder
      expect(logged().map((l) => l.main)).toEqual([CJS]);
      expect(decoy.requests).toEqual([]);
      // CLUSTERDECK_IN_PROCESS=1 and commands the agent does not run: clusterdeck.cjs, whatever the socket.
      const others = [[['power', 'status', 'n1'], { CLUSTERDECK_IN_PROCESS: '1' }], [['power', 'last'], {}], [['sel', 'show', 'n1'], {}], [['--version'], {}], [['nodes', 'list'], {}]] as const;
      for (const [args, env] of others) {
        await run(LAUNCHER, [...args], env);
        expect(logged().map((l) => l.main), args.join(' ')).toEqual([CJS]);
      }
    } finally {
      await decoy.close();
    }
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'agent.sock'), ''); // a plain file
    await run(LAUNCHER, ['--data-dir', dir, 'power', 'status', 'n1']);
    expect(logged().map((l) => l.main)).toEqual([CJS]);
    fs.rmSync(path.join(dir, 'agent.sock'));
    if (process.getuid?.() === 0) {
      // Someone else's socket (only root can make one here): neither the launcher nor the client uses it.
      const foreign = await fakeAgent(path.join(dir, 'agent.sock'), printsThin);
      fs.chownSync(path.join(dir, 'agent.sock'), 65534, 65534);
      try {
        await run(LAUNCHER, ['--data-dir', dir, 'power', 'status', 'n1']);
        expect(logged().map((l) => l.main)).toEqual([CJS]);
        expect(foreign.requests).toEqual([]);
      } finally {
        await foreign.close();
      }
    }
  });

  it('passes every argument through intact, to the agent and to the full CLI it leaves a command to', async () => {
    const dir = path.join(t.dir, 'args dir');
    const odd = ['a b', "it's", '"dq"', '*', '?', '[x]', '$HOME', '`id`', '$(id)', '\\back', 'new\nline', '', '-', '--x=y z', 'ünï', ';', '&&', '|', '>out'];
    const argv = ['--data-dir', dir, 'power', 'status', ...odd];
    const agent = await fakeAgent(path.join(dir, 'agent.sock'), printsThin);
    try {
      for (const client of CLIENTS) {
        expect((await run(LAUNCHER, argv, client.env)).code, client.name).toBe(0);
        expect(logged(), client.name).toEqual(client.thin.map((main) => ({ main, argv, ca: null, saved: null })));
        expect(agent.requests.splice(0), client.name).toEqual([{ v: 2, argv, user: expect.any(String), tty: { stdout: false, stderr: false } }]);
      }
    } finally {
      await agent.close();
    }
    // The agent leaves it to the CLI: the client runs clusterdeck.cjs with the same argv; it answers as it does when run directly.
    const leaves = await fakeAgent(path.join(dir, 'agent.sock'), fallback);
    try {
      const direct = await run(process.execPath, [CJS, ...argv]);
      expect(logged().map((l) => [l.main, l.argv])).toEqual([[CJS, argv]]);
      expect(direct.code).toBe(2); // commander: too many arguments
      for (const client of CLIENTS) {
        const viaLauncher = await run(LAUNCHER, argv, client.env);
        expect(logged().map((l) => [l.main, l.argv]), client.name).toEqual([...client.thin.map((main) => [main, argv]), [CJS, argv]]);
        expect(viaLauncher, client.name).toEqual(direct);
      }
      expect(fs.existsSync(path.join(cwd, 'out'))).toBe(false); // nothing was run by a shell
    } finally {
      await leaves.close();
    }
  });

  it('runs the client without NODE_EXTRA_CA_CERTS and puts it back for the full CLI; runs from a symlink as npm links it', async () => {
    const dir = path.join(t.dir, 'ca');
    const agent = await fakeAgent(path.join(dir, 'agent.sock'), (q) => ((q.argv as string[]).includes('--leave') ? fallback() : printsThin()));
    const links = path.join(t.dir, 'node_modules', '.bin');
    fs.mkdirSync(links, { recursive: true });
    fs.symlinkSync(path.relative(links, LAUNCHER), path.join(links, 'clusterdeck'));
    try {
      for (const client of CLIENTS) {
        for (const [ca, bin] of [['/nonexistent', LAUNCHER], ['', LAUNCHER], [undefined, path.join(links, 'clusterdeck')]] as const) {
          const what = `${client.name} ${String(ca)}`;
          const thin = await run(bin, ['--data-dir', dir, 'power', 'status', 'n1'], { ...client.env, NODE_EXTRA_CA_CERTS: ca, CLUSTERDECK_SAVED_NODE_EXTRA_CA_CERTS: ca === undefined ? 'stale' : undefined });
          expect(thin, what).toMatchObject({ code: 0, stdout: 'from the agent\n' });
          expect(thin.stderr).not.toMatch(/Ignoring extra certs/);
          expect(logged(), what).toEqual(client.thin.map((main) => ({ main, argv: ['--data-dir', dir, 'power', 'status', 'n1'], ca: null, saved: ca ?? null })));
          const left = await run(bin, ['--data-dir', dir, 'power', 'status', 'n1', '--leave'], { ...client.env, NODE_EXTRA_CA_CERTS: ca });
          expect(logged().map((l) => ({ main: l.main, ca: l.ca, saved: l.saved })), what).toEqual([
            ...client.thin.map((main) => ({ main, ca: null, saved: ca ?? null })),
            { main: CJS, ca: ca ?? null, saved: null },
          ]);
          if (ca === '/nonexistent') expect(left.stderr).toMatch(/Ignoring extra certs from `\/nonexistent`/);
        }
      }
    } finally {
      await agent.close();
    }
  });

  it('both clients read the agent\'s frames alike: text exactly as sent, error codes, an unknown or missing answer, a silent agent', async () => {
    const dir = path.join(t.dir, 'frames');
    const sock = path.join(dir, 'agent.sock');
    const text = 'é😀 "q" \\ \t tab\u0001 ✓\n';
    // --json of thousands of nodes: a long text full of escapes (Perl's regex engine stops at 32,766 repeats of a group).
    const big = '{"name": "gpu\\"1\\\\", "power": "on"},\n'.repeat(20_000);
    const scenes: { frames: object[]; argv?: string[]; want: Partial<CliResult> | RegExp; full?: boolean }[] = [
      { frames: [{ type: 'accepted' }, { type: 'stdout', text }, { type: 'stderr', text: 'warn ✓\n' }, { type: 'exit', code: 3 }], want: { code: 3, stdout: text, stderr: 'warn ✓\n' } },
      { frames: [{ type: 'accepted' }, { type: 'stdout', text: big }, { type: 'exit', code: 0 }], want: { code: 0, stdout: big, stderr: '' } },
      { frames: [{ type: 'error', error: { code: 'INVALID_INPUT', message: 'bad node set ü' } }], want: { code: 2, stdout: '', stderr: 'clusterdeck: error: bad node set ü\n' } },
      { frames: [{ type: 'error', error: { code: 'INTERNAL', message: 'broken' } }], want: { code: 1, stdout: '', stderr: 'clusterdeck: error: broken\n' } },
      { frames: [{ type: 'hello' }], want: /./, full: true }, // another version's answer: the full CLI runs it
      { frames: [{ type: 'accepted' }, { type: 'exit', code: 'x' }], want: /does not understand/ },
      { frames: [{ type: 'accepted' }, { type: 'stdout', text: 'partial\n' }], want: /partial[^]*went away before the batch ended/ },
    ];
    for (const client of CLIENTS) {
      for (const scene of scenes) {
        const what = `${client.name} ${JSON.stringify(scene.frames)}`;
        const agent = await fakeAgent(sock, () => scene.frames);
        try {
          const r = await run(LAUNCHER, ['--data-dir', dir, 'power', 'status', 'n1'], client.env);
          if (scene.want instanceof RegExp) {
            expect(r.stdout + r.stderr, what).toMatch(scene.want);
            if (!scene.full) expect(r.code, what).toBe(1);
          } else expect(r, what).toEqual(scene.want);
          expect(logged().map((l) => l.main), what).toEqual([...client.thin, ...(scene.full ? [CJS] : [])]);
        } finally {
          await agent.close();
        }
      }
      // An agent that takes the request and never answers: a status goes the long way; a cycle is not run twice.
      const held: net.Socket[] = [];
      const silent = net.createServer((s) => void held.push(s));
      await new Promise<void>((r) => silent.listen(sock, () => r()));
      fs.chmodSync(sock, 0o600);
      try {
        const env = { ...client.env, CLUSTERDECK_AGENT_ANSWER_MS: '300' };
        await run(LAUNCHER, ['--data-dir', dir, 'power', 'status', 'n1'], env);
        expect(logged().map((l) => l.main), `${client.name} silent status`).toEqual([...client.thin, CJS]);
        const cycle = await run(LAUNCHER, ['--data-dir', dir, 'power', 'cycle', 'n1', '--yes'], env);
        expect(cycle, `${client.name} silent cycle`).toMatchObject({ code: 1, stdout: '' });
        expect(cycle.stderr).toMatch(/did not answer within 0\.3 s and was left/);
        expect(logged().map((l) => l.main)).toEqual(client.thin);
      } finally {
        for (const s of held) s.destroy();
        await new Promise<void>((r) => silent.close(() => r()));
      }
    }
  });

  it('--help and the commands the agent does not run behave as clusterdeck.cjs', async () => {
    const viaLauncher = await run(LAUNCHER, ['--help']);
    expect(viaLauncher.code).toBe(0);
    expect(viaLauncher.stdout).toMatch(/^Usage: clusterdeck/);
    expect(viaLauncher).toEqual(await run(process.execPath, [CJS, '--help']));
  });
});
