import { describe, expect, it } from 'vitest';
import { setLanguage, shot } from '../support/browser';
import { useUiSession } from '../support/uiSession';

describe('Consoles: SSH terminals and broadcast input in Chromium', () => {
  const ui = useUiSession({ lab: ['--bmcs', '0', '--ssh-nodes', '3'], nav: 'consoles' });
  const screen = (node: string) => ui.page.getByTestId(`terminal-${node}`).locator('.xterm-rows').innerText();

  it('opens a terminal per node of a node set and runs a command in one', async () => {
    await ui.page.getByTestId('console-nodes').fill('@lab');
    await expect.poll(() => ui.page.getByTestId('console-nodes-preview').innerText()).toMatch(/3 node\(s\)/);
    await ui.page.getByTestId('console-open').click();
    for (const n of ['node001', 'node002', 'node003']) await expect.poll(() => screen(n), { timeout: 20_000 }).toMatch(/[$#]\s*$/m);
    await ui.page.getByTestId('terminal-node002').click();
    await ui.page.keyboard.type('echo one-$((40+2))\n');
    await expect.poll(() => screen('node002')).toMatch(/^one-42$/m);
    expect(await screen('node001')).not.toMatch(/one-42/);
  });

  it('broadcasts typing, Ctrl-C and arrows to every receiving terminal, and shows who receives', async () => {
    await ui.page.keyboard.press('Control+Shift+B');
    await expect.poll(() => ui.page.getByTestId('broadcast-banner').innerText()).toMatch(/Typing goes to 3 terminal\(s\): node001, node002, node003/);
    await ui.page.getByTestId('terminal-node001').click();
    await ui.page.keyboard.type('sleep 100');
    // Like a person, wait to see what was typed before Ctrl-C and for the fresh prompt after it: on SIGINT the tty
    // discards input bash has not read yet (any terminal does this; under load bash reads late).
    for (const n of ['node001', 'node002', 'node003']) await expect.poll(() => screen(n)).toMatch(/sleep 100\s*$/);
    await ui.page.keyboard.press('Control+C');
    for (const n of ['node001', 'node002', 'node003']) await expect.poll(() => screen(n)).toMatch(/sleep 100\^C\s*\n.*[$#]\s*$/);
    await ui.page.keyboard.type('echo all-$((6*7))');
    await ui.page.keyboard.press('ArrowLeft');
    await ui.page.keyboard.press('End');
    await ui.page.keyboard.press('Enter');
    for (const n of ['node001', 'node002', 'node003']) await expect.poll(() => screen(n)).toMatch(/^all-42$/m);
    await shot(ui.page, 'consoles-broadcast-en');
    await ui.page.locator('label').filter({ hasText: 'receives' }).nth(2).click();
    await expect.poll(() => ui.page.getByTestId('broadcast-banner').innerText()).toMatch(/2 terminal\(s\): node001, node002$/);
    await ui.page.getByTestId('terminal-node001').click();
    await ui.page.keyboard.type('echo two-$((1+1))\n');
    await expect.poll(() => screen('node002')).toMatch(/^two-2$/m);
    expect(await screen('node003')).not.toMatch(/^two-2$/m);
    await setLanguage(ui.page, 'zh-CN');
    await ui.page.getByTestId('nav-consoles').click();
    await shot(ui.page, 'consoles-empty-zh-CN');
  });

  it('splits a terminal right and down with the keyboard, resizes by dragging, closes a pane; sessions survive', async () => {
    await setLanguage(ui.page, 'en');
    await ui.page.getByTestId('nav-consoles').click();
    await ui.page.getByTestId('console-nodes').fill('node003');
    await ui.page.getByTestId('console-open').click();
    // The new terminal tab is the one on screen (inside the page's Terminals tab); node003 also has a pane in the
    // (hidden) tab the page reopened.
    const tab = ui.page.locator('.ant-tabs-content-active .ant-tabs-content-active');
    const panes = tab.getByTestId('console-pane');
    const term = (i: number) => panes.nth(i).getByTestId('terminal-node003');
    const text = (i: number) => term(i).locator('.xterm-rows').innerText();
    const box = async (i: number) => (await panes.nth(i).boundingBox())!;
    await expect.poll(() => text(0), { timeout: 20_000 }).toMatch(/[$#]\s*$/m);
    await term(0).click();
    await ui.page.keyboard.type('echo first-$((2+3))\n');
    await expect.poll(() => text(0)).toMatch(/^first-5$/m);

    await ui.page.keyboard.press('Control+Shift+D');
    await expect.poll(() => panes.count()).toBe(2);
    await expect.poll(() => text(1), { timeout: 20_000 }).toMatch(/[$#]\s*$/m);
    // The first pane kept its session and scrollback, and the new one is beside it.
    expect(await text(0)).toMatch(/^first-5$/m);
    expect((await box(1)).x).toBeGreaterThan((await box(0)).x + (await box(0)).width - 20);
    await term(1).click();
    await ui.page.keyboard.type('echo second-$((3+4))\n');
    await expect.poll(() => text(1)).toMatch(/^second-7$/m);
    expect(await text(0)).not.toMatch(/second-7/);

    await ui.page.keyboard.press('Control+Shift+Alt+D');
    await expect.poll(() => panes.count()).toBe(3);
    await expect.poll(() => text(2), { timeout: 20_000 }).toMatch(/[$#]\s*$/m);
    const [right, below] = [await box(1), await box(2)];
    expect(below.y).toBeGreaterThan(right.y + right.height - 20);
    expect(Math.abs(below.x - right.x)).toBeLessThan(2);
    expect(await text(1)).toMatch(/^second-7$/m);

    // Drag the bar between the left pane and the right column 150 px to the right (grabbed a quarter down: its middle
    // meets the right column's own bar).
    const before = await box(0);
    const bar = (await tab.locator('.ant-splitter-bar-dragger').first().boundingBox())!;
    const [x, y] = [bar.x + bar.width / 2, bar.y + bar.height / 4];
    await ui.page.mouse.move(x, y);
    await ui.page.mouse.down();
    await ui.page.mouse.move(x + 75, y, { steps: 5 });
    await ui.page.mouse.move(x + 150, y, { steps: 5 });
    await ui.page.mouse.up();
    await expect.poll(async () => (await box(0)).width).toBeGreaterThan(before.width + 100);
    expect(await text(0)).toMatch(/^first-5$/m);
    await shot(ui.page, 'consoles-splits-en');

    // Ctrl+Shift+X closes the focused pane (the one below); the others keep their sessions.
    await term(2).click();
    await ui.page.keyboard.press('Control+Shift+X');
    await expect.poll(() => panes.count()).toBe(2);
    expect(await text(1)).toMatch(/^second-7$/m);
    await tab.getByTestId('pane-split-down').first().click();
    await expect.poll(() => panes.count()).toBe(3);

    await setLanguage(ui.page, 'zh-CN');
    await ui.page.getByTestId('nav-consoles').click();
    const terminalTabs = ui.page.locator('.ant-tabs-content-active .ant-tabs-tab');
    await expect.poll(() => terminalTabs.count()).toBe(2);
    await terminalTabs.last().click();
    // Reopened with the same shape: left, and a column of two.
    await expect.poll(() => panes.count()).toBe(3);
    await expect.poll(() => text(2), { timeout: 20_000 }).toMatch(/[$#]\s*$/m);
    expect(await tab.getByTestId('pane-split-right').first().getAttribute('aria-label')).toBe('向右拆分');
    await tab.getByTestId('pane-split-down').first().hover();
    await expect.poll(() => ui.page.locator('.ant-tooltip').last().innerText()).toMatch(/向下拆分 \(Ctrl\+Shift\+Alt\+D\)/);
    await shot(ui.page, 'consoles-splits-zh-CN');
  });
});
