// IPMI 2.0 (RMCP+, lanplus) BMCs simulated by OpenIPMI's ipmi_sim on 127.0.0.1.
//
// One ipmi_sim process serves `bmcsPerProcess` BMCs: one MC (IPMB address 0x20, 0x22, ...) per BMC,
// each with its own UDP port, admin user, chassis-control script argument, sensors, SDRs, SEL and
// SOL console. Power state lives in files written by a POSIX sh chassis-control script, so it
// survives ipmi_sim restarts and can be read without IPMI.

import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import { pickFreePorts, portOwners } from './ports';
import { abortError, sleep, spawnDetached, stopProcesses, type PidRecord, type Spawned } from './procs';
import { startSerialConsoles } from './serial';

export interface BmcPeer {
  name: string;
  host: string;
  /** UDP port of the RMCP+ (lanplus) interface. */
  port: number;
  user: string;
  password: string;
  /** TCP port of the simulated serial console behind this BMC's SOL payload (not for clients). */
  solPort?: number;
}

export interface StartBmcsOptions {
  stateDir: string;
  count: number;
  /** Names are `${namePrefix}${index}`, index zero-padded to at least 3 digits. Default "bmc". */
  namePrefix?: string;
  /** First index. Default 1. */
  firstIndex?: number;
  /** BMCs per ipmi_sim process (1..100). Default DEFAULT_BMCS_PER_PROCESS. */
  bmcsPerProcess?: number;
  /** UDP ports, one per BMC. Default: free ports picked by bind probe (and re-picked if taken). */
  ports?: number[];
  /** Default "admin". */
  user?: string;
  /** Default: random per call (16 characters). */
  password?: string;
  /** Serial over LAN with a simulated console per BMC. Default true. */
  sol?: boolean;
  /** Power state for BMCs that have no stored state yet. Default "on". */
  initialPower?: 'on' | 'off';
  /** How long to wait for every BMC to answer. Default 20 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called right after each process is spawned (labUp records pids as it goes). */
  onSpawn?: (rec: PidRecord) => void;
}

export interface BmcGroup {
  bmcs: BmcPeer[];
  pids: PidRecord[];
  /** Folder with the configs, logs and power files of this group. */
  dir: string;
  /** Power state as stored by the chassis-control script (what `chassis power status` reports). */
  readPower(name: string): Promise<'on' | 'off'>;
  /** Boot device last set through IPMI (none, pxe, default, cdrom, bios). */
  readBootDevice(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Why 10: ipmi_sim runs chassis-control commands with popen() and blocks until they finish,
 * so every BMC of a process waits while one BMC's power command runs (a few ms each). Ten
 * BMCs per process keeps that stall short while 100 BMCs still need only 10 processes
 * (about 4 MB each); a fan-out over the whole lab spreads across processes and cores.
 * Measured on 2 cores, 100 BMCs, `ipmipower --stat/--on/--off` over all of them: 1 per
 * process 130-200 ms but 100 processes and 0.6 s to start; 10 per process 130-150 ms;
 * 100 in one process 210-320 ms.
 */
export const DEFAULT_BMCS_PER_PROCESS = 10;
const MAX_BMCS_PER_PROCESS = 100;

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
// Paths end up inside double-quoted lan.conf strings and single-quoted shell words.
const SAFE_PATH = /^[^'"\\$`\n\r]+$/;
const SAFE_SECRET = /^[\x21-\x7e]{1,20}$/;

/** Letters and digits only, so it never needs quoting and never starts with "-". */
export function randomPassword(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      // 62 * 4 = 248: reject 248..255 so every character is equally likely.
      if (b < 248 && out.length < length) out += alphabet[b % 62];
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// chassis-control script

export const CHASSIS_SCRIPT = `#!/bin/sh
# ClusterDeck lab chassis control for ipmi_sim (written by main/lab).
#   chassis.sh <bmc> get power boot ...   prints power:0|1 and boot:<dev>
#   chassis.sh <bmc> set power 1 ...      stores it; also reset, boot, shutdown, identify
# State: <dir>/power/<bmc> holds 0 or 1, <dir>/boot/<bmc> the boot device.
dir=\${0%/*}
bmc=$1
op=$2
[ -n "$bmc" ] && [ -n "$op" ] || { echo "usage: $0 bmc get|set|check ..."; exit 1; }
shift 2
pf="$dir/power/$bmc"
bf="$dir/boot/$bmc"
note() { echo "$bmc $*" >> "$dir/chassis-events.log"; }
case $op in
get)
  for p in "$@"; do
    case $p in
      power) v=0; [ -r "$pf" ] && read -r v < "$pf"; echo "power:$v" ;;
      boot) v=none; [ -r "$bf" ] && read -r v < "$bf"; echo "boot:$v" ;;
      *) echo "$p:0" ;;
    esac
  done ;;
set)
  while [ $# -ge 2 ]; do
    case $1 in
      power) case $2 in 0|1) echo "$2" > "$pf"; note "power $2" ;; *) echo "bad power value $2"; exit 1 ;; esac ;;
      reset) note "reset" ;;
      shutdown) echo 0 > "$pf"; note "soft shutdown" ;;
      boot) echo "$2" > "$bf"; note "boot $2" ;;
      identify) note "identify $2" ;;
      *) note "ignored $1 $2" ;;
    esac
    shift 2
  done ;;
check) exit 1 ;;
*) echo "unknown operation $op"; exit 1 ;;
esac
exit 0
`;

// ---------------------------------------------------------------------------------------------
// SDRs, sensors and SEL in ipmi_sim's command language (numbers written 0x.. on purpose:
// ipmi_sim reads bare numbers as decimal)

const hex = (n: number) => '0x' + (n & 0xff).toString(16).padStart(2, '0');

interface SensorSpec {
  num: number;
  type: number; // sensor type: 0x01 temperature, 0x02 voltage, 0x04 fan, 0x0b other units
  entity: number;
  unit: number; // base unit: 1 degrees C, 4 volts, 6 watts, 18 RPM
  m: number;
  rExp: number;
  name: string;
  value: number; // raw reading
  nominal: number;
  // raw thresholds (undefined = none): lnc lc lnr unc uc unr
  th: [number?, number?, number?, number?, number?, number?];
}

function sensorsFor(i: number): SensorSpec[] {
  return [
    { num: 1, type: 0x01, entity: 0x03, unit: 1, m: 1, rExp: 0, name: 'CPU Temp', value: 38 + (i % 7), nominal: 40, th: [undefined, undefined, undefined, 75, 85, 95] },
    { num: 2, type: 0x04, entity: 0x1d, unit: 18, m: 50, rExp: 0, name: 'Fan1', value: 96 + (i % 5), nominal: 96, th: [20, 10, 5, undefined, undefined, undefined] },
    { num: 3, type: 0x02, entity: 0x07, unit: 4, m: 1, rExp: -1, name: '12V', value: 120 + (i % 3), nominal: 120, th: [114, 108, undefined, 126, 132, undefined] },
    { num: 4, type: 0x0b, entity: 0x0a, unit: 6, m: 4, rExp: 0, name: 'PSU1 Power', value: 55 + (i % 11), nominal: 60, th: [undefined, undefined, undefined, 200, 225, undefined] },
  ];
}

/** A Full Sensor Record (SDR type 0x01, IPMI 2.0 section 43.1) as bytes. */
function fullSensorSdr(mc: number, s: SensorSpec): number[] {
  const lower = (s.th[0] !== undefined ? 1 : 0) | (s.th[1] !== undefined ? 2 : 0) | (s.th[2] !== undefined ? 4 : 0);
  const upper = (s.th[3] !== undefined ? 1 : 0) | (s.th[4] !== undefined ? 2 : 0) | (s.th[5] !== undefined ? 4 : 0);
  const readable = lower | (upper << 3);
  const id = [...Buffer.from(s.name.slice(0, 16), 'latin1')];
  const body = [
    mc, 0x00, s.num, s.entity, 0x01,
    0x41, // sensor initialization: scanning enabled
    0x47, // capabilities: auto re-arm, thresholds readable, no event messages
    s.type, 0x01, // threshold-based
    0x00, lower << 4, // assertion mask / lower threshold reading mask
    0x00, upper << 4, // deassertion mask / upper threshold reading mask
    0x00, readable, // settable / readable threshold mask
    0x00, s.unit, 0x00, 0x00, // unsigned, base unit, no modifier, linear
    s.m & 0xff, (s.m >> 8) & 0x03, 0x00, 0x00, 0x00,
    (s.rExp & 0x0f) << 4, // R exponent, B exponent 0
    0x01, s.nominal, 0x00, 0x00, // nominal reading given; normal max/min unused
    0xff, 0x00, // sensor max / min reading
    s.th[5] ?? 0, s.th[4] ?? 0, s.th[3] ?? 0, s.th[2] ?? 0, s.th[1] ?? 0, s.th[0] ?? 0,
    0x00, 0x00, 0x00, 0x00, 0x00, // hysteresis, reserved, OEM
    0xc0 | id.length, ...id,
  ];
  return [0x00, 0x00, 0x51, 0x01, body.length, ...body];
}

function mcCommands(mc: number, index: number): string[] {
  const a = hex(mc);
  const out = [
    `mc_add ${a} 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02`,
    `sel_enable ${a} 1000 0x0a`,
  ];
  for (const s of sensorsFor(index)) {
    const n = hex(s.num);
    const enabled = [5, 4, 3, 2, 1, 0].map((k) => (s.th[k] !== undefined ? '1' : '0')).join('');
    out.push(
      `sensor_add ${a} 0 ${n} ${hex(s.type)} 0x01`,
      `main_sdr_add ${a} ${fullSensorSdr(mc, s).map(hex).join(' ')}`,
      `sensor_set_threshold ${a} 0 ${n} readable ${enabled} ${[5, 4, 3, 2, 1, 0].map((k) => hex(s.th[k] ?? 0)).join(' ')}`,
      `sensor_set_value ${a} 0 ${n} ${hex(s.value)} 0`,
      `sensor_set_event_support ${a} 0 ${n} enable scanning none 000000000000000 000000000000000 000000000000000 000000000000000`,
    );
  }
  out.push(`mc_enable ${a}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// SEL: ipmi_sim's `sel_add` ignores the timestamp it is given and stamps entries with its SEL
// clock, which starts at the host's uptime (ipmitool shows "Pre-Init"). Instead the lab writes
// the entries into ipmi_sim's persistence file (<persist>/ipmi_sim/<name>/sel.<mc>), which
// ipmi_sim loads at `sel_enable` with the timestamps as written. Format (lanserv/persist.c):
// lines "name:type:value", read back in reverse order, data bytes as \XX with upper-case hex
// (its reader mis-parses lower case). Entries added later still get the SEL clock's time.

const le32 = (t: number) => [t & 0xff, (t >>> 8) & 0xff, (t >>> 16) & 0xff, (t >>> 24) & 0xff];

export function selPersistFile(mc: number, nowSec: number): string {
  // ago (s), sensor type, sensor number, event dir/type, event data 1..3
  const events: [number, number[]][] = [
    [7200, [0x10, 0x00, 0x6f, 0x02, 0xff, 0xff]], // Event Logging Disabled: log area reset/cleared
    [7140, [0x1d, 0x00, 0x6f, 0x00, 0xff, 0xff]], // System Boot Initiated: initiated by power up
    [3600, [0x01, 0x01, 0x01, 0x57, 78, 75]], // CPU Temp: upper non-critical going high, asserted
    [3480, [0x01, 0x01, 0x81, 0x57, 70, 75]], // ... deasserted
  ];
  const lines = [`last_add_time:i:${nowSec - events[events.length - 1][0]}`, `last_erase_time:i:${nowSec - events[0][0]}`];
  events.forEach(([ago, ev], k) => {
    const id = k + 1;
    // record id, record type 0x02 (system event), timestamp, generator id (this MC), EvM rev 4
    const bytes = [id & 0xff, id >> 8, 0x02, ...le32(nowSec - ago), mc, 0x00, 0x04, ...ev];
    lines.push(`${id}:d:${bytes.map((x) => '\\' + x.toString(16).toUpperCase().padStart(2, '0')).join('')}`);
  });
  return lines.reverse().join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// RMCP probe: Get Channel Authentication Capabilities outside a session (IPMI 1.5 framing),
// which every BMC answers; proves the MC is enabled behind that UDP port.

function authCapsRequest(): Buffer {
  const rs = [0x20, 0x06 << 2];
  const rq = [0x81, 0x00, 0x38, 0x0e, 0x04];
  const cks = (b: number[]) => (0x100 - (b.reduce((x, y) => x + y, 0) & 0xff)) & 0xff;
  const msg = [...rs, cks(rs), ...rq, cks(rq)];
  return Buffer.from([0x06, 0x00, 0xff, 0x07, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, msg.length, ...msg]);
}

/** Ports (of those given) whose BMC answered within `timeoutMs`. Resends every 100 ms. */
export async function probeBmcs(ports: number[], timeoutMs = 1000, host = '127.0.0.1'): Promise<Set<number>> {
  const answered = new Set<number>();
  if (ports.length === 0) return answered;
  const sock = createSocket('udp4');
  const req = authCapsRequest();
  sock.on('message', (buf, rinfo) => {
    // RMCP(4) + session header with auth type none(10) + rqAddr netFn cks rsAddr seq cmd cc
    if (buf.length >= 21 && buf[3] === 0x07 && buf[4] === 0x00 && buf[19] === 0x38 && buf[20] === 0x00) {
      answered.add(rinfo.port);
    }
  });
  sock.on('error', () => {});
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', () => resolve()));
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      const pending = ports.filter((p) => !answered.has(p));
      if (pending.length === 0) break;
      for (const p of pending) sock.send(req, p, host);
      const until = Math.min(deadline, Date.now() + 100);
      while (Date.now() < until && ports.some((p) => !answered.has(p))) await sleep(5);
    }
  } finally {
    sock.close();
  }
  return answered;
}

// ---------------------------------------------------------------------------------------------

interface ProcPlan {
  key: string;
  dir: string;
  bmcs: { name: string; index: number; mc: number; solPort?: number; guid: string }[];
}

function lanConf(plan: ProcPlan, ports: number[], chassis: string, user: string, password: string): string {
  const lines = [`# ClusterDeck lab: ipmi_sim LAN config for ${plan.bmcs.map((b) => b.name).join(', ')}`, `name "lab-${plan.key}"`, ''];
  plan.bmcs.forEach((b, k) => {
    lines.push(
      `set_working_mc ${hex(b.mc)}`,
      '  startlan 1',
      `    addr 127.0.0.1 ${ports[k]}`,
      '    priv_limit admin',
      '    allowed_auths_callback none md2 md5 straight',
      '    allowed_auths_user none md2 md5 straight',
      '    allowed_auths_operator none md2 md5 straight',
      '    allowed_auths_admin none md2 md5 straight',
      `    guid ${b.guid}`,
      '  endlan',
      `  chassis_control "'${chassis}' ${b.name}"`,
    );
    if (b.solPort !== undefined) lines.push(`  sol "tcp:127.0.0.1:${b.solPort}" 115200 history=65536`);
    lines.push(`  user 2 true "${user}" "${password}" admin 10 none md2 md5 straight`, '');
  });
  return lines.join('\n');
}

function commandsFile(plan: ProcPlan): string {
  const lines = ['# ClusterDeck lab: ipmi_sim commands', 'mc_setbmc 0x20'];
  for (const b of plan.bmcs) lines.push('', `# ${b.name}`, ...mcCommands(b.mc, b.index));
  return lines.join('\n') + '\n';
}

function bmcRange(plan: ProcPlan): string {
  const n = plan.bmcs.map((b) => b.name);
  return n.length === 1 ? n[0] : `${n[0]}..${n[n.length - 1]}`;
}

export async function startBmcs(opts: StartBmcsOptions): Promise<BmcGroup> {
  if (opts.signal?.aborted) throw abortError(opts.signal);
  const prefix = opts.namePrefix ?? 'bmc';
  const first = opts.firstIndex ?? 1;
  const perProc = opts.bmcsPerProcess ?? DEFAULT_BMCS_PER_PROCESS;
  const user = opts.user ?? 'admin';
  const password = opts.password ?? randomPassword(16);
  const timeoutMs = opts.timeoutMs ?? 20_000;
  if (!Number.isInteger(opts.count) || opts.count < 0) throw new AppError('LAB_BAD_OPTION', `bad BMC count ${opts.count}`);
  if (!Number.isInteger(perProc) || perProc < 1 || perProc > MAX_BMCS_PER_PROCESS) {
    throw new AppError('LAB_BAD_OPTION', `bmcsPerProcess must be 1..${MAX_BMCS_PER_PROCESS}`);
  }
  if (!SAFE_NAME.test(prefix)) throw new AppError('LAB_BAD_OPTION', `bad BMC name prefix "${prefix}"`);
  if (!SAFE_NAME.test(user) || user.length > 16) throw new AppError('LAB_BAD_OPTION', `bad BMC user name "${user}"`);
  if (!SAFE_SECRET.test(password) || password.includes('"')) {
    throw new AppError('LAB_BAD_OPTION', 'BMC password must be 1..20 printable ASCII characters without quotes');
  }
  if (opts.ports && (opts.ports.length !== opts.count || !opts.ports.every((p) => Number.isInteger(p) && p > 0 && p < 65536))) {
    throw new AppError('LAB_BAD_OPTION', `ports must list ${opts.count} UDP port numbers`);
  }
  const stateDir = resolve(opts.stateDir);
  if (!SAFE_PATH.test(stateDir)) throw new AppError('LAB_BAD_OPTION', `state folder path has quotes or $: ${stateDir}`);

  const width = Math.max(3, String(first + opts.count - 1).length);
  const names = Array.from({ length: opts.count }, (_, k) => `${prefix}${String(first + k).padStart(width, '0')}`);
  const dir = join(stateDir, 'bmc');
  // The state folder itself may be the caller's; only the lab's own folders are made private.
  for (const d of [dir, join(dir, 'power'), join(dir, 'boot')]) {
    mkdirSync(d, { recursive: true, mode: 0o700 });
    chmodSync(d, 0o700);
  }
  const chassis = join(dir, 'chassis.sh');
  writeFileSync(chassis, CHASSIS_SCRIPT, { mode: 0o755 });
  chmodSync(chassis, 0o755);
  for (const name of names) {
    const pf = join(dir, 'power', name);
    if (!existsSync(pf)) writeFileSync(pf, (opts.initialPower ?? 'on') === 'on' ? '1\n' : '0\n');
  }

  const pids: PidRecord[] = [];
  const record = (rec: PidRecord) => {
    pids.push(rec);
    opts.onSpawn?.(rec);
  };
  // A process that failed and was stopped during start is dropped from `pids`.
  const forget = (rec: PidRecord) => {
    const k = pids.indexOf(rec);
    if (k >= 0) pids.splice(k, 1);
  };
  const group: BmcGroup = {
    bmcs: [],
    pids,
    dir,
    async readPower(name) {
      const v = readFileSync(join(dir, 'power', name), 'utf8').trim();
      return v === '1' ? 'on' : 'off';
    },
    async readBootDevice(name) {
      try {
        return readFileSync(join(dir, 'boot', name), 'utf8').trim();
      } catch {
        return 'none';
      }
    },
    async stop() {
      await stopProcesses(pids);
    },
  };
  if (names.length === 0) return group;

  try {
    const plans: ProcPlan[] = [];
    for (let k = 0; k < names.length; k += perProc) {
      const slice = names.slice(k, k + perProc);
      plans.push({
        key: slice[0],
        dir: join(dir, `ipmi_sim-${slice[0]}`),
        bmcs: slice.map((name, j) => ({ name, index: first + k + j, mc: 0x20 + 2 * j, guid: randomBytes(16).toString('hex') })),
      });
    }
    if (opts.sol ?? true) {
      const serialDir = join(dir, `serial-${names[0]}`);
      mkdirSync(serialDir, { recursive: true, mode: 0o700 });
      const consoles = await startSerialConsoles(serialDir, names, { signal: opts.signal });
      record(consoles.record);
      for (const p of plans) for (const b of p.bmcs) b.solPort = consoles.ports.get(b.name);
    }
    const used = new Set<number>();
    const fixed = opts.ports !== undefined;
    const allPorts = opts.ports ?? (await pickFreePorts('udp', names.length));
    allPorts.forEach((p) => used.add(p));
    let offset = 0;
    // allSettled: every process must have been spawned and recorded before a cleanup runs.
    const settled = await Promise.allSettled(
      plans.map((plan) => {
        const ports = allPorts.slice(offset, offset + plan.bmcs.length);
        offset += plan.bmcs.length;
        return runProcess(plan, ports, used, { chassis, user, password, timeoutMs, signal: opts.signal, record, forget, fixed });
      }),
    );
    const failed = settled.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) {
      if (failed.length > 1 && failed[0].reason instanceof AppError && failed[0].reason.code !== 'LAB_ABORTED') {
        failed[0].reason.message += ` (and ${failed.length - 1} more ipmi_sim processes failed)`;
      }
      throw failed[0].reason;
    }
    const results = settled.map((r) => (r as PromiseFulfilledResult<number[]>).value);
    results.forEach((ports, k) => {
      plans[k].bmcs.forEach((b, j) => {
        group.bmcs.push({ name: b.name, host: '127.0.0.1', port: ports[j], user, password, solPort: b.solPort });
      });
    });
    return group;
  } catch (err) {
    await stopProcesses(pids).catch(() => undefined);
    throw err;
  }
}

/** Start one ipmi_sim for a plan; retry with fresh ports if another process took one. */
async function runProcess(
  plan: ProcPlan,
  firstPorts: number[],
  used: Set<number>,
  o: {
    chassis: string;
    user: string;
    password: string;
    timeoutMs: number;
    signal?: AbortSignal;
    record: (r: PidRecord) => void;
    forget: (r: PidRecord) => void;
    fixed: boolean;
  },
): Promise<number[]> {
  rmSync(plan.dir, { recursive: true, force: true });
  mkdirSync(join(plan.dir, 'persist'), { recursive: true, mode: 0o700 });
  const conf = join(plan.dir, 'lan.conf');
  const cmds = join(plan.dir, 'commands');
  const log = join(plan.dir, 'ipmi_sim.log');
  writeFileSync(cmds, commandsFile(plan), { mode: 0o600 });
  // ipmi_sim keeps state under <persist>/ipmi_sim/<name from lan.conf>; the folder is new on every
  // start, so only what is written here (the seeded SELs) is loaded.
  const persist = join(plan.dir, 'persist', 'ipmi_sim', `lab-${plan.key}`);
  mkdirSync(persist, { recursive: true, mode: 0o700 });
  const now = Math.floor(Date.now() / 1000);
  for (const b of plan.bmcs) writeFileSync(join(persist, `sel.${b.mc.toString(16).padStart(2, '0')}`), selPersistFile(b.mc, now));
  let ports = firstPorts;
  for (let attempt = 1; ; attempt++) {
    // lan.conf holds the password: owner-only.
    writeFileSync(conf, lanConf(plan, ports, o.chassis, o.user, o.password), { mode: 0o600 });
    const spawned = await spawnDetached('ipmi_sim', 'ipmi_sim', ['-c', conf, '-f', cmds, '-s', join(plan.dir, 'persist'), '-n'], {
      log,
      cwd: plan.dir,
      what: `ipmi_sim for ${bmcRange(plan)}`,
    });
    o.record(spawned.record);
    const outcome = await waitBmcsUp(spawned, ports, o.timeoutMs, o.signal);
    if (outcome.ok) return ports;
    await stopProcesses([spawned.record]);
    o.forget(spawned.record);
    if (outcome.stolen.length > 0 && !o.fixed && attempt < 3) {
      ports = await pickFreePorts('udp', ports.length, used);
      ports.forEach((p) => used.add(p));
      continue;
    }
    // With -n ipmi_sim reports configuration errors nowhere; say how to see them.
    const hint = outcome.stolen.length === 0 && !outcome.exited ? ` (to see config errors run: cd ${plan.dir} && ipmi_sim -c lan.conf -f commands -s persist)` : '';
    throw new AppError('LAB_BMC_START_FAILED', `ipmi_sim (pid ${spawned.record.pid}) for ${bmcRange(plan)} ${outcome.why}; see ${log}${hint}`, {
      log,
    });
  }
}

async function waitBmcsUp(
  spawned: Spawned,
  ports: number[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ ok: true } | { ok: false; why: string; stolen: number[]; exited?: boolean }> {
  const pid = spawned.record.pid;
  const started = Date.now();
  const deadline = started + timeoutMs;
  let lastOwners = new Map<number, string>();
  while (Date.now() < deadline) {
    if (signal?.aborted) throw abortError(signal);
    const exit = spawned.exitStatus();
    if (exit) {
      // A port someone else holds makes ipmi_sim print "Unable to bind to LAN port: Address
      // already in use" and exit 1 (or, in some setups, run on without that socket).
      const stolen = ports.filter((p) => portOwners('udp', [p], pid).get(p) === 'other');
      const why = stolen.length
        ? `could not bind UDP ports ${stolen.join(', ')} (in use)`
        : `exited (code ${exit.code}, signal ${exit.signal})`;
      return { ok: false, why, stolen, exited: true };
    }
    const owners = portOwners('udp', ports, pid);
    lastOwners = owners;
    const stolen = ports.filter((p) => owners.get(p) === 'other');
    // ipmi_sim binds its ports while reading its config; a port someone else holds is never
    // bound (with -n it says nothing), so give up on it once the others are bound or after 1 s.
    if (stolen.length > 0 && (ports.some((p) => owners.get(p) === 'pid') || Date.now() - started > 1000)) {
      return { ok: false, why: `could not bind UDP ports ${stolen.join(', ')} (in use)`, stolen };
    }
    if (ports.every((p) => owners.get(p) === 'pid')) {
      const answered = await probeBmcs(ports, Math.min(1000, Math.max(100, deadline - Date.now())));
      if (answered.size === ports.length) return { ok: true };
    } else {
      await sleep(20);
    }
  }
  const unbound = ports.filter((p) => lastOwners.get(p) !== 'pid');
  const stolen = ports.filter((p) => lastOwners.get(p) === 'other');
  return {
    ok: false,
    why: unbound.length
      ? `did not bind UDP ports ${unbound.join(', ')} within ${timeoutMs} ms`
      : `did not answer IPMI on its ports within ${timeoutMs} ms`,
    stolen,
  };
}
