// bench/power.mjs — power status of 100, 500 and 1,000 lab BMCs (ipmi_sim, IPMI 2.0) with
// `clusterdeck power status`, FreeIPMI's `ipmipower -D LAN_2_0 -W opensesspriv --stat` and an
// ipmitool loop, in the same run, interleaved, whole commands timed (process start included).
// Also a fan-out sweep of ClusterDeck's engine (the `--fanout` default comes from it).
// The machine is shared: the whole comparison runs --repeat times (default 3) and the section
// reports the median of the runs' medians, with the load average of each run.
// ClusterDeck runs with its vault agent (`clusterdeck agent start`, started before the timed runs):
// no scrypt per command. The figures without it are measured at the end.
// Run: npm run build && node bench/power.mjs
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
const env = { ...process.env, CLUSTERDECK_PASSPHRASE: 'bench-passphrase', NODE_PATH: path.join(ROOT, 'node_modules') };
const dataDir = path.join(data, 'data');
const QUICK = process.argv.includes('--quick');
const REPEAT = QUICK ? 1 : Number(process.argv[process.argv.indexOf('--repeat') + 1] || 3) || 3;
const SIZES = QUICK ? [100] : [100, 500, 1000];
const ROUNDS = { 100: 7, 500: 5, 1000: 3 };
const SWEEP = [32, 64, 128, 256, 512, 1000];
const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;

function run(cmd, args, extraEnv = {}) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...env, ...extraEnv }, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
  return { ms: performance.now() - t0, code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
const cd = (...args) => run(process.execPath, [BIN, '--data-dir', dataDir, ...args]);

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
const nodeName = (i) => `node${String(i).padStart(WIDTH, '0')}`;
const names = (n) => `node[${String(1).padStart(WIDTH, '0')}-${String(n).padStart(WIDTH, '0')}]`;
const truth = (n) => {
  const dir = path.join(dataDir, 'lab', 'bmc', 'power');
  return bmcs.slice(0, n).map((b) => (fs.readFileSync(path.join(dir, b.name), 'utf8').trim() === '1' ? 'on' : 'off'));
};

function clusterdeck(n, fanout, extra = []) {
  const r = cd('power', 'status', names(n), '--json', ...(fanout ? ['--fanout', String(fanout)] : []), ...extra);
  const out = JSON.parse(r.stdout);
  const want = truth(n);
  // A node that did not end ok (a timeout on a loaded machine) is not a wrong answer: counted apart.
  const wrong = out.results.filter((x) => x.status === 'ok' && x.power !== want[Number(x.name.slice(4)) - 1]).length;
  return { ms: r.ms, engineMs: out.summary.elapsedMs, ok: out.summary.counts.ok, wrong };
}

function ipmipower(n) {
  const hosts = bmcs.slice(0, n).map((b) => `${b.host}:${b.port}`).join(',');
  const r = run('ipmipower', ['-D', 'LAN_2_0', '-W', 'opensesspriv', '-h', hosts, '-u', 'admin', '-p', password, '--stat']);
  // ipmipower prints "127.0.0.1: on" without the port, so only the counts can be checked.
  const lines = r.stdout.trim().split('\n').filter(Boolean);
  const ok = lines.filter((l) => / (on|off)$/.test(l)).length;
  return { ms: r.ms, ok, failures: lines.length - ok };
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

// Warm-up: page cache, the CLI's first database open, the BMCs' first answers.
cd('power', 'status', names(100));
ipmipower(100);

const rows = [];
const detail = [];
const repeats = [];
const median = (values) => stats(values).p50;
for (let rep = 0; rep < REPEAT; rep++) {
  const loadAt = os.loadavg()[0];
  const perSize = [];
  for (const n of SIZES) {
    const ours = [];
    const theirs = [];
    let oursOk = Infinity;
    let oursWrong = 0;
    let theirsFailures = 0;
    for (let i = 0; i < ROUNDS[n]; i++) {
      // Interleaved, so load from anything else on the machine hits both alike.
      const a = clusterdeck(n);
      ours.push(a.ms);
      oursOk = Math.min(oursOk, a.ok);
      oursWrong = Math.max(oursWrong, a.wrong);
      const b = ipmipower(n);
      theirs.push(b.ms);
      theirsFailures = Math.max(theirsFailures, b.failures);
    }
    const o = stats(ours);
    const p = stats(theirs);
    perSize.push({ n, o, p, oursOk, oursWrong, theirsFailures });
    console.log(`run ${rep + 1}: ${n} BMCs: clusterdeck ${sec(o.p50)} (ok ${oursOk}, wrong ${oursWrong}), ipmipower ${sec(p.p50)} (failures ${theirsFailures}), ratio ${(o.p50 / p.p50).toFixed(2)}; load ${os.loadavg()[0].toFixed(1)}`);
  }
  repeats.push({ loadAt, perSize });
}
// Per size: the median over the runs of each run's median (and the runs' extremes).
for (const n of SIZES) {
  const runs = repeats.map((r) => r.perSize.find((x) => x.n === n));
  detail.push({
    n,
    o: { p50: median(runs.map((r) => r.o.p50)), min: Math.min(...runs.map((r) => r.o.min)), max: Math.max(...runs.map((r) => r.o.max)) },
    p: { p50: median(runs.map((r) => r.p.p50)), min: Math.min(...runs.map((r) => r.p.min)), max: Math.max(...runs.map((r) => r.p.max)) },
    oursOk: Math.min(...runs.map((r) => r.oursOk)),
    oursWrong: Math.max(...runs.map((r) => r.oursWrong)),
    theirsFailures: Math.max(...runs.map((r) => r.theirsFailures)),
  });
}

if (QUICK) {
  // What the reachability pre-check and the fixed cost of a run add, then stop.
  const noPre = stats(Array.from({ length: ROUNDS[100] }, () => clusterdeck(100, 0, ['--no-precheck']).ms));
  const engine = stats(Array.from({ length: ROUNDS[100] }, () => clusterdeck(100).engineMs));
  const one = stats(Array.from({ length: 5 }, () => cd('power', 'status', nodeName(1)).ms));
  const help = stats(Array.from({ length: 5 }, () => cd('--help').ms));
  const d = detail[0];
  console.log(`quick: 100 BMCs clusterdeck ${sec(d.o.p50)}, with --no-precheck ${sec(noPre.p50)}, engine ${sec(engine.p50)}; ipmipower ${sec(d.p.p50)}; ratio ${(d.o.p50 / d.p.p50).toFixed(2)}`);
  console.log(`quick: power status of 1 BMC ${sec(one.p50)}, --help ${sec(help.p50)}; load average ${load0.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} now`);
  process.exit(0);
}

// ipmitool opens one session per process: a full loop over 100 BMCs, extrapolated to more.
const loop = ipmitoolLoop(bmcs.slice(0, 100));
const perBmc = loop.ms / 100;
console.log(`ipmitool loop: 100 BMCs ${sec(loop.ms)} (${loop.ok} ok)`);
for (const d of detail) {
  const loopMs = d.n === 100 ? loop.ms : perBmc * d.n;
  rows.push(`| ${d.n} | ${sec(d.o.p50)} (${sec(d.o.min)}–${sec(d.o.max)}) | ${sec(d.p.p50)} (${sec(d.p.min)}–${sec(d.p.max)}) | ${(d.o.p50 / d.p.p50).toFixed(2)} | ${sec(loopMs)}${d.n === 100 ? '' : ' (extrapolated)'} | ${d.oursOk}/${d.n} ok and right${d.oursOk < d.n ? ` (${d.n - d.oursOk} not ok in the worst round)` : ''}${d.oursWrong ? `, ${d.oursWrong} wrong` : ''} | ${d.n - d.theirsFailures}/${d.n}${d.theirsFailures ? ` (${d.theirsFailures} failed in the worst round)` : ''} |`);
}

// The fixed cost of a CLI run (node start, modules, store), for reading the 100-BMC row.
const floor = stats(Array.from({ length: 5 }, () => cd('power', 'status', nodeName(1)).ms));
const version = stats(Array.from({ length: 5 }, () => cd('--version').ms));

// Fan-out sweep: engine time (from the summary) and whole command, median of 3.
const sweep = [];
for (const n of [500, 1000]) {
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
const noAgentFloor = stats(Array.from({ length: 5 }, () => cd('power', 'status', nodeName(1)).ms));
const noAgent100 = [];
const withIpmipower100 = [];
for (let i = 0; i < ROUNDS[100]; i++) {
  noAgent100.push(clusterdeck(100).ms);
  withIpmipower100.push(ipmipower(100).ms);
}
const na = stats(noAgent100);
const nap = stats(withIpmipower100);
console.log(`without the agent: 100 BMCs ${sec(na.p50)} vs ipmipower ${sec(nap.p50)}; 1 BMC ${sec(noAgentFloor.p50)}`);
const load1 = os.loadavg()[0];

const ipmipowerVersion = (spawnSync('ipmipower', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? '').trim();
const ipmitoolVersion = spawnSync('ipmitool', ['-V'], { encoding: 'utf8' }).stdout.trim();
writeSection('power', `
## Batch power status against ipmipower and ipmitool (${new Date().toISOString().slice(0, 10)})

Machine: ${machine()}; load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end (the machine is shared
with other work: ${REPEAT} runs of the whole comparison, the table gives the median of the runs' medians; each run below).
ClusterDeck ran with its vault agent (\`clusterdeck agent start\`, started before the first timed run, README "Vault agent"),
so no command derived the vault key; without it, see below. The CLI's V8 code cache was warm (one untimed warm-up run).
Anchors: ${ipmipowerVersion} (\`ipmipower -D LAN_2_0 -W opensesspriv -h host:port,... -u admin -p PW --stat\`), ${ipmitoolVersion}
(\`ipmitool -I lanplus -C 3 ... chassis power status\`, one process per BMC). BMCs: ${bmcs.length} OpenIPMI \`ipmi_sim\` from
\`clusterdeck lab up\` (10 per process, power state through a shell script). Command: \`npm run build && node bench/power.mjs\`.
Whole commands (process start included), median of ${ROUNDS[100]}/${ROUNDS[500]}/${ROUNDS[1000]} interleaved rounds (min–max in brackets);
ClusterDeck's answers are checked against the BMCs' state files, ipmipower's only by count (it prints \`127.0.0.1\` without the port).

| BMCs | clusterdeck power status | ipmipower --stat | ratio | ipmitool loop | clusterdeck results | ipmipower results |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

Each run (median of its rounds; clusterdeck / ipmipower; load average at its start):

${repeats.map((r, i) => `- run ${i + 1} (load ${r.loadAt.toFixed(1)}): ${r.perSize.map((x) => `${x.n} BMCs ${sec(x.o.p50)} / ${sec(x.p.p50)} (${(x.o.p50 / x.p.p50).toFixed(2)}x)`).join('; ')}`).join('\n')}

The fixed cost of one \`clusterdeck\` run: \`power status\` of 1 BMC takes ${sec(floor.p50)}, \`clusterdeck --version\` ${sec(version.p50)}
(Node start and module loading). Without the vault agent (each command derives the key with scrypt, ~0.1 s of CPU):
1 BMC ${sec(noAgentFloor.p50)}; 100 BMCs ${sec(na.p50)} against ipmipower's ${sec(nap.p50)} in the same rounds (${(na.p50 / nap.p50).toFixed(2)}x).
ipmipower opens every session at once, with no window: beyond a few hundred simulated BMCs sharing two cores its
retransmissions pile up and sessions time out; ClusterDeck's sliding window keeps the BMCs' queues short.

Fan-out sweep (\`clusterdeck power status --fanout F\`; engine = the batch's own elapsed time, wall = whole command):

| BMCs | fan-out | engine | wall | results |
| --- | --- | --- | --- | --- |
${sweep.join('\n')}
`);

