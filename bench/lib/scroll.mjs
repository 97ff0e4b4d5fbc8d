// Frame times of an antd virtual table while it scrolls, shared by the table benchmarks.
import { ms, stats } from './results.mjs';

/**
 * Counts React's work, which unlike frame times does not depend on what else the machine runs: call before
 * the page loads. A stand-in for the React DevTools hook sees every commit; a fiber that was not in the previous
 * commit's tree was created (a mounted component or element) or cloned (re-rendered, or skipped on the path to
 * one) by that commit's render; a cloned fiber whose props or state differ from before was rendered again.
 * measureScroll reports the three per frame while its counter is on.
 */
export function countReactWork(page) {
  return page.addInitScript(() => {
    const work = { on: false, commits: 0, cloned: 0, rendered: 0, mounted: 0 };
    window.__reactWork = work;
    const seen = new WeakMap();
    let commit = 0;
    let primed = false; // the first commit after switching on only records the tree to compare with
    const walk = (first, count) => {
      for (let f = first; f; f = f.sibling) {
        if (count && seen.get(f) !== commit - 1) {
          if (!f.alternate) work.mounted++;
          else { work.cloned++; if (f.memoizedProps !== f.alternate.memoizedProps || f.memoizedState !== f.alternate.memoizedState) work.rendered++; }
        }
        seen.set(f, commit);
        if (f.child) walk(f.child, count);
      }
    };
    window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
      supportsFiber: true, renderers: new Map(), inject: () => 1, checkDCE() {}, onScheduleFiberRoot() {}, onCommitFiberUnmount() {}, onPostCommitFiberRoot() {},
      onCommitFiberRoot(_id, root) {
        commit++;
        if (!work.on) { primed = false; return; } // costs nothing while the page loads
        walk(root.current.child, primed);
        if (primed) work.commits++;
        primed = true;
      },
    };
  });
}

/**
 * Scrolls the page's virtual table one step per animation frame and records the interval between frames; a frame
 * longer than 1.5 × 16.7 ms counts as dropped. `idle` runs the same loop without scrolling (what this machine's
 * headless Chromium gives with nothing to do), `wheel` moves 120 px a frame (a fast wheel or trackpad fling) and
 * `jump` crosses the whole list in 300 frames (dragging the scrollbar).
 */
export async function measureScroll(page) {
  // Main-thread CPU time per frame (CDP Performance metrics in thread time): unlike frame intervals it hardly moves
  // with the machine's load.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' }); // CPU time of the renderer's main thread
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const timed = async (mode) => {
    const before = await metrics();
    const result = await run(mode);
    const after = await metrics();
    const perFrame = (k) => ((after[k] - before[k]) * 1000) / result.intervals.length;
    return { ...result, mainThread: { script: perFrame('ScriptDuration'), style: perFrame('RecalcStyleDuration'), layout: perFrame('LayoutDuration') } };
  };
  const run = (mode, count = false) => page.evaluate(async ([mode, count]) => {
    const holder = document.querySelector('.ant-table-tbody-virtual-holder');
    holder.scrollTop = 0;
    const intervals = [];
    const work = window.__reactWork;
    if (work && count) Object.assign(work, { on: true, commits: 0, cloned: 0, rendered: 0, mounted: 0 });
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
    if (work) work.on = false;
    return { intervals: intervals.slice(2), work: work && count ? { commits: work.commits, cloned: work.cloned, rendered: work.rendered, mounted: work.mounted } : null };
  }, [mode, count]);
  const summary = ({ intervals, mainThread }) => ({ ...stats(intervals), dropped: intervals.filter((f) => f > 25).length, mainThread });
  const idle = summary(await timed('idle'));
  const wheel = summary(await timed('wheel'));
  const jump = summary(await timed('jump'));
  await cdp.detach();
  // Elements per drawn row: what each new row costs the browser to create, style and lay out.
  const domPerRow = await page.evaluate(() => {
    const rows = [...document.querySelectorAll('.ant-table-tbody-virtual .ant-table-row')];
    return rows.reduce((n, r) => n + r.querySelectorAll('*').length + 1, 0) / rows.length;
  });
  // The counter walks the whole component tree each commit: a separate, untimed pass.
  const counted = await run('wheel', true);
  return { idle, wheel: { ...wheel, work: counted.work }, jump, domPerRow };
}

const mainThreadText = ({ script, style, layout }) => `${ms(script + style + layout)} (script ${ms(script)}, style ${ms(style)}, layout ${ms(layout)})`;

/** The rows of a RESULTS.md table for measureScroll's figures. */
export function scrollRows({ idle, wheel, jump, domPerRow }, rows) {
  return [
    `| baseline: the same frame loop without scrolling, ${idle.n} frames: p50 / p95 / max (frames over 25 ms) | ${ms(idle.p50)} / ${ms(idle.p95)} / ${ms(idle.max)} (${idle.dropped}) | — |`,
    `| wheel-speed scrolling (120 px per frame), ${wheel.n} frames: frame interval p50 / p95 / max | ${ms(wheel.p50)} / ${ms(wheel.p95)} / ${ms(wheel.max)} | 16.7 ms at 60 Hz |`,
    `| frames over 25 ms while wheel-scrolling | ${wheel.dropped} of ${wheel.n} | 0 |`,
    `| renderer main thread per wheel frame (CDP Performance metrics): script + style + layout | ${mainThreadText(wheel.mainThread)} | — |`,
    ...(wheel.work ? [`| React work per wheel frame (independent of load): fibers rendered again / created / cloned (rendered or skipped); commits | ${(wheel.work.rendered / wheel.n).toFixed(0)} / ${(wheel.work.mounted / wheel.n).toFixed(0)} / ${(wheel.work.cloned / wheel.n).toFixed(0)}; ${(wheel.work.commits / wheel.n).toFixed(2)} | — |`] : []),
    `| scrollbar drag across all ${rows} rows in ${jump.n} frames: p50 / p95 / max | ${ms(jump.p50)} / ${ms(jump.p95)} / ${ms(jump.max)} | — |`,
    `| frames over 25 ms while dragging | ${jump.dropped} of ${jump.n} | — |`,
    `| renderer main thread per drag frame: script + style + layout | ${mainThreadText(jump.mainThread)} | — |`,
    `| elements per drawn row | ${domPerRow.toFixed(1)} | — |`,
  ].join('\n');
}

/** The rows of a RESULTS.md table for the floor list's figures (bench/lib/floorList.mjs), beside a page's. */
export function floorRows({ wheel, jump }) {
  return [
    `| floor, the same rows in a minimal hand-written virtual list: frames over 25 ms wheel / drag (max) | ${wheel.dropped} of ${wheel.n} (${ms(wheel.max)}) / ${jump.dropped} of ${jump.n} (${ms(jump.max)}) | — |`,
    `| floor: main thread per wheel / drag frame | ${mainThreadText(wheel.mainThread)} / ${mainThreadText(jump.mainThread)} | — |`,
  ].join('\n');
}
