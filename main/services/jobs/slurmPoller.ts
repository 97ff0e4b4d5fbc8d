// Slurm has no watch API: while a long-lived front door (serve, the desktop app) has unfinished jobs on a Slurm
// backend, squeue is asked every few seconds. The poll's caller writes what changed and records one audit entry
// per poll that changed something, so the change feed tells the UI once per poll, not once per job.

export class SlurmPoller {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  /** `poll(backend)` refreshes that backend's unfinished jobs and says whether any are still unfinished. */
  constructor(private readonly poll: (backend: string) => Promise<boolean>, private readonly intervalMs = 5_000) {}

  /** Starts polling a backend unless it is already polled; it stops by itself when its jobs are finished. */
  ensure(backend: string): void {
    if (this.timers.has(backend)) return;
    const tick = () => {
      this.poll(backend).then(
        (more) => (more && this.timers.has(backend) ? this.schedule(backend, tick) : this.timers.delete(backend)),
        // An unreachable login node: try again later, the rows keep their last known state.
        () => (this.timers.has(backend) ? this.schedule(backend, tick) : undefined),
      );
    };
    this.schedule(backend, tick);
  }

  stop(backend: string): void {
    const t = this.timers.get(backend);
    if (t) clearTimeout(t);
    this.timers.delete(backend);
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private schedule(backend: string, tick: () => void): void {
    const t = setTimeout(tick, this.intervalMs);
    t.unref();
    this.timers.set(backend, t);
  }
}
