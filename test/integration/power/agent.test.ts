// Batch power run by the vault agent (`clusterdeck agent start`; main/hosts/cli/agentClient.ts and
// agentRunner.ts), against lab BMCs: the same output and exit codes as the in-process run, through
// the launcher (resources/bin/clusterdeck: the thin client alone) and through clusterdeck.cjs (cli.js
// with the same client), the fast path loading neither commander nor the services, Ctrl-C and a
// killed CLI cancelling the batch in the agent with every session closed, `agent stop` mid-batch,
// malformed requests on the socket answered with an error, the inventory read fresh,
// NODE_EXTRA_CA_CERTS left out of the thin client and back for the full CLI, and the silent fall
// back to the in-process run when no agent (or an older one) answers or the agent leaves the command to it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBmcs, type BmcGroup } from '../../../main/lab';
import { BIN, cli, cliAsync, csv, type CliResult } from '../../support/cli';
import { REPO, tempDir } from '../../support/tmp';
import { activeSessions, chassisEvents, removeDir, tempStateDir, until } from '../ipmi/helpers';
import { writeFile } from './helpers';

const ENV = { ...process.env, CLUSTERDECK_PASSPHRASE: 'test-passphrase' };
/** `clusterdeck` as package.json "bin" installs it. */
const LAUNCHER = path.join(REPO, 'resources', 'bin', 'clusterdeck');

/** The built CLI through the launcher, as a user types `clusterdeck ...`. */
function launch(data: string, args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(LAUNCHER, ['--data-dir', data, ...args], { encoding: 'utf8', input: '', env: { ...ENV, ...env }, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** The built CLI (clusterdeck.cjs, or the launcher) with a hook that lists the bundle's files it loaded. */
function traced(data: string, dir: string, args: string[], env: Record<string, string> = {}, via: 'cjs' | 'launcher' = 'cjs'): CliResult & { chunks: string[] } {
  const out = path.join(dir, `loaded-${Math.random().toString(36).slice(2)}.json`);
  const hooked = { NODE_OPTIONS: `--require ${path.join(dir, 'hook.cjs')}`, LOADED_OUT: out, ...env };
  const r = via === 'cjs' ? cli(data, args, { env: hooked }) : launch(data, args, hooked);
  const chunks = (JSON.parse(fs.readFileSync(out, 'utf8')) as string[]).filter((f) => f.includes(`${path.sep}out${path.sep}main${path.sep}`)).map((f) => path.basename(f));
  return { ...r, chunks };
}

/** Timings, audit ids and the order in which nodes answered differ from run to run; everything else must not. */
function normalized(r: CliResult): CliResult {
  let stdout = r.stdout.replace(/"elapsedMs": [\d.]+/g, '"elapsedMs": 0').replace(/"auditId": \d+/g, '"auditId": 0');
  if (stdout.startsWith('{')) {
    const j = JSON.parse(stdout) as { results: { name: string }[] };
    j.results.sort((a, b) => a.name.localeCompare(b.name));
    stdout = JSON.stringify(j, null, 2);
  }
  return { code: r.code, stdout, stderr: r.stderr.replace(/\(\d+\.\d\d s/g, '(0.00 s') };
}

/** `detached`: in a process group of its own, as a shell starts a job (Ctrl-C on a terminal signals the whole group). */
function spawnCli(data: string, args: string[], env: Record<string, string> = {}, via: 'cjs' | 'launcher' = 'cjs', detached = false) {
  const [cmd, pre] = via === 'cjs' ? [process.execPath, [BIN]] : [LAUNCHER, []];
  const child = spawn(cmd, [...pre, '--data-dir', data, ...args], { env: { ...ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d) => (out.stdout += d));
  child.stderr!.on('data', (d) => (out.stderr += d));
  const exit = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  return { child, out, exit };
}

/** One raw request on the agent's socket; every line it answers, parsed, until it hangs up. */
function rawRequest(socketPath: string, text: string): Promise<{ lines: unknown[]; raw: string }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(socketPath);
    let raw = '';
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(text));
    sock.on('data', (d: string) => (raw += d));
    sock.on('error', reject);
    sock.on('close', () => resolve({ raw, lines: raw.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown) }));
  });
}

describe('batch power in the vault agent (built CLI)', { timeout: 120_000 }, () => {
  const t = tempDir('clusterdeck-power-agent-');
  const data = path.join(t.dir, 'data');
  const socketPath = path.join(data, 'agent.sock');
  let dir: string;
  let lab: BmcGroup;
  let agent: ChildProcess | undefined;

  async function startAgent(): Promise<ChildProcess> {
    const child = spawn(process.execPath, [BIN, '--data-dir', data, 'agent', 'start'], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    await until(async () => (await cliAsync(data, ['agent', 'status'])).code === 0, 30_000, 100);
    agent = child;
    return child;
  }
  async function stopAgent(): Promise<void> {
    if (!agent || agent.exitCode !== null) return;
    const exited = new Promise((r) => agent!.once('exit', r));
    await cliAsync(data, ['agent', 'stop']);
    await exited;
  }
  const lastAudit = (): { id: number; finishedAt: string | null; result: string | null; detail: string } => JSON.parse(cli(data, ['audit', 'list', '--json', '--limit', '1']).stdout)[0];
  /** Starts a slow batch (8 nodes one by one, 400 ms apart) through the agent; resolves once the agent runs it and some nodes answered. */
  async function slowBatch(via: 'cjs' | 'launcher' = 'cjs', fanout = ['--fanout', '1'], detached = false) {
    const before = lastAudit().id;
    const run = spawnCli(data, ['power', 'status', '@gpu', ...fanout, '--stagger', '400ms'], { CLUSTERDECK_PASSPHRASE: '' }, via, detached);
    await until(() => {
      const a = lastAudit();
      return a.id > before && a.finishedAt === null;
    }, 20_000, 100);
    await new Promise((r) => setTimeout(r, 1000)); // a few nodes done (one every 400 ms), the rest to come
    return run;
  }
  const allClosed = async () => {
    for (const b of lab.bmcs) expect(await activeSessions(b), b.name).toBe(1);
  };

  beforeAll(async () => {
    fs.writeFileSync(path.join(t.dir, 'hook.cjs'), "process.on('exit', () => require('node:fs').writeFileSync(process.env.LOADED_OUT, JSON.stringify(Object.keys(require.cache))));\n");
    dir = tempStateDir('power-agent');
    lab = await startBmcs({ stateDir: dir, count: 8, sol: false, initialPower: 'off' });
    expect(cli(data, ['creds', 'add', 'bmc', '--kind', 'password', '--user', 'admin'], { input: lab.bmcs[0].password }).code).toBe(0);
    expect(cli(data, ['creds', 'add', 'bmc-wrong', '--kind', 'password', '--user', 'admin'], { input: 'Wr0ngPassw0rd' }).code).toBe(0);
    const rows = ['name,hostname,groups,bmc_host,bmc_port,bmc_protocol,bmc_credential'];
    lab.bmcs.forEach((b, i) => rows.push(`gpu${i + 1},127.0.0.1,gpu,${b.host},${b.port},ipmi,bmc`));
    rows.push(`bad1,127.0.0.1,,127.0.0.1,${lab.bmcs[7].port},ipmi,bmc-wrong`);
    rows.push('nobmc,127.0.0.1,,,,,');
    expect(cli(data, ['nodes', 'import', writeFile(t.dir, 'nodes.csv', csv(rows)), '--create-missing']).stderr).toBe('');
  }, 60_000);

  afterAll(async () => {
    if (agent && agent.exitCode === null) agent.kill();
    await lab?.stop();
    removeDir(dir);
    t.cleanup();
  });

  // Commands that read or change only what the next one in the list expects, so both passes see the same BMCs.
  const SAME: string[][] = [
    ['power', 'status', '@gpu'],
    ['power', 'on', 'gpu[1-3]', '--yes'],
    ['power', 'status', '@gpu', '--json', '--fanout', '3', '--timeout=5s', '--retransmit', '250ms'],
    ['power', 'status', 'gpu[7-8],bad1,nobmc'],
    ['power', 'status', 'gpu[7-8],bad1', '--json', '--no-precheck'],
    ['power', 'off', 'gpu[1-3]', '-y'],
    ['power', 'identify', 'gpu5', '--seconds', '2'],
    ['power', 'bootdev', 'gpu6', 'pxe', '--persistent'],
    ['sensors', 'gpu[1-2]'],
    ['sensors', 'gpu1', '--json'],
    ['sel', 'list', 'gpu[7-8]'],
    ['sel', 'clear', 'gpu6', '--yes'], // gpu6 is not listed above: both passes see the same logs
    ['power', 'on', 'gpu1,ghost[1-3]', '--yes'], // unknown nodes: exit 2, nothing runs
    ['power', 'status', 'gpu[1-'], // a node set that does not parse
    ['power', 'off', '@gpu'], // no --yes: the CLI's own refusal
    ['power', 'bootdev', 'gpu6', 'floppy'],
    ['power', 'status', '@gpu', '--fanout', 'lots'],
  ];

  it('prints the same output with the same exit codes with and without an agent, through the launcher too, and the agent path loads neither commander nor the services', async () => {
    const without = SAME.map((args) => normalized(cli(data, args)));
    expect(without[0]).toEqual({ code: 0, stdout: 'gpu[1-8]: off\n', stderr: '8 off (0.00 s)\n' });
    expect(without[3].code).toBe(1);
    expect(without[12].code).toBe(2);
    const withoutLauncher = SAME.map((args) => normalized(launch(data, args)));
    for (let i = 0; i < SAME.length; i++) expect(withoutLauncher[i], `launcher, no agent: ${SAME[i].join(' ')}`).toEqual(without[i]);
    await startAgent();
    const withAgent = SAME.map((args) => normalized(cli(data, args, { env: { CLUSTERDECK_PASSPHRASE: '' } })));
    for (let i = 0; i < SAME.length; i++) expect(withAgent[i], SAME[i].join(' ')).toEqual(without[i]);
    // Through the launcher: its Perl client (the default where Perl is installed) and its Node client.
    for (const client of ['perl', 'node']) {
      const viaLauncher = SAME.map((args) => normalized(launch(data, args, { CLUSTERDECK_PASSPHRASE: '', CLUSTERDECK_AGENT_CLIENT: client })));
      for (let i = 0; i < SAME.length; i++) expect(viaLauncher[i], `launcher (${client}): ${SAME[i].join(' ')}`).toEqual(without[i]);
    }

    // The agent ran it: the CLI loaded only the fast path (no commander program, no BMC services, no tRPC router)...
    const r = traced(data, t.dir, ['power', 'status', '@gpu'], { CLUSTERDECK_PASSPHRASE: '' });
    expect(r.stdout).toBe('gpu[1-8]: off\n');
    expect(r.chunks.sort()).toEqual(['agentClient.js', 'cli.js']);
    // ...and through the launcher, the Node thin client alone, or with Perl no Node process at all.
    const thin = traced(data, t.dir, ['power', 'status', '@gpu'], { CLUSTERDECK_PASSPHRASE: '', CLUSTERDECK_AGENT_CLIENT: 'node' }, 'launcher');
    expect(thin.stdout).toBe('gpu[1-8]: off\n');
    expect(thin.chunks).toEqual(['agentClient.js']);
    const loaded = path.join(t.dir, 'loaded-perl.json');
    const viaPerl = launch(data, ['power', 'status', '@gpu'], { CLUSTERDECK_PASSPHRASE: '', NODE_OPTIONS: `--require ${path.join(t.dir, 'hook.cjs')}`, LOADED_OUT: loaded });
    expect(viaPerl).toEqual({ code: 0, stdout: 'gpu[1-8]: off\n', stderr: expect.stringMatching(/^8 off \(/) });
    expect(fs.existsSync(loaded)).toBe(false); // the hook of a Node process never ran
    // Commands the agent does not run still run in-process with it up.
    expect(traced(data, t.dir, ['power', 'last', 'gpu[1-2]']).chunks.some((c) => c.startsWith('program-'))).toBe(true);

    // The audit log: one entry per batch, written by the agent for this CLI's user, as the in-process run writes it.
    const audit = JSON.parse(cli(data, ['audit', 'list', '--json', '--limit', '40']).stdout) as { action: string; via: string; result: string; actor: string }[];
    const statuses = audit.filter((a) => a.action === 'status');
    expect(statuses[0]).toMatchObject({ via: 'cli', result: 'ok', actor: os.userInfo().username });
    expect(JSON.stringify(audit)).not.toContain(lab.bmcs[0].password);
    await allClosed();
  });

  it('reads the inventory fresh for each request (another process changed it)', async () => {
    if (!agent || agent.exitCode !== null) await startAgent();
    expect(cli(data, ['power', 'status', 'late1']).stderr).toMatch(/late1 is not in the inventory/);
    const rows = ['name,hostname,groups,bmc_host,bmc_port,bmc_protocol,bmc_credential', `late1,127.0.0.1,,${lab.bmcs[3].host},${lab.bmcs[3].port},ipmi,bmc`];
    expect(cli(data, ['nodes', 'import', writeFile(t.dir, 'late.csv', csv(rows))]).code).toBe(0);
    const r = traced(data, t.dir, ['power', 'status', 'late1'], { CLUSTERDECK_PASSPHRASE: '' });
    expect(r.stdout).toBe('late1: off\n');
    expect(r.chunks.some((c) => c.startsWith('program-'))).toBe(false);
  });

  it('Ctrl-C (through the launcher) cancels the batch in the agent: cancelled nodes, exit 1, every session closed, audit cancelled', async () => {
    if (!agent || agent.exitCode !== null) await startAgent();
    const run = await slowBatch('launcher');
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(1);
    expect(run.out.stderr).toMatch(/cancelling: closing the BMC sessions/);
    expect(run.out.stderr).toMatch(/\d+ (on|off).*cancelled: gpu\[\d.*, cancelled\)/);
    expect(run.out.stdout).toMatch(/: cancelled: Cancelled/);
    await allClosed();
    const audit = JSON.parse(cli(data, ['audit', 'list', '--json', '--limit', '1']).stdout)[0];
    expect(audit).toMatchObject({ module: 'power', action: 'status', result: 'cancelled' });
  });

  it('Ctrl-C on a terminal reaches the full CLI the launcher runs when the agent leaves a command to it (-f1: not read by the agent)', async () => {
    if (!agent || agent.exitCode !== null) await startAgent();
    const run = await slowBatch('launcher', ['-f1'], true);
    process.kill(-run.child.pid!, 'SIGINT'); // the whole group, as a terminal does: the thin client and its child
    expect(await run.exit).toBe(1);
    expect(run.out.stderr.match(/cancelling: closing the BMC sessions/g)).toHaveLength(1); // one Ctrl-C, not two
    expect(run.out.stderr).toMatch(/\d+ (on|off).*cancelled: gpu\[\d.*, cancelled\)/);
    expect(run.out.stdout).toMatch(/: cancelled: Cancelled/);
    await allClosed();
    expect(lastAudit()).toMatchObject({ result: 'cancelled' });
  });

  it('a CLI killed mid-batch (its socket closes) cancels the batch in the agent; every session is closed', async () => {
    if (!agent || agent.exitCode !== null) await startAgent();
    const run = await slowBatch();
    run.child.kill('SIGKILL');
    await run.exit;
    await until(() => lastAudit().result === 'cancelled', 10_000, 200);
    expect(lastAudit().detail).toMatch(/^\d+ off, \d+ cancelled: gpu\[/);
    await allClosed();
  });

  it('agent stop mid-batch: the batch ends with per-node results and a message, the agent exits, every session closed', async () => {
    if (!agent || agent.exitCode !== null) await startAgent();
    const agentExit = new Promise<number | null>((r) => agent!.once('exit', (c) => r(c)));
    const run = await slowBatch();
    expect((await cliAsync(data, ['agent', 'stop'])).stdout).toBe('vault agent stopped\n');
    expect(await run.exit).toBe(1);
    expect(run.out.stderr).toMatch(/the vault agent stopped \(clusterdeck agent stop\) during the batch: the nodes not done are cancelled/);
    expect(run.out.stderr).toMatch(/\d+ off, \d+ cancelled: gpu\[.*, cancelled\)\n$/);
    const lines = run.out.stdout.trim().split('\n');
    expect(lines.sort()).toEqual([expect.stringMatching(/^gpu(\d|\[1-\d\]): off$/), expect.stringMatching(/^gpu(8|\[\d-8\]): cancelled: Cancelled\.$/)]);
    expect(await agentExit).toBe(0);
    expect(fs.existsSync(socketPath)).toBe(false);
    await allClosed();
  });

  it('a malformed request gets an error frame, not a crash; what it does not run it leaves to the CLI; no secret crosses the socket', async () => {
    if (!agent || agent.exitCode !== null) await startAgent();
    const v2 = (argv: string[], extra: object = {}) => `${JSON.stringify({ v: 2, argv, user: 'tester', tty: { stdout: false, stderr: false }, ...extra })}\n`;
    const notJson = await rawRequest(socketPath, '{not json\n');
    expect(notJson.lines).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'INVALID_INPUT', message: 'Invalid input: the request is not JSON' }) }]);
    const extra = await rawRequest(socketPath, v2(['power', 'status', 'gpu1'], { passphrase: 'x' }));
    expect(extra.lines).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'INVALID_INPUT' }) }]);
    const noTty = await rawRequest(socketPath, `${JSON.stringify({ v: 2, argv: ['power', 'status', 'gpu1'], user: 'x' })}\n`);
    expect((noTty.lines[0] as { error: { message: string } }).error.message).toMatch(/tty/);
    const notStrings = await rawRequest(socketPath, v2([1, 2] as unknown as string[]));
    expect(notStrings.lines).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'INVALID_INPUT' }) }]);
    // Another version (the v1 request of an older CLI), another command, help, a destructive action without --yes: the CLI's.
    const leave = { type: 'error', error: expect.objectContaining({ code: 'AGENT_FALLBACK' }) };
    expect((await rawRequest(socketPath, `${JSON.stringify({ v: 1, op: 'power.run', user: 'x', input: { nodeset: 'gpu1', action: 'status', options: {} } })}\n`)).lines).toEqual([leave]);
    expect((await rawRequest(socketPath, `${JSON.stringify({ v: 99, op: 'power.run' })}\n`)).lines).toEqual([leave]);
    for (const argv of [['vault', 'reveal', 'bmc'], ['power', 'format-disk', 'gpu1'], ['power', 'status', 'gpu1', '--help'], ['power', 'off', 'gpu1'], ['power', 'status', 'gpu1', '--fanout', '0']]) {
      expect((await rawRequest(socketPath, v2(argv))).lines, argv.join(' ')).toEqual([leave]);
    }
    const huge = await rawRequest(socketPath, `{"v":2,"pad":"${'x'.repeat(300_000)}"}\n`).catch(() => ({ lines: [], raw: '' }));
    expect(huge.lines.length).toBeLessThanOrEqual(1);
    // Still serving; a real request's frames carry the rendered output, never the BMC password; progress only for a terminal.
    const ok = await rawRequest(socketPath, v2(['power', 'status', 'gpu[1-2],bad1']));
    expect(ok.lines.map((l) => (l as { type: string }).type)).toEqual(['accepted', 'stdout', 'stderr', 'exit']);
    expect(ok.lines.slice(1)).toEqual([
      { type: 'stdout', text: 'gpu[1-2]: off\nbad1: failed: The BMC rejected the login of user admin: check the BMC password.\n' },
      { type: 'stderr', text: expect.stringMatching(/^2 off, 1 failed: bad1 \(\d+\.\d\d s\)\n$/) },
      { type: 'exit', code: 1 },
    ]);
    const tty = await rawRequest(socketPath, v2(['power', 'status', 'gpu[1-2]', '--json'], { tty: { stdout: true, stderr: true } }));
    const types = tty.lines.map((l) => (l as { type: string }).type);
    expect(types[0]).toBe('accepted');
    expect(types).toContain('progress');
    expect(tty.lines.at(-4)).toEqual({ type: 'progress', done: 2, total: 2 }); // the last one is always drawn
    expect(types.slice(-3)).toEqual(['stdout', 'stderr', 'exit']);
    for (const r of [ok, tty]) {
      expect(r.raw).not.toContain(lab.bmcs[0].password);
      expect(r.raw).not.toContain('Wr0ngPassw0rd');
    }
    expect((await cliAsync(data, ['agent', 'status'])).code).toBe(0);
  });

  it('runs the thin client without NODE_EXTRA_CA_CERTS, and the full CLI with it when the agent leaves a command to it', async () => {
    if (!agent || agent.exitCode !== null) await startAgent();
    // Node says so at start when the file does not load: only the full CLI starts with it.
    const env = { NODE_EXTRA_CA_CERTS: '/nonexistent', CLUSTERDECK_PASSPHRASE: '' };
    const thin = launch(data, ['power', 'status', 'gpu[1-2]'], env);
    expect(thin).toEqual({ code: 0, stdout: 'gpu[1-2]: off\n', stderr: expect.stringMatching(/^2 off \(/) });
    const inProcess = launch(data, ['power', 'status', 'gpu[1-2]'], { ...env, CLUSTERDECK_IN_PROCESS: '1' });
    expect(inProcess.stdout).toBe('gpu[1-2]: off\n');
    expect(inProcess.stderr).toMatch(/Ignoring extra certs from `\/nonexistent`/);
    const noYes = launch(data, ['power', 'off', 'gpu[1-2]'], env); // stdin is no terminal: the full CLI refuses
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toMatch(/Ignoring extra certs from `\/nonexistent`/);
    expect(noYes.stderr).toMatch(/This would power off 2 node\(s\): gpu\[1-2\]\. Run again with --yes to confirm\.\n$/);
  });

  it('falls back to the in-process run (the launcher: to the full CLI): no agent, a stale socket, an agent that hangs up (older), or one that says it cannot serve', async () => {
    await stopAgent();
    const launched = async (args: string[], env: Record<string, string> = {}): Promise<CliResult> => {
      const run = spawnCli(data, args, env, 'launcher');
      const code = await run.exit;
      return { code: code ?? -1, ...run.out };
    };
    const inProcess = (r: ReturnType<typeof traced>) => {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('gpu[1-2]: off\n');
      expect(r.chunks.some((c) => c.startsWith('program-'))).toBe(true);
    };
    inProcess(traced(data, t.dir, ['power', 'status', 'gpu[1-2]']));
    // A socket file left by a killed agent: nobody listens.
    const stale = net.createServer();
    await new Promise<void>((r) => stale.listen(socketPath, () => r()));
    await new Promise<void>((r) => stale.close(() => r()));
    fs.writeFileSync(socketPath, '');
    inProcess(traced(data, t.dir, ['power', 'status', 'gpu[1-2]']));
    fs.rmSync(socketPath, { force: true });
    // An agent from before this protocol closes the connection on a line it does not know; a newer one answers AGENT_FALLBACK.
    for (const answer of [(s: net.Socket) => s.destroy(), (s: net.Socket) => s.end('{"type":"error","error":{"code":"AGENT_FALLBACK","key":"AGENT_FALLBACK","params":{},"message":"no"}}\n')]) {
      const fake = net.createServer((s) => s.once('data', () => answer(s)));
      await new Promise<void>((r) => fake.listen(socketPath, () => r()));
      const r = await cliAsync(data, ['power', 'status', 'gpu[1-2]']);
      const viaLauncher = await launched(['power', 'status', 'gpu[1-2]']);
      await new Promise<void>((res) => fake.close(() => res()));
      expect(r).toMatchObject({ code: 0, stdout: 'gpu[1-2]: off\n' });
      expect(viaLauncher).toMatchObject({ code: 0, stdout: 'gpu[1-2]: off\n' });
    }
    // An agent that takes the request and never answers: left after a while; a status runs here instead, a cycle
    // (it may have begun in the agent) is not run a second time.
    let batchRequests = 0; // JSON request lines (the full CLI also asks for the key, with a line `key`)
    const silent = net.createServer((s) => s.on('data', (d) => (batchRequests += String(d).startsWith('{') ? 1 : 0))); // reads, never answers
    await new Promise<void>((r) => silent.listen(socketPath, () => r()));
    const quick = { CLUSTERDECK_AGENT_ANSWER_MS: '500' };
    expect(await cliAsync(data, ['power', 'status', 'gpu[1-2]'], { env: quick })).toMatchObject({ code: 0, stdout: 'gpu[1-2]: off\n' });
    // Through the launcher the full CLI runs as a child, which does not ask the silent agent a second time.
    batchRequests = 0;
    expect(await launched(['power', 'status', 'gpu[1-2]'], quick)).toMatchObject({ code: 0, stdout: 'gpu[1-2]: off\n' });
    expect(batchRequests).toBe(1);
    const eventsBefore = chassisEvents(lab.dir, lab.bmcs[0].name).length;
    const cycle = await cliAsync(data, ['power', 'cycle', 'gpu1', '--yes'], { env: quick });
    const cycleLaunched = await launched(['power', 'cycle', 'gpu1', '--yes'], quick);
    await new Promise<void>((res) => silent.close(() => res()));
    for (const r of [cycle, cycleLaunched]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/the vault agent did not answer within 0\.5 s and was left; .*\(CLUSTERDECK_IN_PROCESS=1 runs it in this process\)/);
    }
    expect(chassisEvents(lab.dir, lab.bmcs[0].name)).toHaveLength(eventsBefore); // nothing reached the BMC
  });
});
