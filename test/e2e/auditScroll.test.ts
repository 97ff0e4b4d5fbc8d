import { describe, expect, it } from 'vitest';
import { shot } from '../support/browser';
import { useUiSession } from '../support/uiSession';
import { openDatabase } from '../../main/store/db';
import { AuditLog } from '../../main/services/audit/auditLog';

// The audit table recycles its rows (PageTable's recycleRows): after a long scroll every drawn row must still show
// its own entry. 2,000 entries written through the audit log's own writer before `serve` starts.
const N = 2000;

describe('Audit table after a long scroll', () => {
  const ui = useUiSession({
    nav: 'audit',
    prepare: (s) => {
      const db = openDatabase(s.data);
      const audit = new AuditLog(db);
      db.transaction(() => {
        for (let i = 1; i <= N; i++) audit.complete(audit.begin({ user: 'tester', via: 'cli' }, { module: 'inventory', action: `act-${i}`, targets: `t${i}` }), i % 3 ? 'ok' : 'failed');
      })();
      db.close();
    },
  });

  const rowElements = '[data-testid=audit-table] .ant-table-tbody-virtual .ant-table-row';
  const drawn = () => ui.page.locator(rowElements).evaluateAll((els) =>
    els.map((el) => ({ key: el.getAttribute('data-row-key'), id: el.children[0]?.textContent, action: el.children[5]?.textContent, targets: el.children[6]?.textContent, top: el.getBoundingClientRect().top })));

  it('draws each row with its own entry, in order, after wheeling through thousands', async () => {
    await expect.poll(async () => (await drawn()).length).toBeGreaterThan(10);
    await ui.page.locator(rowElements).evaluateAll((els) => els.forEach((el) => { (el as HTMLElement).dataset.firstKey = el.getAttribute('data-row-key')!; }));
    const first = (await drawn())[0]?.key;
    await ui.page.locator('[data-testid=audit-table] .ant-table-tbody-virtual-holder').hover();
    for (let i = 0; i < 60; i++) await ui.page.mouse.wheel(0, 400);
    await expect.poll(async () => (await drawn())[0]?.key).not.toBe(first);
    // The rows on screen are the first rows' elements, now showing other entries: the table recycled them.
    const reused = await ui.page.locator(rowElements).evaluateAll((els) => els.filter((el) => (el as HTMLElement).dataset.firstKey && (el as HTMLElement).dataset.firstKey !== el.getAttribute('data-row-key')).length);
    expect(reused).toBeGreaterThan(5);
    const shown = (await drawn()).sort((a, b) => a.top - b.top);
    expect(shown.length).toBeGreaterThan(10);
    const ids = shown.map((r) => Number(r.key));
    for (const [k, row] of shown.entries()) {
      expect(row.id).toBe(row.key);
      expect(row.action).toBe(`act-${row.key}`);
      expect(row.targets).toBe(`t${row.key}`);
      if (k) expect(Math.abs(ids[k] - ids[k - 1])).toBe(1); // consecutive entries, top to bottom
    }
    await shot(ui.page, 'audit-scrolled-en');
  });
});
