// The Power page in Chromium against 100 lab BMCs: power them off with a confirmation that names
// the count, watch them turn off (5 BMCs are down, so 5 fail), bring those BMCs back and retry
// the failed ones; the inventory shows the states; 1,000 results at once keep the page smooth.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startBmcs, type BmcGroup } from '../../main/lab';
import { launchBrowser, setLanguage, shot } from '../support/browser';
import { startServe, type ServeProcess } from '../support/serveProcess';
import { cli, csv } from '../support/cli';
import { tempDir } from '../support/tmp';
import { writeFile } from '../integration/power/helpers';

describe('Power page in Chromium', () => {
  const t = tempDir('clusterdeck-e2e-power-');
  const data = path.join(t.dir, 'data');
  const labDir = path.join(t.dir, 'lab');
  const password = 'E2eLabPassw0rd';
  let main: BmcGroup;
  let down: BmcGroup;
  let downPorts: number[];
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // node001-095 on one group of ipmi_sim processes, node096-100 on another that is stopped below.
    main = await startBmcs({ stateDir: labDir, count: 95, password, sol: false, initialPower: 'on' });
    down = await startBmcs({ stateDir: labDir, count: 5, firstIndex: 96, bmcsPerProcess: 5, password, sol: false, initialPower: 'on' });
    downPorts = down.bmcs.map((b) => b.port);
    expect(cli(data, ['creds', 'add', 'lab-bmc', '--kind', 'password', '--user', 'admin'], { input: password }).code).toBe(0);
    const rows = ['name,hostname,type,rack,u,groups,bmc_host,bmc_port,bmc_protocol,bmc_credential'];
    [...main.bmcs, ...down.bmcs].forEach((b, i) => rows.push(`node${String(i + 1).padStart(3, '0')},127.0.0.1,gpu,r${i < 50 ? '01' : '02'},${(i % 50) + 1},lab,${b.host},${b.port},ipmi,lab-bmc`));
    // 1,000 nodes whose BMC address refuses at once: a burst of results for the smoothness check.
    for (let i = 1; i <= 1000; i++) rows.push(`big${String(i).padStart(4, '0')},127.0.0.1,compute,,,big,127.0.0.1,9,ipmi,lab-bmc`);
    const imp = cli(data, ['nodes', 'import', writeFile(t.dir, 'nodes.csv', csv(rows)), '--create-missing']);
    expect(imp.stderr).toBe('');
    serve = await startServe(data);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(serve.url);
    await setLanguage(page, 'en');
    await page.getByTestId('nav-power').click();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await main?.stop();
    await down?.stop();
    t.cleanup();
  });

  const summary = () => page.getByTestId('power-summary').innerText();
  const stateOf = (node: string) => page.locator(`[data-node="${node}"] [data-state]`).getAttribute('data-state');

  it('previews the count of a node set from a group and a rack', async () => {
    await page.getByTestId('power-nodeset').fill('@rack:r02');
    await expect.poll(() => page.getByTestId('power-nodeset-preview').innerText()).toMatch(/50 node\(s\) · node\[051-100\]/);
    await page.getByTestId('power-nodeset').fill('@lab');
    await expect.poll(() => page.getByTestId('power-nodeset-preview').innerText()).toMatch(/100 node\(s\) · node\[001-100\]/);
  });

  it('powers off 100 nodes after a confirmation naming the count; 5 dead BMCs fail, the rest turn off', async () => {
    await down.stop(); // 5 BMCs gone: their ports refuse
    await page.getByTestId('power-off').click();
    await expect.poll(() => page.locator('.ant-modal-confirm').innerText()).toMatch(/Power off 100 node\(s\)\?[\s\S]*node\[001-100\]/);
    await page.waitForTimeout(400); // the modal's fade-in
    await shot(page, 'power-confirm-en');
    await page.locator('#power-confirm').click();
    await expect.poll(summary, { timeout: 30_000 }).toBe('95 off, 5 unreachable: node[096-100]');
    await expect.poll(() => page.getByTestId('power-cancel').isDisabled()).toBe(true);
    expect(await stateOf('node001')).toBe('ok');
    expect(await page.locator('[data-node="node001"] [data-power]').getAttribute('data-power')).toBe('off');
    for (const b of main.bmcs.slice(0, 95)) expect(await main.readPower(b.name)).toBe('off');
    expect(await page.getByTestId('power-retry').innerText()).toMatch(/Retry failed \(5\)/);
    await page.locator('[data-node="node001"]').hover();
    await page.mouse.wheel(0, 5000); // to the failed ones at the end
    await expect.poll(() => stateOf('node100')).toBe('unreachable');
    await shot(page, 'power-off-partial-en');
  });

  it('retries only the failed nodes once their BMCs are back: all 100 off', async () => {
    down = await startBmcs({ stateDir: labDir, count: 5, firstIndex: 96, bmcsPerProcess: 5, password, sol: false, ports: downPorts });
    await page.getByTestId('power-retry').click();
    await expect.poll(() => page.locator('.ant-modal-confirm').innerText()).toMatch(/Power off 5 node\(s\)\?[\s\S]*node\[096-100\]/);
    await page.locator('#power-confirm').click();
    await expect.poll(summary, { timeout: 30_000 }).toBe('100 off');
    await expect.poll(() => page.getByTestId('power-cancel').isDisabled()).toBe(true);
    await page.waitForTimeout(400);
    for (const b of down.bmcs) expect(await down.readPower(b.name)).toBe('off');
    expect(await page.getByTestId('power-retry').isDisabled()).toBe(true);
    await shot(page, 'power-retried-en');
  });

  it('shows the last known power state in the inventory', async () => {
    await page.getByTestId('nav-inventory').click();
    await page.getByTestId('nodes-filter').fill('@lab');
    await page.getByTestId('nodes-filter').press('Enter');
    await expect.poll(() => page.getByTestId('nodes-total').innerText()).toMatch(/100 of 100 nodes/);
    await page.locator('[data-testid="nodes-table"] .ant-table-body, [data-testid="nodes-table"] .ant-table-tbody-virtual').first().hover();
    await page.mouse.wheel(3000, 0); // the Power column is at the right end
    await expect.poll(() => page.locator('[data-power="off"]').count()).toBeGreaterThan(5);
    await page.waitForTimeout(300);
    await shot(page, 'power-inventory-column-en');
    // The rack view: each node's box carries its last state as a coloured dot (off: grey, on: green).
    await page.getByRole('tab', { name: 'Racks and rooms' }).click();
    await page.getByRole('cell', { name: 'r01', exact: true }).click();
    await expect.poll(() => page.getByTestId('rack-view').locator('[data-power="off"]').count()).toBeGreaterThan(5);
    expect(await page.getByTestId('rack-view').locator('[data-power="on"]').count()).toBe(0);
    await page.waitForTimeout(300);
    await shot(page, 'power-rack-view-en');
    await page.getByRole('tab', { name: 'Nodes' }).click();
    await page.getByTestId('nav-power').click();
  });

  it('stays smooth while 1,000 results arrive at once (updates once per frame)', async () => {
    await page.getByTestId('power-nodeset').fill('@big');
    await expect.poll(() => page.getByTestId('power-nodeset-preview').innerText()).toMatch(/1000 node\(s\)/);
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[]; summaryChanges: number };
      w.longTasks = [];
      w.summaryChanges = 0;
      new PerformanceObserver((list) => { for (const e of list.getEntries()) w.longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: false });
      // Every React commit that touches the table also rewrites the summary line: count them.
      new MutationObserver(() => { w.summaryChanges++; }).observe(document.querySelector('[data-testid=power-summary]') ?? document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByTestId('power-status').click();
    await expect.poll(summary, { timeout: 60_000 }).toBe('1000 unreachable: big[0001-1000]');
    await expect.poll(() => page.getByTestId('power-cancel').isDisabled()).toBe(true);
    const { longTasks, summaryChanges } = await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[]; summaryChanges: number };
      return { longTasks: w.longTasks, summaryChanges: w.summaryChanges };
    });
    console.log(`1,000 results: ${summaryChanges} summary updates, long tasks ${JSON.stringify(longTasks.map(Math.round))}`);
    // 1,000 result events (plus the plan and the summary) arrive within a few hundred ms: one
    // update per animation frame means far fewer updates than events.
    expect(summaryChanges).toBeLessThan(200);
    // Nothing freezes the page (generous: these machines run many tests at once on 2 cores).
    expect(Math.max(0, ...longTasks)).toBeLessThan(2000);
    await shot(page, 'power-1000-en');
  });

  it('keeps every drawn row its own node after wheeling through the 1,000 results (rows are recycled)', async () => {
    const body = page.locator('[data-testid=power-table] .ant-table-tbody-virtual-holder');
    const drawn = () => page.locator('[data-testid=power-table] .ant-table-tbody-virtual .ant-table-row').evaluateAll((els) =>
      els.map((el) => ({ node: el.getAttribute('data-node'), name: el.children[0]?.textContent, state: el.querySelector('[data-state]')?.getAttribute('data-state'), top: el.getBoundingClientRect().top })));
    const rowElements = page.locator('[data-testid=power-table] .ant-table-tbody-virtual .ant-table-row');
    await rowElements.evaluateAll((els) => els.forEach((el) => { (el as HTMLElement).dataset.firstNode = el.getAttribute('data-node')!; }));
    const first = (await drawn())[0]?.node;
    await body.hover();
    for (let i = 0; i < 40; i++) await page.mouse.wheel(0, 400);
    await expect.poll(async () => (await drawn())[0]?.node).not.toBe(first);
    // The rows on screen are the first rows' elements, now showing other nodes: the table recycled them.
    const reused = await rowElements.evaluateAll((els) => els.filter((el) => (el as HTMLElement).dataset.firstNode && (el as HTMLElement).dataset.firstNode !== el.getAttribute('data-node')).length);
    expect(reused).toBeGreaterThan(3);
    const shown = (await drawn()).sort((a, b) => a.top - b.top);
    expect(shown.length).toBeGreaterThan(5);
    for (const [k, row] of shown.entries()) {
      expect(row.node).toMatch(/^big\d{4}$/);
      expect(row.name).toBe(row.node);
      expect(row.state).toBe('unreachable');
      if (k) expect(Number(row.node!.slice(3))).toBe(Number(shown[k - 1].node!.slice(3)) + 1); // consecutive, top to bottom
    }
    await shot(page, 'power-1000-scrolled-en');
  });

  it('shows the page in Chinese: status of the 100 lab nodes', async () => {
    await setLanguage(page, 'zh-CN');
    await page.getByTestId('nav-power').click();
    await page.getByTestId('power-nodeset').fill('@lab');
    await page.getByTestId('power-status').click();
    await expect.poll(summary, { timeout: 30_000 }).toBe('100 台关机');
    await expect.poll(() => page.getByTestId('power-cancel').isDisabled()).toBe(true);
    await page.waitForTimeout(400); // the progress bar's animation
    await shot(page, 'power-status-zh-CN');
    await page.getByTestId('power-off').click();
    await expect.poll(() => page.locator('.ant-modal-confirm').innerText()).toMatch(/对 100 个节点执行关机？/);
    await page.waitForTimeout(400);
    await shot(page, 'power-confirm-zh-CN');
    await page.keyboard.press('Escape');
  });

  it('records the UI\'s batches in the audit log as coming from serve', () => {
    const entries = JSON.parse(cli(data, ['audit', 'list', '--json', '--limit', '20']).stdout) as { via: string; module: string; action: string; result: string }[];
    const power = entries.filter((e) => e.module === 'power' && e.via === 'serve').map((e) => `${e.action}:${e.result}`);
    expect(power).toEqual(expect.arrayContaining(['off:partial', 'off:ok', 'status:failed', 'status:ok']));
  });
});
