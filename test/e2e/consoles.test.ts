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
});
