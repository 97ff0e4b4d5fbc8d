// Interactive endpoints of running jobs (Jupyter, TensorBoard): find where they listen, then carry
// connections from a listener on 127.0.0.1 to there.
// - Slurm: the job reports `clusterdeck-endpoint NAME HOST PORT` in its output (the jupyter and
//   tensorboard templates print it); else the template's declared port on the job's first node.
//   Connections go through the login node as an SSH local forward (ssh -L), or straight to the
//   node when the backend is this machine.
// - Kubernetes: the same lines in the log of the job's main running pod (the jupyter-k8s and
//   tensorboard-k8s templates print them), else the template's declared port (or the port asked
//   for) on that pod, through the API server's pods/portforward.
// A forward lives as long as its caller (the UI's subscription, the CLI until Ctrl-C) and the job.

import { fileTail } from './fileTail';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Backend, JobDetail, JobEndpoint } from '../../../shared/contract/schemas/jobs';
import { AppError } from '../../../shared/errors';
import { expandNodeSet } from '../../../shared/nodeset';
import { forwardTo, hostPort, type Lease } from '../../protocols/ssh';
import type { PodInfo } from '../../protocols/kubernetes';
import { loginNode, sharesFilesystem, slurmCliRunner, type SecretSource, type SshDeps } from './backends';
import type { KubeJobs } from './kubeJobs';
import { parseKubeJobId } from './kubeJobs';

/** Bytes of a job's output searched for endpoint lines (the lines come first; a chatty job may print more after). */
const OUTPUT_TAIL_BYTES = 256 * 1024;
const CONNECT_TIMEOUT_MS = 15_000;
/** Lines of a pod's log searched for endpoint lines (they come first; a chatty server prints more after). */
const POD_LOG_LINES = 2000;

/** `clusterdeck-endpoint NAME HOST PORT` lines, the last one per name winning (a restarted server reports again). */
export function parseEndpointLines(text: string): { name: string; host: string; port: number }[] {
  const found = new Map<string, { name: string; host: string; port: number }>();
  for (const m of text.matchAll(/^clusterdeck-endpoint[ \t]+([A-Za-z0-9._-]{1,64})[ \t]+([A-Za-z0-9._:[\]-]{1,253})[ \t]+(\d{1,5})[ \t]*$/gm)) {
    const port = Number(m[3]);
    if (port >= 1 && port <= 65535) found.set(m[1], { name: m[1], host: m[2].replace(/^\[|\]$/g, ''), port });
  }
  return [...found.values()];
}

/** The first node of a Slurm node list as Slurm wrote it ("gpu[03-04],cpu1" → "gpu03"): the batch host. */
export function firstNode(nodes: string | null): string | null {
  if (!nodes) return null;
  const term = /^[^,[]*(\[[^\]]*\])?[^,]*/.exec(nodes)?.[0] ?? '';
  try {
    return expandNodeSet(term)[0] ?? null;
  } catch {
    return term || null;
  }
}

/** The pod whose port is the job's endpoint: a running master/chief/launcher, else the first running one. */
export function mainPod(pods: PodInfo[]): PodInfo | null {
  const running = pods.filter((p) => p.phase === 'Running');
  const rank = (p: PodInfo) => (/^(master|chief|launcher|leader)$/i.test(p.role ?? '') ? 0 : 1);
  return running.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))[0] ?? null;
}

/** Where a job's connections go: opens one connection to host:port, closes what it holds. */
export interface Tunnel {
  /** For messages and the audit log: "login node alice@login1:22", "pod team-a/nb-0", "this machine". */
  via: string;
  connect(host: string, port: number): Promise<Duplex>;
  close(): void;
}

export interface EndpointDeps {
  kube: KubeJobs;
  vault: SecretSource;
  ssh?: SshDeps;
  timeoutMs?: number;
}

export class JobEndpoints {
  constructor(private readonly deps: EndpointDeps) {}

  /** The endpoints of a running job; `port` adds one for that port if the job does not name it. */
  async find(b: Backend, job: JobDetail, port?: number, signal?: AbortSignal): Promise<JobEndpoint[]> {
    const declared = job.rendered?.spec.endpoints ?? [];
    if (b.kind === 'kubernetes') {
      const pod = mainPod(await this.deps.kube.pods(b, job, signal));
      if (!pod) throw new AppError('JOB_ENDPOINT_UNAVAILABLE', `job ${job.id} has no running pod yet; its endpoints open once a pod runs (see \`clusterdeck jobs pods ${job.id}\`)`, { id: job.id });
      // What the pod printed (`clusterdeck-endpoint NAME HOST PORT`; HOST is the pod's own name, and the forward goes to
      // the pod anyway), then the template's declared ports it did not report.
      const log = await this.deps.kube.podLogTail(b, job, pod.name, POD_LOG_LINES, signal).catch(() => '');
      const list: JobEndpoint[] = parseEndpointLines(log).map((e) => ({ name: e.name, host: pod.name, port: e.port, source: 'output', pod: pod.name }));
      for (const e of declared) if (!list.some((x) => x.name === e.name)) list.push({ name: e.name, host: pod.name, port: e.port, source: 'template', pod: pod.name });
      if (port && !list.some((e) => e.port === port)) list.push({ name: `port-${port}`, host: pod.name, port, source: 'request', pod: pod.name });
      return list;
    }
    const reported = parseEndpointLines(await this.outputTail(b, job, signal).catch(() => ''));
    const node = firstNode(job.nodes);
    const list: JobEndpoint[] = reported.map((e) => ({ ...e, source: 'output', pod: null }));
    for (const e of declared) if (node && !list.some((x) => x.name === e.name)) list.push({ name: e.name, host: node, port: e.port, source: 'template', pod: null });
    if (port && !list.some((e) => e.port === port)) {
      if (!node) throw new AppError('JOB_ENDPOINT_UNAVAILABLE', `job ${job.id} has no node yet; its endpoints open once it runs`, { id: job.id });
      list.push({ name: `port-${port}`, host: list[0]?.host ?? node, port, source: 'request', pod: null });
    }
    return list;
  }

  /** The tail of a Slurm job's output: read here when the backend shares this file system, else on the login node. */
  private async outputTail(b: Backend, job: JobDetail, signal?: AbortSignal): Promise<string> {
    const path = job.output;
    if (!path) return '';
    if (sharesFilesystem(b)) return fileTail(path, OUTPUT_TAIL_BYTES);
    if (b.kind !== 'slurm-cli') return '';
    const r = await slurmCliRunner(b, this.deps.vault, this.deps.ssh, this.deps.timeoutMs).run(['tail', '-c', String(OUTPUT_TAIL_BYTES), '--', path], { timeoutMs: this.deps.timeoutMs ?? 15_000, signal });
    return r.code === 0 ? r.stdout : '';
  }

  /** The path connections to a job's endpoint take. */
  async tunnel(b: Backend, job: JobDetail, endpoint: JobEndpoint, signal?: AbortSignal): Promise<Tunnel> {
    if (b.kind === 'kubernetes') {
      const { namespace } = parseKubeJobId(job.backendJobId!);
      const client = this.deps.kube.client(b, job);
      const pod = endpoint.pod!;
      return {
        via: `pod ${namespace}/${pod}`,
        connect: (_host, port) => client.portForward(namespace, pod, port, { timeoutMs: this.deps.timeoutMs }),
        close: () => undefined,
      };
    }
    if (sharesFilesystem(b)) {
      // The backend is this machine: its nodes are reached directly.
      return { via: 'this machine', connect: directConnect, close: () => undefined };
    }
    if (b.kind !== 'slurm-cli') {
      throw new AppError('JOB_ENDPOINT_UNREACHABLE', `backend ${b.name} is slurmrestd at ${b.url}: ClusterDeck has no path to its compute nodes; add the cluster as a slurm-cli backend over SSH (ssh://user@login-node) to open endpoints`, { name: b.name });
    }
    const login = loginNode(b, this.deps.vault, this.deps.ssh);
    const lease: Lease = await login.ssh.pool.connect(
      { target: { host: login.host, port: login.port, auth: login.auth, authId: login.authId } },
      { hostKeys: login.ssh.hostKeys, policy: 'accept-new', timeoutMs: this.deps.timeoutMs ?? CONNECT_TIMEOUT_MS, signal },
    );
    let released = false;
    return {
      via: `login node ${login.auth.username}@${hostPort(login.host, login.port)}`,
      connect: (host, port) => forwardTo(lease.client, host, port).catch((err: unknown) => {
        throw new AppError('JOB_ENDPOINT_REFUSED', `the login node ${login.host} could not connect to ${hostPort(host, port)}: ${(err as Error).message}`, { target: hostPort(host, port) });
      }),
      close: () => {
        if (!released) lease.release();
        released = true;
      },
    };
  }
}

function directConnect(host: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    const timer = setTimeout(() => sock.destroy(new Error('timed out')), CONNECT_TIMEOUT_MS);
    sock.once('connect', () => {
      clearTimeout(timer);
      resolve(sock);
    });
    sock.once('error', (err) => {
      clearTimeout(timer);
      reject(new AppError('JOB_ENDPOINT_REFUSED', `could not connect to ${hostPort(host, port)}: ${err.message}`, { target: hostPort(host, port) }));
    });
  });
}

export interface LocalListener {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A listener on 127.0.0.1:port whose every connection is carried by `connect()`; only loopback, never other machines. */
export async function listenLocal(connect: () => Promise<Duplex>, port: number, onError: (message: string) => void): Promise<LocalListener> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => undefined);
    sock.pause();
    sock.once('close', () => sockets.delete(sock));
    connect().then(
      (remote) => {
        if (sock.destroyed) return void remote.destroy();
        remote.on('error', (err) => {
          onError(err.message);
          sock.destroy();
        });
        sock.pipe(remote).pipe(sock);
        sock.once('close', () => remote.destroy());
        remote.once('close', () => sock.destroy());
        sock.resume();
      },
      (err: unknown) => {
        onError((err as Error).message);
        sock.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(new AppError('JOB_ENDPOINT_LISTEN', `cannot listen on 127.0.0.1:${port}: ${e.code === 'EADDRINUSE' ? 'the port is in use; pick another with --local-port, or 0 for any free one' : e.message}`, { port }));
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}/`,
    port: actual,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
