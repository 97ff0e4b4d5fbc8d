// Per-user usage on Kubernetes, which keeps no accounting: the jobs ClusterDeck submitted to the
// backend, with the run times and devices the jobs service recorded from their status as watches
// and listings saw them (main/protocols/kubernetes/usage.ts). Rows are shaped as Slurm's are
// (usageRows), so the table and the CLI read both alike; idle hours stay empty (no utilization).
import type { UsageRow } from '../../../shared/contract/schemas/queues';
import { usageRows, type AccountedJob } from './slurmUsage';
import type { QueueJob } from './slurmSummary';

/** A job that ran, as the jobs store recorded it (ISO times; devices by type). */
export interface KubeUsageJob {
  id: number;
  user: string | null;
  state: string | null;
  start: string;
  end: string | null;
  devices: Record<string, number> | null;
}

const secs = (iso: string) => Math.floor(Date.parse(iso) / 1000);

export function kubeUsage(jobs: KubeUsageJob[], since: number, until: number): { rows: UsageRow[]; totals: UsageRow[] } {
  const accounted: AccountedJob[] = [];
  const active: QueueJob[] = [];
  for (const j of jobs) {
    const devices = j.devices ?? {};
    if (Object.keys(devices).length === 0 || Number.isNaN(Date.parse(j.start))) continue;
    const user = j.user ?? '(unknown)';
    const id = String(j.id);
    // A job still running books until now; one the store saw end books until its end.
    accounted.push({ id, user, devices, start: secs(j.start), end: j.end ? secs(j.end) : null, cpuUsedSeconds: null });
    if (j.state === 'running' && !j.end) {
      const gpus = Object.fromEntries(Object.entries(devices).filter(([k]) => k !== 'cpu'));
      active.push({ id, user, state: 'RUNNING', partition: '', cpus: devices.cpu ?? 0, gpus, start: secs(j.start) });
    }
  }
  return usageRows(active, accounted, since, until);
}
