// Frame times of an antd virtual table while it scrolls, shared by the table benchmarks.
import { ms, stats } from './results.mjs';

/**
 * Scrolls the page's virtual table one step per animation frame and records the interval between frames; a frame
 * longer than 1.5 × 16.7 ms counts as dropped. `idle` runs the same loop without scrolling (what this machine's
 * headless Chromium gives with nothing to do), `wheel` moves 120 px a frame (a fast wheel or trackpad fling) and
 * `jump` crosses the whole list in 300 frames (dragging the scrollbar).
 */
export async function measureScroll(page) {
  const run = (mode) => page.evaluate(async (mode) => {
    const holder = document.querySelector('.ant-table-tbody-virtual-holder');
    holder.scrollTop = 0;
    const intervals = [];
    let last = performance.now();
    const steps = 300;
    for (let i = 1; i <= steps; i++) {
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      intervals.push(now - last);
      last = now;
      if (mode === 'idle') continue;
      holder.scrollTop = mode === 'wheel' ? i * 120 : (holder.scrollHeight - holder.clientHeight) * (i / steps);
      holder.dispatchEvent(new Event('scroll'));
    }
    return intervals.slice(2);
  }, mode);
  const summary = (frames) => ({ ...stats(frames), dropped: frames.filter((f) => f > 25).length });
  return { idle: summary(await run('idle')), wheel: summary(await run('wheel')), jump: summary(await run('jump')) };
}

/** The rows of a RESULTS.md table for measureScroll's figures. */
export function scrollRows({ idle, wheel, jump }, rows) {
  return [
    `| baseline: the same frame loop without scrolling, ${idle.n} frames: p50 / p95 / max (frames over 25 ms) | ${ms(idle.p50)} / ${ms(idle.p95)} / ${ms(idle.max)} (${idle.dropped}) | — |`,
    `| wheel-speed scrolling (120 px per frame), ${wheel.n} frames: frame interval p50 / p95 / max | ${ms(wheel.p50)} / ${ms(wheel.p95)} / ${ms(wheel.max)} | 16.7 ms at 60 Hz |`,
    `| frames over 25 ms while wheel-scrolling | ${wheel.dropped} of ${wheel.n} | 0 |`,
    `| scrollbar drag across all ${rows} rows in ${jump.n} frames: p50 / p95 / max | ${ms(jump.p50)} / ${ms(jump.p95)} / ${ms(jump.max)} | — |`,
    `| frames over 25 ms while dragging | ${jump.dropped} of ${jump.n} | — |`,
  ].join('\n');
}
