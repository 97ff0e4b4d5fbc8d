// `clusterdeck lab up/down`: start BMCs and ssh nodes into a state folder, record everything
// (including pids and command lines) in <stateDir>/lab.json, and stop exactly that later.

import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import { startBmcs, type BmcPeer, type BmcGroup } from './ipmi';
import { abortError, identify, stopProcesses, type PidRecord, type StopResult } from './procs';
import { startSshd, type SshPeer, type SshServer } from './ssh';

export interface SshNodePeer extends SshPeer {
  /** Node name for the inventory (node001, ...); many nodes share one sshd. */
  name: string;
}

export interface SshdInfo extends SshPeer {
  pid: number;
  log: string;
  knownHostsPath: string;
}

/** Only what a client needs to log in (an SshServer also carries its process). */
const loginFacts = (s: SshPeer): SshPeer => ({
  host: s.host, port: s.port, user: s.user, privateKeyPath: s.privateKeyPath, publicKey: s.publicKey,
  hostKeyFingerprint: s.hostKeyFingerprint, hostPublicKey: s.hostPublicKey,
});

export interface LabState {
  version: 1;
  /** "starting" while labUp runs (pids so far are recorded), "up" when everything answered. */
  status: 'starting' | 'up';
  createdAt: string;
  stateDir: string;
  bmcs: BmcPeer[];
  ssh: SshNodePeer[];
  sshds: SshdInfo[];
  pids: PidRecord[];
}

export interface LabUpOptions {
  stateDir: string;
  bmcs: number;
  sshNodes: number;
  bmcsPerProcess?: number;
  /** ssh nodes served by one sshd. Default 200 (sshd is configured for MaxStartups 200). */
  sshNodesPerSshd?: number;
  /** BMC admin password. Default: random per lab. */
  password?: string;
  sol?: boolean;
  signal?: AbortSignal;
}

export const LAB_FILE = 'lab.json';

export function labFilePath(stateDir: string): string {
  return join(resolve(stateDir), LAB_FILE);
}

function writeLabFile(state: LabState): void {
  const file = labFilePath(state.stateDir);
  // Holds the BMC password: owner-only, replaced atomically.
  writeFileSync(file + '.tmp', JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  renameSync(file + '.tmp', file);
}

/** The recorded lab, or null if there is no lab.json. */
export function readLabState(stateDir: string): LabState | null {
  let text: string;
  try {
    text = readFileSync(labFilePath(stateDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let state: LabState;
  try {
    state = JSON.parse(text) as LabState;
  } catch {
    throw new AppError('LAB_STATE_CORRUPT', `${labFilePath(stateDir)} is not valid JSON`);
  }
  if (!state || !Array.isArray(state.pids)) throw new AppError('LAB_STATE_CORRUPT', `${labFilePath(stateDir)} has no pids`);
  return state;
}

export async function labUp(opts: LabUpOptions): Promise<LabState> {
  if (opts.signal?.aborted) throw abortError(opts.signal);
  const stateDir = resolve(opts.stateDir);
  // New folders are private; an existing one is left as it is (lab.json itself is 0600).
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const previous = readLabState(stateDir);
  if (previous) {
    const alive = previous.pids.filter((r) => identify(r) === 'ours').map((r) => r.pid);
    if (alive.length > 0) {
      throw new AppError('LAB_ALREADY_UP', `a lab is already running in ${stateDir} (pids ${alive.join(', ')}); run lab down first`, {
        stateDir,
      });
    }
  }
  const state: LabState = {
    version: 1,
    status: 'starting',
    createdAt: new Date().toISOString(),
    stateDir,
    bmcs: [],
    ssh: [],
    sshds: [],
    pids: [],
  };
  const onSpawn = (rec: PidRecord) => {
    state.pids.push(rec);
    writeLabFile(state);
  };
  writeLabFile(state);
  try {
    const perSshd = opts.sshNodesPerSshd ?? 200;
    const nSshd = opts.sshNodes > 0 ? Math.ceil(opts.sshNodes / perSshd) : 0;
    // allSettled, not all: on a failure every starter must have finished spawning before the
    // cleanup below, or a late process would escape it.
    const [bmcResult, ...sshdResults] = await Promise.allSettled([
      startBmcs({
        stateDir,
        count: opts.bmcs,
        bmcsPerProcess: opts.bmcsPerProcess,
        password: opts.password,
        sol: opts.sol,
        signal: opts.signal,
        onSpawn,
      }),
      ...Array.from({ length: nSshd }, (_, k) =>
        startSshd({ stateDir, name: nSshd === 1 ? 'sshd' : `sshd-${k + 1}`, signal: opts.signal, onSpawn }),
      ),
    ]);
    for (const r of [bmcResult, ...sshdResults]) if (r.status === 'rejected') throw r.reason;
    const group = (bmcResult as PromiseFulfilledResult<BmcGroup>).value;
    const sshds = sshdResults.map((r) => (r as PromiseFulfilledResult<SshServer>).value);
    state.bmcs = group.bmcs;
    state.sshds = sshds.map((s) => ({ ...loginFacts(s), pid: s.pid, log: s.log, knownHostsPath: s.knownHostsPath }));
    const width = Math.max(3, String(opts.sshNodes).length);
    for (let i = 0; i < opts.sshNodes; i++) {
      const s = sshds[Math.floor(i / perSshd)];
      state.ssh.push({ name: `node${String(i + 1).padStart(width, '0')}`, ...loginFacts(s) });
    }
    // Exactly the processes that run now (the journal above may list failed, stopped attempts).
    state.pids = [...group.pids, ...sshds.map((s) => s.record)];
    state.status = 'up';
    writeLabFile(state);
    return state;
  } catch (err) {
    await stopProcesses(state.pids).catch(() => undefined);
    rmSync(labFilePath(stateDir), { force: true });
    throw err;
  }
}

export interface LabDownResult extends StopResult {
  /** False if there was no lab.json in the folder (nothing to do). */
  found: boolean;
}

/**
 * Stop what lab.json records: only pids that are still the recorded processes (start time and
 * command line), SIGTERM then SIGKILL after a grace period, waiting until they are gone. Then
 * removes lab.json. Pids already gone, or reused by another process, are reported, not touched.
 */
export async function labDown(stateDir: string, opts: { graceMs?: number } = {}): Promise<LabDownResult> {
  const state = readLabState(stateDir);
  if (!state) return { found: false, stopped: [], alreadyGone: [], reused: [] };
  const res = await stopProcesses(state.pids, opts.graceMs);
  rmSync(labFilePath(stateDir), { force: true });
  return { found: true, ...res };
}
