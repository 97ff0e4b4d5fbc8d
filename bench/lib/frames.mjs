// Main-thread work per frame, read from a Chromium trace (playwright's browser.startTracing with
// TRACE_CATEGORIES): what a frame costs the page whatever it is spent on (input handlers, React,
// canvas drawing, style, layout, paint, garbage collection), unlike rAF intervals, which cannot go
// below the display's 16.7 ms and include waiting for a CPU on a busy machine.

export const TRACE_CATEGORIES = ['toplevel', 'devtools.timeline', 'blink.user_timing', ...(process.env.TRACE_MORE ? process.env.TRACE_MORE.split(',') : [])];

/**
 * Frames of the page's main thread between the user-timing marks `from` and `to` (performance.mark
 * in the page): each frame runs from one animation-frame callback (FireAnimationFrame; keep a rAF
 * loop running so that every frame has one) to the next; `busy` is the wall time the main thread ran
 * tasks in it and `cpu` the thread (CPU) time of those tasks (ms; a task that crosses a boundary is
 * split in proportion). On a machine shared with other work, `busy` includes time the thread waited
 * for a CPU in the middle of a task; `cpu` does not. `marks` are the times of the other marks
 * seen in between, by name, with the index of the frame they fell in.
 */
export function mainThreadFrames(trace, from, to) {
  const events = JSON.parse(trace.toString()).traceEvents;
  const fromMark = events.find((e) => e.cat === 'blink.user_timing' && e.name === from);
  if (!fromMark) throw new Error(`mark ${from} not in the trace`);
  const { pid, tid } = fromMark; // marks are made on the page's main thread
  const t0 = fromMark.ts;
  const t1 = events.find((e) => e.cat === 'blink.user_timing' && e.name === to && e.pid === pid)?.ts;
  if (t1 === undefined) throw new Error(`mark ${to} not in the trace`);
  const mine = events.filter((e) => e.pid === pid && e.tid === tid && e.ts >= t0 - 100_000 && e.ts <= t1 + 100_000);
  const starts = mine.filter((e) => e.name === 'FireAnimationFrame' && e.ph === 'X' && e.ts >= t0 && e.ts <= t1).map((e) => e.ts).sort((a, b) => a - b);
  // top-level tasks; one nested in another (or overlapping it) counts as part of the outer one
  const tasks = mine.filter((e) => e.ph === 'X' && e.cat.split(',').includes('toplevel') && e.dur > 0).sort((a, b) => a.ts - b.ts);
  const merged = []; // [start, end, cpu]
  for (const t of tasks) {
    const last = merged[merged.length - 1];
    if (last && t.ts < last[1]) last[1] = Math.max(last[1], t.ts + t.dur);
    else merged.push([t.ts, t.ts + t.dur, t.tdur ?? t.dur]);
  }
  const frames = [];
  let k = 0;
  for (let i = 0; i + 1 < starts.length; i++) {
    const [a, b] = [starts[i], starts[i + 1]];
    while (k < merged.length && merged[k][1] <= a) k++;
    let busy = 0, cpu = 0;
    for (let j = k; j < merged.length && merged[j][0] < b; j++) {
      const [s, e, c] = merged[j], part = Math.min(b, e) - Math.max(a, s);
      busy += part;
      cpu += (c * part) / (e - s);
    }
    frames.push({ start: a, interval: (b - a) / 1000, busy: busy / 1000, cpu: cpu / 1000 });
  }
  const marks = {};
  for (const e of events) {
    if (e.cat !== 'blink.user_timing' || e.pid !== pid || e.ts < t0 || e.ts > t1 || e.name === from || e.name === to) continue;
    const frame = frames.findLastIndex((f) => f.start <= e.ts);
    (marks[e.name] ??= []).push({ ts: e.ts, frame });
  }
  return { frames, marks };
}
