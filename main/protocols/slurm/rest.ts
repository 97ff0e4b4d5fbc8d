// Slurm through slurmrestd, openapi/v0.0.38 (Slurm 22.05), authenticated by a JWT
// (`scontrol token`) in X-SLURM-USER-TOKEN. Every request has a timeout and honours the
// caller's AbortSignal. The token is a secret: it is never put into an error or a log line.

import { AppError } from '../../../shared/errors';
import { jobFromV38, nodeFromV38 } from './parse';
import type { SlurmClient, SlurmControl, SlurmJob, SlurmNode, SlurmPartition, SlurmSubmit } from './types';

export interface SlurmRestOptions {
  /** "http://host:port" (no trailing path). */
  url: string;
  user: string;
  /** Returns the JWT; called for each request so a rotated token is picked up. */
  token: () => string | Promise<string>;
  timeoutMs?: number;
}

const V = '/slurm/v0.0.38';

interface V38Error { error?: string; description?: string; error_number?: number }

export class SlurmRest implements SlurmClient {
  readonly kind = 'slurm-rest' as const;
  constructor(private readonly o: SlurmRestOptions) {}

  private async request(method: string, path: string, body?: unknown, signal?: AbortSignal, query = ''): Promise<{ status: number; data: Record<string, unknown> }> {
    const timeout = AbortSignal.timeout(this.o.timeoutMs ?? 15_000);
    const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const where = `slurmrestd at ${this.o.url}`;
    let res: Response;
    try {
      res = await fetch(this.o.url.replace(/\/+$/, '') + V + path + query, {
        method,
        signal: both,
        headers: {
          'X-SLURM-USER-NAME': this.o.user,
          'X-SLURM-USER-TOKEN': await this.o.token(),
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch (err) {
      if (signal?.aborted) throw new AppError('SLURM_ABORTED', `request to ${where} was cancelled`);
      if (timeout.aborted) throw new AppError('SLURM_TIMEOUT', `${where} did not answer within ${this.o.timeoutMs ?? 15_000} ms`, { url: this.o.url });
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new AppError('SLURM_UNREACHABLE', `cannot reach ${where} (${cause}); check the backend URL and that slurmrestd runs`, { url: this.o.url });
    }
    if (res.status === 401 || res.status === 403) {
      throw new AppError('SLURM_AUTH_FAILED', `${where} refused the token for user ${this.o.user} (HTTP ${res.status}); renew it with \`scontrol token\` and update the backend's credential`, { url: this.o.url });
    }
    const text = await res.text();
    let data: Record<string, unknown> = {};
    try {
      data = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      throw new AppError('SLURM_BAD_RESPONSE', `${where} answered HTTP ${res.status} with something that is not JSON`, { url: this.o.url });
    }
    const errors = (Array.isArray(data.errors) ? data.errors : []) as V38Error[];
    if (res.status >= 400 || errors.some((e) => (e.error_number ?? 0) !== 0)) {
      const e = errors[0] ?? {};
      const text2 = [e.error, e.description].filter(Boolean).join(': ') || `HTTP ${res.status}`;
      if (/Invalid job id|Unable to find JobId/i.test(text2)) throw new AppError('SLURM_NO_SUCH_JOB', `${where}: ${text2}`);
      if (/partition/i.test(text2)) throw new AppError('SLURM_NO_SUCH_PARTITION', `${where}: ${text2}`);
      // slurmctld's refusal of an expired or wrong token reaches us only as "Unspecified error".
      const hint = e.error_number === -1 ? ' (an expired or wrong token looks like this: renew it with `scontrol token`)' : '';
      throw new AppError('SLURM_REQUEST_FAILED', `${method} ${V}${path} on ${where}: ${text2}${hint}`, { url: this.o.url, status: res.status });
    }
    return { status: res.status, data };
  }

  async submit(job: SlurmSubmit, signal?: AbortSignal): Promise<{ id: string }> {
    const desc: Record<string, unknown> = {
      name: job.name,
      current_working_directory: job.cwd,
      // v0.0.38 requires an environment; the job's own variables come on top of a minimal PATH.
      environment: { PATH: '/usr/local/bin:/usr/bin:/bin', ...(job.env ?? {}) },
    };
    if (job.partition) desc.partition = job.partition;
    if (job.nodes) desc.nodes = job.nodes;
    if (job.tasksPerNode) desc.tasks_per_node = job.tasksPerNode;
    if (job.gpusPerNode) desc.gres = `gpu:${job.gpuType ? `${job.gpuType}:` : ''}${job.gpusPerNode}`;
    if (job.output) {
      desc.standard_output = job.output;
      desc.standard_error = job.output;
    }
    if (job.nice !== undefined && job.nice > 0) desc.nice = job.nice;
    if (job.timeLimitMin) desc.time_limit = job.timeLimitMin;
    if (job.hold) desc.hold = true;
    const { data } = await this.request('POST', '/job/submit', { script: job.script, job: desc }, signal);
    const id = data.job_id;
    if (typeof id !== 'number') throw new AppError('SLURM_BAD_RESPONSE', `slurmrestd at ${this.o.url} returned no job id`);
    return { id: String(id) };
  }

  async jobs(signal?: AbortSignal): Promise<SlurmJob[]> {
    const { data } = await this.request('GET', '/jobs', undefined, signal);
    return ((data.jobs ?? []) as Record<string, unknown>[]).map(jobFromV38);
  }

  async job(id: string, signal?: AbortSignal): Promise<SlurmJob | null> {
    try {
      const { data } = await this.request('GET', `/job/${encodeURIComponent(id)}`, undefined, signal);
      const list = (data.jobs ?? []) as Record<string, unknown>[];
      return list.length > 0 ? jobFromV38(list[0]) : null;
    } catch (err) {
      if (AppError.is(err) && err.code === 'SLURM_NO_SUCH_JOB') return null;
      throw err;
    }
  }

  async cancel(id: string, signal?: AbortSignal): Promise<void> {
    await this.request('DELETE', `/job/${encodeURIComponent(id)}`, undefined, signal);
  }

  async control(id: string, action: SlurmControl, signal?: AbortSignal): Promise<void> {
    // v0.0.38 updates a job with POST /job/{id}; `hold` holds or releases it. Suspend has no endpoint.
    if (action === 'hold' || action === 'release') {
      await this.request('POST', `/job/${encodeURIComponent(id)}`, { hold: action === 'hold' }, signal);
      return;
    }
    throw new AppError('SLURM_NOT_SUPPORTED', `${action} is not available over slurmrestd v0.0.38; use a slurm-cli backend`, { action });
  }

  async partitions(signal?: AbortSignal): Promise<SlurmPartition[]> {
    const { data } = await this.request('GET', '/partitions', undefined, signal);
    return ((data.partitions ?? []) as Record<string, unknown>[]).map((p) => ({
      name: String(p.name ?? ''),
      state: String(p.state ?? ''),
      nodes: String(p.nodes ?? ''),
      isDefault: Array.isArray(p.flags) && p.flags.includes('default'),
      totalCpus: typeof p.total_cpus === 'number' ? p.total_cpus : null,
      totalNodes: typeof p.total_nodes === 'number' ? p.total_nodes : null,
    }));
  }

  async nodes(signal?: AbortSignal): Promise<SlurmNode[]> {
    const { data } = await this.request('GET', '/nodes', undefined, signal);
    return ((data.nodes ?? []) as Record<string, unknown>[]).map(nodeFromV38);
  }

  async ping(signal?: AbortSignal): Promise<void> {
    await this.request('GET', '/ping', undefined, signal);
  }
}
