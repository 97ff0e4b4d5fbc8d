/**
 * ClusterDeck lab: real peers on 127.0.0.1 for `clusterdeck lab up/down` and for the tests.
 * Plain Node (no Electron import); the processes it starts are detached (own session and
 * process group) so they outlive the process that started them, and are stopped by pid.
 *
 * Peers
 * - BMCs: OpenIPMI's ipmi_sim speaking IPMI 2.0 / RMCP+ (use `ipmitool -I lanplus -C 3`).
 *   Each BMC has its own UDP port, an admin user, four threshold sensors with SDRs
 *   (CPU Temp, Fan1, 12V, PSU1 Power), a SEL with four dated entries (written to ipmi_sim's
 *   persistence file, since `sel_add` stamps entries with a clock that starts at the host's
 *   uptime; entries added later get that clock's time), chassis power/boot/identify via a
 *   POSIX sh chassis-control script that keeps the state in <stateDir>/bmc/power/<name>, and
 *   Serial over LAN backed by a simulated serial console: one small Node process per group
 *   listens on one loopback TCP port per BMC (BmcPeer.solPort), ipmi_sim connects to it, and
 *   `ipmitool -I lanplus -C 3 ... sol activate` shows "<name> login: ", echoes what is typed and
 *   answers each line with "echo: <line>" and a new prompt.
 *   One ipmi_sim serves `bmcsPerProcess` BMCs (default 10, see DEFAULT_BMCS_PER_PROCESS).
 *   100 BMCs start in about 0.2 s here (2 cores).
 * - SSH: OpenSSH's sshd with a throwaway ed25519 host key and client key; login as the user
 *   running the lab, key only. Many inventory nodes may point at one sshd.
 *
 * API
 * - startBmcs({ stateDir, count, namePrefix?, firstIndex?, bmcsPerProcess?, ports?, user?,
 *   password?, sol?, initialPower?, timeoutMs?, signal? }) -> { bmcs, pids, dir, readPower(name),
 *   readBootDevice(name), stop() }. Names bmc001, bmc002, ...; user "admin"; password random
 *   (16 letters/digits) unless given; power "on" unless stored from an earlier run. Resolves once
 *   every BMC's UDP port is bound by its own ipmi_sim (checked in /proc/net/udp against the
 *   process's sockets) and answers an RMCP Get Channel Auth Capabilities probe. Picked ports
 *   that another process takes meanwhile are re-picked (up to 3 tries); given `ports` are not.
 * - startSshd({ stateDir, port?, name?, timeoutMs?, signal? }) -> SshPeer & { pid, record, log,
 *   knownHostsPath, stop() }. Resolves once sshd owns the port and sends its SSH banner.
 * - labUp({ stateDir, bmcs, sshNodes, bmcsPerProcess?, sshNodesPerSshd?, password?, sol?, signal? })
 *   -> LabState, also written to <stateDir>/lab.json (mode 0600: it holds the BMC password).
 *   Refuses if lab.json lists processes that still run. On failure stops what it started.
 *   LabState = { version: 1, status: 'starting'|'up', createdAt, stateDir, bmcs: BmcPeer[]
 *   (bmc001...), ssh: SshNodePeer[] (node001..., each naming the sshd it is an alias of), sshds:
 *   SshdInfo[] (one per 200 nodes by default), pids: PidRecord[] ({ pid, kind, cmdline, startTime,
 *   log }) }. While starting, lab.json already lists every pid spawned, so a crashed `lab up` can
 *   still be taken down. bmcNNN and nodeNNN may be paired into one inventory node by the caller.
 * - labDown(stateDir, { graceMs? }) -> { found, stopped, alreadyGone, reused }: signals only pids
 *   whose /proc start time and command line still match lab.json (SIGTERM to the process group,
 *   SIGKILL after graceMs, default 3 s), waits until they are gone, removes lab.json. A pid that
 *   now belongs to another process is left alone and listed in `reused` (and `alreadyGone`).
 * - probeBmcs(ports, timeoutMs?) -> ports that answered (a cheap liveness check for many BMCs).
 *
 * Errors are AppError with codes LAB_* and name the peer that failed and its log file. Waits
 * time out (BMCs 20 s, sshd 15 s, serial consoles 10 s by default). Logs written by the lab hold
 * no secrets; lan.conf files and lab.json hold the BMC password and are owner-only.
 */

export { startBmcs, probeBmcs, randomPassword, DEFAULT_BMCS_PER_PROCESS, type BmcPeer, type BmcGroup, type StartBmcsOptions } from './ipmi';
export { startSshd, fingerprintOf, knownHostsLine, type SshPeer, type SshServer, type StartSshdOptions } from './ssh';
export { labUp, labDown, readLabState, labFilePath, LAB_FILE, type LabState, type LabUpOptions, type LabDownResult, type SshNodePeer, type SshdInfo } from './lab';
export { stopProcesses, identify, isRunning, type PidRecord, type PeerKind, type StopResult } from './procs';
export { pickFreePorts, unboundOf } from './ports';
export { startSlurm, stopSlurm, slurmToken, type SlurmLab, type StartSlurmOptions } from './slurm';
