// Slurm's openapi/v0.0.38 job objects (squeue --json and GET /slurm/v0.0.38/jobs share them).
import type { SlurmJob, SlurmNode } from './types';

type Raw = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : v == null ? '' : String(v));
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const time = (v: unknown) => {
  const n = num(v);
  return n && n > 0 ? n : null;
};

export function jobFromV38(j: Raw): SlurmJob {
  return {
    id: str(j.job_id),
    name: str(j.name),
    state: str(j.job_state),
    reason: str(j.state_reason) === 'None' ? '' : str(j.state_reason),
    partition: str(j.partition),
    nodes: str(j.nodes),
    user: str(j.user_name),
    exitCode: num(j.exit_code),
    submitTime: time(j.submit_time),
    startTime: time(j.start_time),
    endTime: time(j.end_time),
    output: str(j.standard_output).replace(/%j/g, str(j.job_id)),
  };
}

export function nodeFromV38(n: Raw): SlurmNode {
  return {
    name: str(n.name),
    state: str(n.state),
    partitions: Array.isArray(n.partitions) ? n.partitions.map(str) : [],
    cpus: num(n.cpus) ?? 0,
    gres: str(n.gres),
    reason: str(n.reason),
  };
}

/** `scontrol show ... -o` lines: "Key=Value Key=Value ..." (values without spaces). */
export function parseOneLiner(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of line.trim().matchAll(/(\S+?)=(\S*)/g)) out[m[1]] = m[2];
  return out;
}
