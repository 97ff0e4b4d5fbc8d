import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { identify, isRunning, labDown, labFilePath, labUp, readLabState, unboundOf, type LabState } from '../../../main/lab';
import { ipmitool, removeDir, run, sshArgs, tempStateDir } from './helpers';

const dirs: string[] = [];
const sleepers: ChildProcess[] = [];

function newDir(): string {
  const d = tempStateDir('lab');
  dirs.push(d);
  return d;
}

async function readProcStartTime(pid: number): Promise<number> {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

// Whatever a test leaves behind (even after a failed assertion) is stopped here.
afterEach(async () => {
  for (const d of dirs) await labDown(d).catch(() => undefined);
});

afterAll(async () => {
  for (const s of sleepers) if (s.exitCode === null) s.kill('SIGKILL');
  for (const d of dirs) removeDir(d);
});

describe('lab: labUp / labDown', () => {
  it('round trip: lab.json records peers and pids; labDown stops exactly those and removes it', async () => {
    const dir = newDir();
    const state = await labUp({ stateDir: dir, bmcs: 4, sshNodes: 5 });
    expect(state.status).toBe('up');
    expect(state.bmcs).toHaveLength(4);
    expect(state.ssh.map((n) => n.name)).toEqual(['node001', 'node002', 'node003', 'node004', 'node005']);
    // All ssh nodes are aliases of one sshd.
    expect(new Set(state.ssh.map((n) => n.port)).size).toBe(1);
    expect(state.sshds).toHaveLength(1);
    expect(state.pids.map((p) => p.kind).sort()).toEqual(['ipmi_sim', 'serial', 'sshd']);
    for (const p of state.pids) {
      expect(p.cmdline.length).toBeGreaterThan(0);
      expect(identify(p)).toBe('ours');
    }

    const file = labFilePath(dir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as LabState;
    expect(onDisk).toEqual(state);
    expect(readLabState(dir)).toEqual(state);

    // The peers work.
    expect(await ipmitool(state.bmcs[3], 'chassis', 'power', 'status')).toContain('Chassis Power is on');
    const n = state.ssh[2];
    const { stdout } = await run('ssh', [...sshArgs(n, state.sshds[0].knownHostsPath), `${n.user}@${n.host}`, 'echo', 'ok']);
    expect(stdout.trim()).toBe('ok');

    // A second labUp in the same folder refuses.
    await expect(labUp({ stateDir: dir, bmcs: 1, sshNodes: 1 })).rejects.toThrow(/already running/);

    const res = await labDown(dir);
    expect(res.found).toBe(true);
    expect(res.stopped.sort()).toEqual(state.pids.map((p) => p.pid).sort());
    expect(res.alreadyGone).toEqual([]);
    expect(state.pids.filter((p) => isRunning(p.pid))).toEqual([]);
    expect(existsSync(file)).toBe(false);
    const udp = state.bmcs.map((b) => b.port);
    expect(unboundOf('udp', udp)).toEqual(udp);
    expect(unboundOf('tcp', [state.sshds[0].port])).toEqual([state.sshds[0].port]);

    // Nothing left to do.
    expect(await labDown(dir)).toEqual({ found: false, stopped: [], alreadyGone: [], reused: [] });
  });

  it('labDown reports a pid that was already killed and stops the rest', async () => {
    const dir = newDir();
    const state = await labUp({ stateDir: dir, bmcs: 2, sshNodes: 1 });
    const sshd = state.pids.find((p) => p.kind === 'sshd')!;
    process.kill(sshd.pid, 'SIGKILL');
    while (isRunning(sshd.pid)) await new Promise((r) => setTimeout(r, 10));

    const res = await labDown(dir);
    expect(res.alreadyGone).toEqual([sshd.pid]);
    expect(res.reused).toEqual([]);
    expect(res.stopped.sort()).toEqual(state.pids.filter((p) => p !== sshd).map((p) => p.pid).sort());
    expect(state.pids.filter((p) => isRunning(p.pid))).toEqual([]);
  });

  it('labDown leaves alone a pid whose command line or start time no longer match', async () => {
    const dir = newDir();
    const state = await labUp({ stateDir: dir, bmcs: 1, sshNodes: 1 });
    const a = spawn('sleep', ['300'], { stdio: 'ignore' });
    const b = spawn('sleep', ['301'], { stdio: 'ignore' });
    sleepers.push(a, b);
    await new Promise((r) => setTimeout(r, 50));
    const bStart = await readProcStartTime(b.pid!);

    // As if the recorded processes had died and their pids were reused by these sleeps: one
    // record keeps sshd's command line (mismatch), one has the sleep's command line but another
    // start time (mismatch).
    const edited: LabState = JSON.parse(readFileSync(labFilePath(dir), 'utf8'));
    const sshd = edited.pids.find((p) => p.kind === 'sshd')!;
    const realSshdPid = sshd.pid;
    edited.pids.push({ ...sshd, pid: a.pid! });
    edited.pids.push({ pid: b.pid!, kind: 'serial', cmdline: 'sleep 301', startTime: bStart + 1 });
    writeFileSync(labFilePath(dir), JSON.stringify(edited));

    const res = await labDown(dir);
    expect(res.reused.sort()).toEqual([a.pid!, b.pid!].sort());
    expect(res.alreadyGone.sort()).toEqual([a.pid!, b.pid!].sort());
    expect(res.stopped).toContain(realSshdPid);
    await new Promise((r) => setTimeout(r, 100));
    expect(a.exitCode).toBeNull();
    expect(b.exitCode).toBeNull();
    expect(isRunning(a.pid!)).toBe(true);
    expect(isRunning(b.pid!)).toBe(true);
    expect(state.pids.filter((p) => isRunning(p.pid))).toEqual([]);
  });

  it('labUp works again after a clean down, and with zero ssh nodes', async () => {
    const dir = newDir();
    const first = await labUp({ stateDir: dir, bmcs: 1, sshNodes: 0 });
    expect(first.ssh).toEqual([]);
    expect(first.sshds).toEqual([]);
    await labDown(dir);
    const second = await labUp({ stateDir: dir, bmcs: 2, sshNodes: 0 });
    expect(second.bmcs).toHaveLength(2);
    await labDown(dir);
  });
});
