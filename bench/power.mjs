// bench/power.mjs — power status of 100, 500 and 1,000 lab BMCs (ipmi_sim, IPMI 2.0) with
// `clusterdeck power status` three ways — run by the vault agent (`clusterdeck agent start`: the
// CLI hands the batch to the resident agent) as a user types it (the launcher resources/bin/clusterdeck,
// which runs the thin client), the same through `node resources/bin/clusterdeck.cjs` (the portable
// entry: cli.js, then the same client), and one-shot in-process (CLUSTERDECK_IN_PROCESS=1, the vault
// key still from the agent) — against FreeIPMI's `ipmipower -D LAN_2_0 -W opensesspriv
// --stat` and an ipmitool loop, in the same run, interleaved, whole commands timed (process start
// included). CPU (user+sys) of every command comes from /usr/bin/time; for the agent-run command
// the agent's own CPU for that batch (/proc/PID/stat) is added, so the CPU column is the whole cost.
// The machine is shared: the whole comparison runs --repeat times (default 3) and the section
// reports the median of the runs' medians, with the load average of each run.
// Also, with --sweep, a fan-out sweep of the engine (the `--fanout` default comes from it); without
// it the section keeps the sweep table of the last run that made one.
// Run: npm run build && node bench/power.mjs [--repeat N] [--sizes 100,500] [--sweep] [--no-write (print the section only)]
// Quick look (100 BMCs only, no ipmitool loop, no sweep; prints, does not touch RESULTS.md):
//   node bench/power.mjs --quick
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, stats, writeSection } from './lib/results.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const data = fs.mkdtempSync(path.join(os.tmpdir(), 'cd-bench-power-'));
// A private copy of the built CLI: a build started meanwhile (others work in the same tree)
// must not swap the code under a measurement.
const copy = path.join(data, 'app');
fs.cpSync(path.join(ROOT, 'out', 'main'), path.join(copy, 'out', 'main'), { recursive: true });
fs.cpSync(path.join(ROOT, 'resources', 'bin'), path.join(copy, 'resources', 'bin'), { recursive: true });
const BIN = path.join(copy, 'resources', 'bin', 'clusterdeck.cjs');
/** `clusterdeck` as package.json "bin" installs it (a POSIX sh script). */
const LAUNCHER = path.join(copy, 'resources', 'bin', 'clusterdeck');
const dataDir = path.join(data, 'data');
// The environment as it is (this machine sets NODE_EXTRA_CA_CERTS, as many do), the data folder as a user's default
// would be found (so the timed command line is exactly `clusterdeck power status ...`).
const env = { ...process.env, CLUSTERDECK_PASSPHRASE: 'bench-passphrase', CLUSTERDECK_DATA_DIR: dataDir, NODE_PATH: path.join(ROOT, 'node_modules') };
const QUICK = process.argv.includes('--quick');
const arg = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const REPEAT = QUICK ? 1 : Number(arg('--repeat') || 3) || 3;
const SIZES = QUICK ? [100] : (arg('--sizes') ?? '100,500,1000').split(',').map(Number);
const SWEEP_RUN = process.argv.includes('--sweep');
const ROUNDS = { 100: 7, 500: 5, 1000: 3 };
const SWEEP = [32, 64, 128, 256, 512, 1000];
const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;

const cpuFile = path.join(data, 'cpu.txt');
/** One command, timed; `cpuMs` is its user+sys from /usr/bin/time (which adds an exec of its own to both sides alike). */
function run(cmd, args, extraEnv = {}) {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-o', cpuFile, '-f', '%U %S', cmd, ...args], { encoding: 'utf8', env: { ...env, ...extraEnv }, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
  const ms = performance.now() - t0;
  const [u, sy] = fs.readFileSync(cpuFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { ms, cpuMs: (u + sy) * 1000, code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
const cd = (...args) => run(process.execPath, [BIN, '--data-dir', dataDir, ...args]);
const TICK_MS = 1000 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
/** A process's CPU so far (user+sys, ms), from /proc. */
function cpuOf(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

const load0 = os.loadavg()[0];
const up = cd('lab', 'up', '--bmcs', String(SIZES.at(-1)), '--ssh-nodes', '0');
// Whatever happens below, the lab's ipmi_sim processes stop with this script.
let agent;
process.on('exit', () => {
  if (agent && agent.exitCode === null) agent.kill();
  cd('lab', 'down');
  fs.rmSync(data, { recursive: true, force: true });
});
if (up.code !== 0) throw new Error(`lab up failed: ${up.stderr}`);
// The vault agent, before any timed run: every `clusterdeck` below gets the key from it.
agent = spawn(process.execPath, [BIN, '--data-dir', dataDir, 'agent', 'start'], { env, stdio: 'ignore' });
for (let i = 0; cd('agent', 'status').code !== 0; i++) {
  if (i > 100) throw new Error('the vault agent did not start');
  await new Promise((r) => setTimeout(r, 100));
}
const lab = JSON.parse(fs.readFileSync(path.join(dataDir, 'lab', 'lab.json'), 'utf8'));
const bmcs = lab.bmcs;
const password = bmcs[0].password;
// The lab pads node numbers to the digits of its size: node001 with 100 BMCs, node0001 with 1,000.
const WIDTH = String(bmcs.length).length;
const names = (n) => `node[${String(1).padStart(WIDTH, '0')}-${String(n).padStart(WIDTH, '0')}]`;
const truth = (n) => {
  const dir = path.join(dataDir, 'lab', 'bmc', 'power');
  return bmcs.slice(0, n).map((b) => (fs.readFileSync(path.join(dir, b.name), 'utf8').trim() === '1' ? 'on' : 'off'));
};

/**
 * `mode`: 'agent' (the batch runs in the vault agent; the command as a user types it, through the launcher and
 * its Perl client), 'agent-node' (the launcher's Node client), 'agent-cjs' (the same through `node clusterdeck.cjs`),
 * 'local' (in this command's process) or 'none' (no agent runs).
 */
function clusterdeck(n, fanout, extra = [], mode = 'agent') {
  const viaAgent = mode.startsWith('agent');
  const agentCpu0 = viaAgent ? cpuOf(agent.pid) : 0;
  const args = ['power', 'status', names(n), '--json', ...(fanout ? ['--fanout', String(fanout)] : []), ...extra];
  const r = mode === 'agent' || mode === 'none' ? run(LAUNCHER, args)
    : mode === 'agent-node' ? run(LAUNCHER, args, { CLUSTERDECK_AGENT_CLIENT: 'node' })
    : run(process.execPath, [BIN, ...args], mode === 'local' ? { CLUSTERDECK_IN_PROCESS: '1' } : {});
  const agentCpu = viaAgent ? cpuOf(agent.pid) - agentCpu0 : 0;
  const out = JSON.parse(r.stdout);
  const want = truth(n);
  // A node that did not end ok (a timeout on a loaded machine) is not a wrong answer: counted apart.
  const wrong = out.results.filter((x) => x.status === 'ok' && x.power !== want[Number(x.name.slice(4)) - 1]).length;
  return { ms: r.ms, cpuMs: r.cpuMs + agentCpu, cliCpuMs: r.cpuMs, engineMs: out.summary.elapsedMs, ok: out.summary.counts.ok, wrong };
}

function ipmipower(n) {
  const hosts = bmcs.slice(0, n).map((b) => `${b.host}:${b.port}`).join(',');
  const r = run('ipmipower', ['-D', 'LAN_2_0', '-W', 'opensesspriv', '-h', hosts, '-u', 'admin', '-p', password, '--stat']);
  // ipmipower prints "127.0.0.1: on" without the port, so only the counts can be checked.
  const lines = r.stdout.trim().split('\n').filter(Boolean);
  const ok = lines.filter((l) => / (on|off)$/.test(l)).length;
  return { ms: r.ms, cpuMs: r.cpuMs, ok, failures: lines.length - ok };
}

function ipmitoolLoop(sample) {
  const t0 = performance.now();
  let ok = 0;
  for (const b of sample) {
    const r = run('ipmitool', ['-I', 'lanplus', '-C', '3', '-H', b.host, '-p', String(b.port), '-U', 'admin', '-E', 'chassis', 'power', 'status'], { IPMI_PASSWORD: password });
    if (/Chassis Power is (on|off)/.test(r.stdout)) ok++;
  }
  return { ms: performance.now() - t0, ok };
}

// Warm-up: page cache, the CLI's first database open, the BMCs' first answers, the agent's JIT
// (a resident agent has run batches before: its first batches run cold code, ~3x the CPU of a warm
// one; V8 has optimized the engine's paths after twenty or so).
const cold = clusterdeck(100);
for (let i = 0; i < 23; i++) clusterdeck(100);
const warm = clusterdeck(100);
console.log(`agent's first batch of 100: ${sec(cold.ms)} (agent cpu ${sec(cold.cpuMs - cold.cliCpuMs)}); after 24: ${sec(warm.ms)} (agent cpu ${sec(warm.cpuMs - warm.cliCpuMs)})`);
clusterdeck(100, 0, [], 'agent-node');
clusterdeck(100, 0, [], 'agent-cjs');
clusterdeck(100, 0, [], 'local');
ipmipower(100);

const rows = [];
const detail = [];
const repeats = [];
const median = (values) => stats(values).p50;
for (let rep = 0; rep < REPEAT; rep++) {
  const loadAt = os.loadavg()[0];
  const perSize = [];
  for (const n of SIZES) {
    const ours = { ms: [], cpu: [], cliCpu: [] };
    const viaNode = { ms: [], cpu: [], cliCpu: [] };
    const viaCjs = { ms: [], cpu: [], cliCpu: [] };
    const local = { ms: [], cpu: [] };
    const theirs = { ms: [], cpu: [] };
    let oursOk = Infinity;
    let oursWrong = 0;
    let theirsFailures = 0;
    for (let i = 0; i < ROUNDS[n]; i++) {
      // Interleaved, so load from anything else on the machine hits all four alike.
      for (const [mode, into] of [['agent', ours], ['agent-node', viaNode], ['agent-cjs', viaCjs], ['local', local]]) {
        const a = clusterdeck(n, 0, [], mode);
        into.ms.push(a.ms);
        into.cpu.push(a.cpuMs);
        if (mode !== 'local') into.cliCpu.push(a.cliCpuMs);
        oursOk = Math.min(oursOk, a.ok);
        oursWrong = Math.max(oursWrong, a.wrong);
      }
      const b = ipmipower(n);
      theirs.ms.push(b.ms);
      theirs.cpu.push(b.cpuMs);
      theirsFailures = Math.max(theirsFailures, b.failures);
    }
    const x = {
      o: stats(ours.ms), oc: stats(ours.cpu), occ: stats(ours.cliCpu), k: stats(viaNode.ms), kc: stats(viaNode.cpu), kcc: stats(viaNode.cliCpu), j: stats(viaCjs.ms), jc: stats(viaCjs.cpu), jcc: stats(viaCjs.cliCpu),
      l: stats(local.ms), lc: stats(local.cpu), p: stats(theirs.ms), pc: stats(theirs.cpu),
    };
    perSize.push({ n, ...x, oursOk, oursWrong, theirsFailures });
    console.log(`run ${rep + 1}: ${n} BMCs: agent-run ${sec(x.o.p50)} (cpu ${sec(x.oc.p50)}), with the Node client ${sec(x.k.p50)}, agent-run via node clusterdeck.cjs ${sec(x.j.p50)} (cpu ${sec(x.jc.p50)}), in-process ${sec(x.l.p50)} (cpu ${sec(x.lc.p50)}), ipmipower ${sec(x.p.p50)} (cpu ${sec(x.pc.p50)}); ratios ${(x.o.p50 / x.p.p50).toFixed(2)} / ${(x.k.p50 / x.p.p50).toFixed(2)} / ${(x.j.p50 / x.p.p50).toFixed(2)} / ${(x.l.p50 / x.p.p50).toFixed(2)}; ok ${oursOk}, wrong ${oursWrong}, ipmipower failures ${theirsFailures}; load ${os.loadavg()[0].toFixed(1)}`);
  }
  repeats.push({ loadAt, loadEnd: os.loadavg()[0], perSize });
}
// Per size: the median over the runs of each run's median (and the runs' extremes).
const pick = (runs, k) => ({ p50: median(runs.map((r) => r[k].p50)), min: Math.min(...runs.map((r) => r[k].min)), max: Math.max(...runs.map((r) => r[k].max)) });
for (const n of SIZES) {
  const runs = repeats.map((r) => r.perSize.find((x) => x.n === n));
  detail.push({
    n,
    o: pick(runs, 'o'), oc: pick(runs, 'oc'), occ: pick(runs, 'occ'), k: pick(runs, 'k'), kc: pick(runs, 'kc'), kcc: pick(runs, 'kcc'), j: pick(runs, 'j'), jc: pick(runs, 'jc'), jcc: pick(runs, 'jcc'),
    l: pick(runs, 'l'), lc: pick(runs, 'lc'), p: pick(runs, 'p'), pc: pick(runs, 'pc'),
    oursOk: Math.min(...runs.map((r) => r.oursOk)),
    oursWrong: Math.max(...runs.map((r) => r.oursWrong)),
    theirsFailures: Math.max(...runs.map((r) => r.theirsFailures)),
  });
}

if (QUICK) {
  // What the reachability pre-check and the fixed cost of a run add, then stop.
  const noPre = stats(Array.from({ length: ROUNDS[100] }, () => clusterdeck(100, 0, ['--no-precheck']).ms));
  const engine = stats(Array.from({ length: ROUNDS[100] }, () => clusterdeck(100).engineMs));
  const one = stats(Array.from({ length: 7 }, () => clusterdeck(1).ms));
  const oneCjs = stats(Array.from({ length: 7 }, () => clusterdeck(1, 0, [], 'agent-cjs').ms));
  const help = stats(Array.from({ length: 5 }, () => run(LAUNCHER, ['--help']).ms));
  const d = detail[0];
  console.log(`quick: 100 BMCs agent-run ${sec(d.o.p50)}, with --no-precheck ${sec(noPre.p50)}, engine ${sec(engine.p50)}; via node clusterdeck.cjs ${sec(d.j.p50)}; in-process ${sec(d.l.p50)}; ipmipower ${sec(d.p.p50)}; ratios ${(d.o.p50 / d.p.p50).toFixed(2)} / ${(d.j.p50 / d.p.p50).toFixed(2)}`);
  console.log(`quick: power status of 1 BMC agent-run ${sec(one.p50)}, via node clusterdeck.cjs ${sec(oneCjs.p50)}; --help ${sec(help.p50)}; load average ${load0.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} now`);
  process.exit(0);
}

// ipmitool opens one session per process: a full loop over 100 BMCs, extrapolated to more.
const loop = ipmitoolLoop(bmcs.slice(0, 100));
const perBmc = loop.ms / 100;
console.log(`ipmitool loop: 100 BMCs ${sec(loop.ms)} (${loop.ok} ok)`);
const cpuRows = [];
for (const d of detail) {
  const loopMs = d.n === 100 ? loop.ms : perBmc * d.n;
  rows.push(`| ${d.n} | ${sec(d.o.p50)} (${sec(d.o.min)}–${sec(d.o.max)}) | ${sec(d.k.p50)} (${sec(d.k.min)}–${sec(d.k.max)}) | ${sec(d.j.p50)} (${sec(d.j.min)}–${sec(d.j.max)}) | ${sec(d.l.p50)} (${sec(d.l.min)}–${sec(d.l.max)}) | ${sec(d.p.p50)} (${sec(d.p.min)}–${sec(d.p.max)}) | ${(d.o.p50 / d.p.p50).toFixed(2)} | ${(d.k.p50 / d.p.p50).toFixed(2)} | ${(d.j.p50 / d.p.p50).toFixed(2)} | ${(d.l.p50 / d.p.p50).toFixed(2)} | ${sec(loopMs)}${d.n === 100 ? '' : ' (extrapolated)'} | ${d.oursOk}/${d.n} ok and right${d.oursOk < d.n ? ` (${d.n - d.oursOk} not ok in the worst round)` : ''}${d.oursWrong ? `, ${d.oursWrong} wrong` : ''} | ${d.n - d.theirsFailures}/${d.n}${d.theirsFailures ? ` (${d.theirsFailures} failed in the worst round)` : ''} |`);
  cpuRows.push(`| ${d.n} | ${sec(d.oc.p50)} (CLI ${sec(d.occ.p50)}) | ${sec(d.kc.p50)} (CLI ${sec(d.kcc.p50)}) | ${sec(d.jc.p50)} (CLI ${sec(d.jcc.p50)}) | ${sec(d.lc.p50)} | ${sec(d.pc.p50)} |`);
}

// The fixed cost of a CLI run (node start, modules, store), for reading the 100-BMC row.
const floor = stats(Array.from({ length: 5 }, () => clusterdeck(1).ms));
const floorNode = stats(Array.from({ length: 5 }, () => clusterdeck(1, 0, [], 'agent-node').ms));

// The simulated BMCs' own CPU per batch of 100 (ipmi_sim, and the chassis scripts it runs for every power
// request): on this machine they share the two cores with the tool measured.
const simPids = (lab.pids ?? []).map((p) => (typeof p === 'number' ? p : p.pid)).filter((pid) => { try { return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'ipmi_sim'; } catch { return false; } });
function simCpu() {
  let own = 0;
  let children = 0;
  for (const pid of simPids) {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    own += (Number(f[11]) + Number(f[12])) * TICK_MS;
    children += (Number(f[13]) + Number(f[14])) * TICK_MS;
  }
  return { own, children };
}
function bmcSideOf(fn) {
  const a = simCpu();
  for (let i = 0; i < 10; i++) fn();
  const b = simCpu();
  return { own: (b.own - a.own) / 10, children: (b.children - a.children) / 10 };
}
const sideOurs = bmcSideOf(() => clusterdeck(100));
const sideTheirs = bmcSideOf(() => ipmipower(100));
const bmcSide = simPids.length
  ? `The simulated BMCs' own CPU per batch of 100 (mean of 10; ${simPids.length} ipmi_sim processes): ipmi_sim ${sec(sideOurs.own)} + chassis scripts ${sec(sideOurs.children)} under ClusterDeck, ${sec(sideTheirs.own)} + ${sec(sideTheirs.children)} under ipmipower: they share the two cores with the tool measured, so at 100 BMCs every tool's run is mostly the simulators' work.`
  : '(the lab lists no ipmi_sim pids: BMC-side CPU not measured)';
const floorCjs = stats(Array.from({ length: 5 }, () => clusterdeck(1, 0, [], 'agent-cjs').ms));
const floorLocal = stats(Array.from({ length: 5 }, () => clusterdeck(1, 0, [], 'local').ms));
const version = stats(Array.from({ length: 5 }, () => run(LAUNCHER, ['--version']).ms));
const bareNode = stats(Array.from({ length: 5 }, () => run(process.execPath, ['-e', '0']).ms));
const bareNodeNoCa = stats(Array.from({ length: 5 }, () => run(process.execPath, ['-e', '0'], { NODE_EXTRA_CA_CERTS: undefined }).ms));

// Fan-out sweep: engine time (from the summary) and whole command, median of 3.
const sweep = [];
for (const n of SWEEP_RUN ? [500, 1000].filter((x) => x <= bmcs.length) : []) {
  for (const f of SWEEP) {
    const runs = Array.from({ length: 3 }, () => clusterdeck(n, f));
    const e = stats(runs.map((r) => r.engineMs));
    const w = stats(runs.map((r) => r.ms));
    const bad = Math.max(...runs.map((r) => n - r.ok));
    sweep.push(`| ${n} | ${f} | ${sec(e.p50)} | ${sec(w.p50)} | ${bad ? `${bad} not ok` : 'all ok'} |`);
    console.log(`sweep ${n} fanout ${f}: engine ${sec(e.p50)}, wall ${sec(w.p50)}${bad ? `, ${bad} not ok` : ''}`);
  }
}
// Without the vault agent: every command derives the vault key itself (scrypt).
cd('agent', 'stop');
if (agent.exitCode === null) await new Promise((r) => agent.once('exit', r));
const noAgentFloor = stats(Array.from({ length: 5 }, () => clusterdeck(1, 0, [], 'none').ms));
const noAgent100 = [];
const withIpmipower100 = [];
for (let i = 0; i < ROUNDS[100]; i++) {
  noAgent100.push(clusterdeck(100, 0, [], 'none').ms);
  withIpmipower100.push(ipmipower(100).ms);
}
const na = stats(noAgent100);
const nap = stats(withIpmipower100);
console.log(`without the agent: 100 BMCs ${sec(na.p50)} vs ipmipower ${sec(nap.p50)}; 1 BMC ${sec(noAgentFloor.p50)}`);
const load1 = os.loadavg()[0];

const ipmipowerVersion = (spawnSync('ipmipower', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? '').trim();
const ipmitoolVersion = spawnSync('ipmitool', ['-V'], { encoding: 'utf8' }).stdout.trim();
// Without --sweep, the sweep table of the last run that made one stays (with its own heading).
const previous = fs.readFileSync(path.join(ROOT, 'bench', 'RESULTS.md'), 'utf8');
const keptSweep = /(Fan-out sweep[\s\S]*?)\n<!-- \/power -->/.exec(previous)?.[1]?.trim();
const sweepText = sweep.length
  ? `Fan-out sweep (${new Date().toISOString().slice(0, 10)}, load ${os.loadavg()[0].toFixed(1)} at its end; \`clusterdeck power status --fanout F\`, run by the agent; engine = the batch's own elapsed time, wall = whole command):

| BMCs | fan-out | engine | wall | results |
| --- | --- | --- | --- | --- |
${sweep.join('\n')}`
  : (keptSweep ?? '(no fan-out sweep yet: node bench/power.mjs --sweep)');
const cpuNote = `CPU (user+sys, median; \`/usr/bin/time\` per command, plus the agent's own CPU for the batches it ran, read from /proc/PID/stat):`;
(process.argv.includes('--no-write') ? (_name, text) => console.log(text) : writeSection)('power', `
## Batch power status against ipmipower and ipmitool (${new Date().toISOString().slice(0, 10)})

Machine: ${machine()}; load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end (the machine is shared
with other work: ${REPEAT} run(s) of the whole comparison, the table gives the median of the runs' medians; each run below).
ClusterDeck four ways, interleaved in the same rounds: **agent-run**, \`clusterdeck power status ...\` as a user types it
(package.json "bin": the launcher \`resources/bin/clusterdeck\`, which runs the Perl thin client \`resources/bin/agentClient.pl\`),
handing the batch to the vault agent (\`clusterdeck agent start\`, started before the first timed run and warmed by 25
untimed batches, as a resident agent is; its first batch is given below; README "Vault agent"); **agent-run, Node client**,
the same with \`CLUSTERDECK_AGENT_CLIENT=node\` (the launcher runs \`out/main/agentClient.js\` without NODE_EXTRA_CA_CERTS, as where
Perl is missing); **agent-run via node clusterdeck.cjs**, the same
through the portable entry (\`node resources/bin/clusterdeck.cjs\`, as on Windows: cli.js, then the same client, with
this machine's NODE_EXTRA_CA_CERTS); and **in-process**, the one-shot CLI running the batch itself
(\`CLUSTERDECK_IN_PROCESS=1\`; it still takes the vault key from the agent, so no scrypt). The CLI's V8 code cache was warm. Anchors: ${ipmipowerVersion} (\`ipmipower -D LAN_2_0 -W opensesspriv
-h host:port,... -u admin -p PW --stat\`), ${ipmitoolVersion} (\`ipmitool -I lanplus -C 3 ... chassis power status\`, one process
per BMC). BMCs: ${bmcs.length} OpenIPMI \`ipmi_sim\` from \`clusterdeck lab up\` (10 per process, power state through a shell script).
Command: \`npm run build && node bench/power.mjs${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}\`. Whole commands (process start included),
median of ${SIZES.map((n) => ROUNDS[n]).join('/')} interleaved rounds (min–max in brackets); ClusterDeck's answers are checked
against the BMCs' state files, ipmipower's only by count (it prints \`127.0.0.1\` without the port).

| BMCs | clusterdeck agent-run | agent-run, Node client | agent-run via node clusterdeck.cjs | clusterdeck in-process | ipmipower --stat | ratio agent-run | ratio Node client | ratio via clusterdeck.cjs | ratio in-process | ipmitool loop | clusterdeck results | ipmipower results |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

${cpuNote}

| BMCs | clusterdeck agent-run (CLI + agent) | Node client (CLI + agent) | via node clusterdeck.cjs (CLI + agent) | clusterdeck in-process | ipmipower |
| --- | --- | --- | --- | --- | --- |
${cpuRows.join('\n')}

Each run (median of its rounds; agent-run / Node client / via node clusterdeck.cjs / in-process / ipmipower; load average at its start and end):

${repeats.map((r, i) => `- run ${i + 1} (load ${r.loadAt.toFixed(1)} → ${r.loadEnd.toFixed(1)}): ${r.perSize.map((x) => `${x.n} BMCs ${sec(x.o.p50)} / ${sec(x.k.p50)} / ${sec(x.j.p50)} / ${sec(x.l.p50)} / ${sec(x.p.p50)} (${(x.o.p50 / x.p.p50).toFixed(2)}x, ${(x.k.p50 / x.p.p50).toFixed(2)}x, ${(x.j.p50 / x.p.p50).toFixed(2)}x, ${(x.l.p50 / x.p.p50).toFixed(2)}x)`).join('; ')}`).join('\n')}

The agent's first batch of 100 after its start: ${sec(cold.ms)} (agent CPU ${sec(cold.cpuMs - cold.cliCpuMs)}); after 24: ${sec(warm.ms)} (agent CPU ${sec(warm.cpuMs - warm.cliCpuMs)}).
${bmcSide}

Fixed costs (median of 5): \`power status\` of 1 BMC agent-run ${sec(floor.p50)}, Node client ${sec(floorNode.p50)}, via node clusterdeck.cjs ${sec(floorCjs.p50)},
in-process ${sec(floorLocal.p50)}; \`clusterdeck --version\` ${sec(version.p50)}; \`node -e 0\` ${sec(bareNode.p50)}, without
NODE_EXTRA_CA_CERTS ${sec(bareNodeNoCa.p50)}. Without any agent (each command derives the vault
key with scrypt, ~0.1 s of CPU): 1 BMC ${sec(noAgentFloor.p50)}; 100 BMCs ${sec(na.p50)} against ipmipower's ${sec(nap.p50)} in the same rounds
(${(na.p50 / nap.p50).toFixed(2)}x). ipmipower opens every session at once, with no window: beyond a few hundred simulated BMCs
sharing two cores its retransmissions pile up and sessions time out; ClusterDeck's sliding window keeps the BMCs' queues short.

${sweepText}
`);
