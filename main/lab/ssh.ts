// A throwaway OpenSSH sshd on 127.0.0.1 with its own ed25519 host key and one ed25519 client key.
// Logins: the user running this process, by public key only. Many inventory nodes may point at
// one sshd (same host and port), which is how the lab simulates an N-node cluster.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '../../shared/errors';
import { pickFreePorts, portOwners } from './ports';
import { abortError, sleep, spawnDetached, stopProcesses, type PidRecord } from './procs';

const execFileP = promisify(execFile);

export const SSHD = '/usr/sbin/sshd';

export interface SshPeer {
  host: string;
  port: number;
  user: string;
  /** Private key (OpenSSH format, no passphrase) authorized for `user`. */
  privateKeyPath: string;
  /** The matching public key line, "ssh-ed25519 AAAA... comment". */
  publicKey: string;
  /** The server's host key fingerprint as `ssh-keygen -lf` prints it: "SHA256:...". */
  hostKeyFingerprint: string;
  /** The server's host public key, "ssh-ed25519 AAAA..." (no comment). */
  hostPublicKey: string;
}

export interface SshServer extends SshPeer {
  pid: number;
  record: PidRecord;
  /** sshd's own log (-E). */
  log: string;
  /** A known_hosts file with the host key for [host]:port. */
  knownHostsPath: string;
  stop(): Promise<void>;
}

export interface StartSshdOptions {
  stateDir: string;
  /** Default: a free port. */
  port?: number;
  /** Sub-folder of stateDir for this sshd's files. Default "sshd". */
  name?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  onSpawn?: (rec: PidRecord) => void;
}

/** "SHA256:<base64 without padding>" of an OpenSSH public key line, as ssh-keygen -l prints it. */
export function fingerprintOf(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.trim().split(/\s+/)[1] ?? '', 'base64');
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** The known_hosts line for a peer (OpenSSH writes non-22 ports as [host]:port). */
export function knownHostsLine(peer: Pick<SshPeer, 'host' | 'port' | 'hostPublicKey'>): string {
  const host = peer.port === 22 ? peer.host : `[${peer.host}]:${peer.port}`;
  return `${host} ${peer.hostPublicKey}`;
}

async function keygen(path: string, comment: string): Promise<void> {
  if (existsSync(path) && existsSync(path + '.pub')) return;
  try {
    await execFileP('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { timeout: 15_000 });
  } catch (err) {
    throw new AppError('LAB_SSH_KEYGEN_FAILED', `ssh-keygen could not create ${path}: ${(err as Error).message}`);
  }
}

/** Wait for an SSH identification string ("SSH-2.0-...") on host:port. */
function readBanner(port: number, ms: number): Promise<string | null> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    let data = '';
    const done = (v: string | null) => {
      clearTimeout(t);
      sock.destroy();
      resolve(v);
    };
    const t = setTimeout(() => done(null), ms);
    sock.on('data', (b) => {
      data += b.toString('latin1');
      const line = data.split('\n')[0];
      if (data.includes('\n')) done(line.startsWith('SSH-') ? line.trim() : null);
    });
    sock.on('error', () => done(null));
    sock.on('close', () => done(null));
  });
}

export async function startSshd(opts: StartSshdOptions): Promise<SshServer> {
  if (opts.signal?.aborted) throw abortError(opts.signal);
  const dir = join(resolve(opts.stateDir), opts.name ?? 'sshd');
  const timeoutMs = opts.timeoutMs ?? 15_000;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const user = userInfo().username;
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  const clientKey = join(dir, 'id_ed25519');
  await Promise.all([keygen(hostKey, 'clusterdeck-lab-host'), keygen(clientKey, 'clusterdeck-lab-client')]);
  const publicKey = readFileSync(clientKey + '.pub', 'utf8').trim();
  const hostPubLine = readFileSync(hostKey + '.pub', 'utf8').trim();
  const hostPublicKey = hostPubLine.split(/\s+/).slice(0, 2).join(' ');
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, publicKey + '\n', { mode: 0o600 });

  try {
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  } catch {
    // not root: sshd will say what is missing in its log
  }

  const log = join(dir, 'sshd.log');
  const outLog = join(dir, 'sshd.stdout.log');
  const config = join(dir, 'sshd_config');
  const tried = new Set<number>();
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await pickFreePorts('tcp', 1, tried))[0];
    tried.add(port);
    writeFileSync(
      config,
      [
        '# ClusterDeck lab sshd (written by main/lab)',
        'ListenAddress 127.0.0.1',
        `Port ${port}`,
        `HostKey "${hostKey}"`,
        `AuthorizedKeysFile "${authorized}"`,
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'StrictModes no',
        'UsePAM no',
        'MaxStartups 200:30:400',
        'MaxSessions 100',
        'PrintMotd no',
        'PrintLastLog no',
        'UseDNS no',
        'X11Forwarding no',
        `PidFile "${join(dir, 'sshd.pid')}"`,
        'Subsystem sftp internal-sftp',
        '',
      ].join('\n'),
    );
    const spawned = await spawnDetached('sshd', SSHD, ['-D', '-f', config, '-E', log], { log: outLog, what: 'sshd' });
    opts.onSpawn?.(spawned.record);
    const pid = spawned.record.pid;
    const deadline = Date.now() + timeoutMs;
    let why: string | null = null;
    let stolen = false;
    for (;;) {
      if (opts.signal?.aborted) {
        await stopProcesses([spawned.record]);
        throw abortError(opts.signal);
      }
      const exit = spawned.exitStatus();
      if (exit) {
        why = `exited (code ${exit.code}, signal ${exit.signal})`;
        stolen = /Address already in use/i.test(safeRead(log));
        break;
      }
      const owner = portOwners('tcp', [port], pid).get(port);
      if (owner === 'pid' && (await readBanner(port, 2000))) {
        const server: SshServer = {
          host: '127.0.0.1',
          port,
          user,
          privateKeyPath: clientKey,
          publicKey,
          hostKeyFingerprint: fingerprintOf(hostPubLine),
          hostPublicKey,
          pid,
          record: spawned.record,
          log,
          knownHostsPath: join(dir, 'known_hosts'),
          stop: async () => {
            await stopProcesses([spawned.record]);
          },
        };
        writeFileSync(server.knownHostsPath, knownHostsLine(server) + '\n', { mode: 0o600 });
        return server;
      }
      if (Date.now() > deadline) {
        why = `did not accept connections on 127.0.0.1:${port} within ${timeoutMs} ms`;
        break;
      }
      await sleep(20);
    }
    await stopProcesses([spawned.record]);
    if (stolen && opts.port === undefined && attempt < 3) continue;
    throw new AppError('LAB_SSHD_START_FAILED', `sshd (pid ${pid}) ${why}; see ${log} and ${outLog}`, { log });
  }
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
