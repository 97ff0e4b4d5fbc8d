import { describe, expect, it } from 'vitest';
import { shot } from '../support/browser';
import { useUiSession } from '../support/uiSession';
import { cli, importGeneratedNodes } from '../support/cli';

// Coming back to the Inventory page: the list kept from the last visit is drawn at once and asked for again with its
// etag (renderer/src/state/listCache.ts), so an unchanged list of thousands of nodes is not sent again; a change made
// meanwhile (here by the CLI, another process on the same data folder) comes with the answer.
const N = 2000;
const name = (i: number) => `r${String(i).padStart(4, '0')}`;

describe('Inventory page, visited again', () => {
  const ui = useUiSession({
    prepare: (s) => importGeneratedNodes(s.dir, s.data, N, name, '10.4'),
  });

  /** Text frames the page receives that answer with a node listing, by size. */
  const listings: number[] = [];
  const visitInventory = async (total: number) => {
    await ui.page.getByTestId('nav-inventory').click();
    await expect.poll(() => ui.page.getByTestId('nodes-total').innerText()).toMatch(new RegExp(`^${total} of ${total} nodes`));
    await expect.poll(() => ui.page.locator('[data-testid=nodes-table] .ant-table-tbody-virtual .ant-table-row').count()).toBeGreaterThan(10);
  };
  const leave = async () => {
    await ui.page.getByTestId('nav-dashboard').click();
    await ui.page.getByTestId('stat-nodes').waitFor();
  };

  it('receives the whole list on the first visit and only a short "not modified" answer on the next', async () => {
    ui.page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
      if (typeof payload === 'string' && payload.includes('"etag"')) listings.push(payload.length);
    }));
    await ui.page.reload(); // a new page: nothing kept, and a socket this test listens to
    await leave();
    await visitInventory(N);
    await expect.poll(() => listings.length).toBe(1);
    expect(listings[0]).toBeGreaterThan(N * 50); // every node
    await leave();
    await visitInventory(N);
    await expect.poll(() => listings.length).toBe(2);
    expect(listings[1]).toBeLessThan(300); // no node in it
    const first = await ui.page.locator('[data-testid=nodes-table] .ant-table-tbody-virtual .ant-table-row').first().getAttribute('data-row-key');
    expect(first).toBe(name(1));
  });

  it('shows a node added by the CLI while the page was away as soon as it is back', async () => {
    await leave();
    expect(cli(ui.data, ['nodes', 'add', 'a0000-new', '--hostname', '10.9.9.9']).code).toBe(0);
    await visitInventory(N + 1);
    expect(listings[listings.length - 1]).toBeGreaterThan(N * 50);
    await expect.poll(() => ui.page.locator('[data-testid=nodes-table] .ant-table-tbody-virtual .ant-table-row').first().getAttribute('data-row-key')).toBe('a0000-new');
    await shot(ui.page, 'inventory-revisit-en');
  });
});
