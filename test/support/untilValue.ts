/**
 * Calls `f` until its value passes `ok` and returns that value; past `ms` it throws with the last
 * value (trimmed), so a test that waits on a real peer (Slurm, slurmdbd) says what it saw.
 */
export async function untilValue<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000, stepMs = 200): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last value ${JSON.stringify(v)?.slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
