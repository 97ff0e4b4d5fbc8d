import { describe, expect, it } from 'vitest';
import { setLanguage, shot } from '../support/browser';
import { useUiSession } from '../support/uiSession';

describe('Consoles: Serial over LAN terminals in Chromium', () => {
  const ui = useUiSession({ lab: ['--bmcs', '2', '--ssh-nodes', '0'], nav: 'consoles' });
  const screen = (node: string) => ui.page.getByTestId(`terminal-${node}`).locator('.xterm-rows').innerText();

  it('opens a SOL console per BMC node, shows the login prompt and echoes typing', async () => {
    await ui.page.getByText('Serial (SOL)', { exact: true }).click();
    await ui.page.getByTestId('console-nodes').fill('@lab');
    await expect.poll(() => ui.page.getByTestId('console-nodes-preview').innerText()).toMatch(/2 node\(s\)/);
    await ui.page.getByTestId('console-open').click();
    // The simulated serial console prints its prompt again on Enter.
    await ui.page.getByTestId('terminal-node001').click();
    await ui.page.keyboard.press('Enter');
    await expect.poll(() => screen('node001'), { timeout: 20_000 }).toMatch(/bmc001 login:/);
    await ui.page.keyboard.type('root');
    await ui.page.keyboard.press('Enter');
    await expect.poll(() => screen('node001')).toMatch(/^echo: root$/m);
    expect(await screen('node002')).not.toMatch(/echo: root/);
    await ui.page.getByTestId('terminal-node002').click();
    await ui.page.keyboard.press('Enter');
    await expect.poll(() => screen('node002'), { timeout: 20_000 }).toMatch(/bmc002 login:/);
    await shot(ui.page, 'consoles-sol-en');
  });

  it('closing the panes deactivates SOL: the same node opens again at once (no busy payload)', async () => {
    const closeButtons = ui.page.getByRole('button', { name: 'Close', exact: true });
    await expect.poll(() => closeButtons.count()).toBe(2);
    await closeButtons.first().click();
    await closeButtons.first().click();
    await expect.poll(() => ui.page.getByTestId('terminal-node001').count()).toBe(0);
    await ui.page.getByTestId('console-nodes').fill('node001');
    await ui.page.getByTestId('console-open').click();
    await ui.page.getByTestId('terminal-node001').click();
    await ui.page.keyboard.press('Enter');
    await expect.poll(() => screen('node001'), { timeout: 20_000 }).toMatch(/bmc001 login:/);
    expect(await screen('node001')).not.toMatch(/SOL_BUSY|already active/);
    await ui.page.keyboard.type('again');
    await ui.page.keyboard.press('Enter');
    await expect.poll(() => screen('node001')).toMatch(/^echo: again$/m);
  });
});
