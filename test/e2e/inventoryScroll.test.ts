import { describe, expect, it } from 'vitest';
import { shot } from '../support/browser';
import { useUiSession } from '../support/uiSession';
import { importGeneratedNodes } from '../support/cli';

// The virtual table hands the React tree and DOM of rows scrolled out to rows scrolled in (renderer/src/patches/):
// after a long scroll every drawn row must still show, open and select its own node.
const N = 3000;
const name = (i: number) => `n${String(i).padStart(4, '0')}`;

describe('Inventory table after a long scroll', () => {
  const ui = useUiSession({
    nav: 'inventory',
    prepare: (s) => importGeneratedNodes(s.dir, s.data, N, name, '10.3'),
  });

  const drawn = () => ui.page.locator('[data-testid=nodes-table] .ant-table-tbody-virtual .ant-table-row').evaluateAll((els) =>
    els.map((el) => ({ key: el.getAttribute('data-row-key'), name: el.querySelector('a')?.textContent, host: el.children[2]?.textContent, top: el.getBoundingClientRect().top })));

  /** Whether the rows' DOM order is their order on screen (it is once scrolling has stopped for a moment). */
  const readsTopToBottom = () => ui.page.locator('[data-testid=nodes-table] .ant-table-tbody-virtual .ant-table-row').evaluateAll((rows) => {
    const tops = rows.map((r) => r.getBoundingClientRect().top);
    return tops.every((t, i) => !i || t > tops[i - 1]);
  });

  const scrollDown = async (steps: number) => {
    const body = ui.page.locator('[data-testid=nodes-table] .ant-table-tbody-virtual-holder');
    await body.hover();
    for (let i = 0; i < steps; i++) await ui.page.mouse.wheel(0, 400);
  };

  it('draws each row with its own record, in order, after wheeling through thousands', async () => {
    await expect.poll(() => ui.page.getByTestId('nodes-total').innerText()).toMatch(new RegExp(`${N} of ${N} nodes`));
    const rowElements = '[data-testid=nodes-table] .ant-table-tbody-virtual .ant-table-row';
    await ui.page.locator(rowElements).evaluateAll((els) => els.forEach((el) => { (el as HTMLElement).dataset.firstKey = el.getAttribute('data-row-key')!; }));
    await scrollDown(60);
    await expect.poll(async () => (await drawn())[0]?.key).not.toBe(name(1));
    // The rows on screen are the first rows' elements, now showing other nodes: the table recycled them.
    const reused = await ui.page.locator(rowElements).evaluateAll((els) => els.filter((el) => (el as HTMLElement).dataset.firstKey && (el as HTMLElement).dataset.firstKey !== el.getAttribute('data-row-key')).length);
    expect(reused).toBeGreaterThan(5);
    const shown = await drawn();
    expect(shown.length).toBeGreaterThan(10);
    const sorted = [...shown].sort((a, b) => a.top - b.top);
    for (const [k, row] of sorted.entries()) {
      const i = Number(row.key!.slice(1));
      expect(row.name).toBe(row.key);
      expect(row.host).toBe(`10.3.${i >> 8}.${i & 255}`);
      if (k) expect(i).toBe(Number(sorted[k - 1].key!.slice(1)) + 1); // consecutive, top to bottom
    }
    await shot(ui.page, 'inventory-scrolled-en');
  });

  it('moves no row element while scrolling, and reads top to bottom in the DOM once scrolling stops', async () => {
    const body = '[data-testid=nodes-table] .ant-table-tbody-virtual-holder-inner';
    // Count rows taken out of or put into the page while wheeling (a moved element is removed and inserted again).
    // (rows mounted or unmounted as the number of rows in view changes by one are not moves)
    await ui.page.locator(body).evaluate((inner) => {
      const w = window as unknown as { __rowMoves: number; __rowObserver: MutationObserver };
      const removed = new Set<Node>();
      w.__rowMoves = 0;
      w.__rowObserver = new MutationObserver((records) => {
        for (const r of records) {
          r.removedNodes.forEach((n) => removed.add(n));
          r.addedNodes.forEach((n) => { if (removed.has(n)) w.__rowMoves++; });
        }
      });
      w.__rowObserver.observe(inner, { childList: true });
    });
    const holder = ui.page.locator('[data-testid=nodes-table] .ant-table-tbody-virtual-holder');
    const stepsAndOrder = await holder.evaluate(async (el) => {
      const start = el.scrollTop;
      for (let i = 1; i <= 40; i++) {
        await new Promise((r) => requestAnimationFrame(r));
        el.scrollTop = start + i * 120;
        el.dispatchEvent(new Event('scroll'));
      }
      await new Promise((r) => requestAnimationFrame(r));
      const rows = [...el.querySelectorAll('.ant-table-row')] as HTMLElement[];
      const domKeys = rows.map((r) => r.getAttribute('data-row-key'));
      const screenKeys = [...rows].sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top).map((r) => r.getAttribute('data-row-key'));
      return { moves: (window as unknown as { __rowMoves: number }).__rowMoves, domKeys, screenKeys };
    });
    expect(stepsAndOrder.moves).toBe(0);
    expect(stepsAndOrder.domKeys).not.toEqual(stepsAndOrder.screenKeys); // mid-scroll: rows keep their DOM places
    // On screen the rows are consecutive nodes, top to bottom.
    const nums = stepsAndOrder.screenKeys.map((k) => Number(k!.slice(1)));
    for (let k = 1; k < nums.length; k++) expect(nums[k]).toBe(nums[k - 1] + 1);
    // Once scrolling stops, the DOM order is the reading order again (keyboard focus, screen readers, selection).
    await expect.poll(() => readsTopToBottom()).toBe(true);
    await ui.page.evaluate(() => (window as unknown as { __rowObserver: MutationObserver }).__rowObserver.disconnect());
  });

  it('opens the node whose name was clicked', async () => {
    const row = ui.page.locator('[data-testid=nodes-table] .ant-table-tbody-virtual .ant-table-row').nth(8);
    const key = await row.getAttribute('data-row-key');
    await row.locator('a').click();
    await expect.poll(() => ui.page.getByTestId('node-name').inputValue()).toBe(key);
    await ui.page.keyboard.press('Escape');
    await expect.poll(() => ui.page.getByTestId('node-name').count()).toBe(0);
  });

  it('selects a range with shift-click and keeps each row\'s check box its own while scrolling', async () => {
    const rowsLocator = ui.page.locator('[data-testid=nodes-table] .ant-table-tbody-virtual .ant-table-row');
    await expect.poll(() => readsTopToBottom()).toBe(true); // rows picked by their place in the DOM below
    const first = rowsLocator.nth(3);
    const last = rowsLocator.nth(9);
    const from = Number((await first.getAttribute('data-row-key'))!.slice(1));
    const to = Number((await last.getAttribute('data-row-key'))!.slice(1));
    await first.locator('.ant-checkbox-input').click();
    await last.locator('.ant-checkbox-input').click({ modifiers: ['Shift'] });
    await expect.poll(() => ui.page.getByTestId('nodes-total').innerText()).toMatch(new RegExp(`${to - from + 1} selected`));
    await ui.page.waitForTimeout(600); // the check marks' CSS transition, so the screenshot shows what a person sees
    await shot(ui.page, 'inventory-shift-range-en');
    // Rows that scroll in take over the DOM of the selected ones: none of them may show a check.
    const before = (await drawn())[0]?.key;
    await scrollDown(10);
    await expect.poll(async () => (await drawn())[0]?.key).not.toBe(before);
    const checks = await rowsLocator.evaluateAll((els) => els.map((el) => [el.getAttribute('data-row-key'), (el.querySelector('.ant-checkbox-input') as HTMLInputElement).checked] as const));
    for (const [key, checked] of checks) {
      const i = Number(key!.slice(1));
      expect(checked).toBe(i >= from && i <= to);
    }
  });

  it('keeps the name column pinned, with its shadow once the table scrolls sideways, and highlights the hovered row', async () => {
    const table = '[data-testid=nodes-table]';
    const nameCells = () => ui.page.locator(`${table} .ant-table-tbody-virtual .ant-table-row`).evaluateAll((els) =>
      els.map((el) => { const cell = el.querySelector('a')!.closest('.ant-table-cell')!; return { className: cell.className, left: cell.getBoundingClientRect().left }; }));
    await expect.poll(async () => (await nameCells()).length).toBeGreaterThan(10);
    const before = await nameCells();
    for (const cell of before) {
      expect(cell.className).toContain('ant-table-cell-fix-start-shadow');
      expect(cell.className).not.toContain('ant-table-cell-fix-start-shadow-show');
    }
    await ui.page.locator(`${table} .ant-table-tbody-virtual-holder`).hover();
    await ui.page.mouse.wheel(600, 0);
    await expect.poll(async () => (await nameCells()).every((c) => c.className.includes('ant-table-cell-fix-start-shadow-show'))).toBe(true);
    // Pinned: the name cells stay where they were while the other columns moved left.
    const after = await nameCells();
    for (const cell of after) expect(cell.left).toBeCloseTo(before[0].left, 0);
    const hostLeft = await ui.page.locator(`${table} .ant-table-tbody-virtual .ant-table-row`).first().evaluate((el) => el.children[2].getBoundingClientRect().left);
    expect(hostLeft).toBeLessThan(before[0].left + 100);
    // Hover: every cell of the row, the pinned ones too, takes the table's hover background.
    const row = ui.page.locator(`${table} .ant-table-tbody-virtual .ant-table-row`).nth(4);
    const backgrounds = () => row.evaluate((el) => [...el.children].map((c) => getComputedStyle(c).backgroundColor));
    await ui.page.mouse.move(5, 5); // off the table
    await expect.poll(() => readsTopToBottom()).toBe(true);
    const still = await backgrounds();
    const box = (await row.boundingBox())!;
    await ui.page.mouse.move(700, box.y + box.height / 2);
    await expect.poll(async () => (await backgrounds()).every((b, i) => b !== still[i])).toBe(true);
    await shot(ui.page, 'inventory-sideways-hover-en');
    await ui.page.mouse.wheel(-600, 0);
    await expect.poll(async () => (await nameCells()).some((c) => c.className.includes('ant-table-cell-fix-start-shadow-show'))).toBe(false);
  });
});
