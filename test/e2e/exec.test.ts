import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { setLanguage, shot } from '../support/browser';
import { useUiSession } from '../support/uiSession';
import { cli } from '../support/cli';

describe('Consoles › Exec over 50 nodes in Chromium', () => {
  const ui = useUiSession({
    lab: ['--bmcs', '0', '--ssh-nodes', '50'],
    nav: 'consoles',
    prepare: ({ dir, data }) => {
      // Two nodes whose SSH port has nothing behind it.
      fs.writeFileSync(path.join(dir, 'dead.csv'), 'name,hostname,groups,ssh_host,ssh_port,ssh_user,ssh_credential\ndead01,127.0.0.1,lab,127.0.0.1,9,root,lab-ssh\ndead02,127.0.0.1,lab,127.0.0.1,9,root,lab-ssh\n');
      expect(cli(data, ['nodes', 'import', path.join(dir, 'dead.csv')]).code).toBe(0);
    },
  });

  it('runs a command on every node, folds identical output and names the unreachable ones', async () => {
    await ui.page.getByRole('tab', { name: 'Exec' }).click();
    await ui.page.getByTestId('exec-nodes').fill('@lab');
    await expect.poll(() => ui.page.getByTestId('exec-nodes-preview').innerText()).toMatch(/52 node\(s\)/);
    await ui.page.getByTestId('exec-command').fill('echo answer-$((6*7))');
    await ui.page.getByTestId('exec-run').click();
    await expect.poll(() => ui.page.getByTestId('exec-summary').innerText(), { timeout: 60_000 }).toMatch(/50 ok.*2 unreachable: dead\[01-02\]/);
    const groups = await ui.page.getByTestId('exec-group').allInnerTexts();
    // Every node answered 42, in groups that fold identical output. Usually one group node[001-050] (50); under load a
    // login shell now and then adds a line of its own on stderr (the lab user's ~/.bashrc on this machine runs `pyenv
    // rehash`, which can warn when 50 logins rehash at once), and that node's output is then a group of its own.
    const answered = groups.filter((g) => /answer-42/.test(g)).map((g) => Number(/\((\d+)\)/.exec(g)?.[1] ?? 0));
    expect(answered.reduce((a, b) => a + b, 0), groups.join('\n---\n')).toBe(50);
    expect(Math.max(...answered), groups.join('\n---\n')).toBeGreaterThan(40);
    expect(groups.some((g) => /dead\[01-02\]\s*\(2\)/.test(g))).toBe(true);
    await shot(ui.page, 'consoles-exec-en');
    const audit = JSON.parse(cli(ui.data, ['audit', 'list', '--json', '--module', 'exec']).stdout) as { via: string; result: string }[];
    expect(audit[0]).toMatchObject({ via: 'serve', result: 'partial' });
    await setLanguage(ui.page, 'zh-CN');
    await ui.page.getByTestId('nav-consoles').click();
    await ui.page.getByRole('tab', { name: '并行执行' }).click();
    await shot(ui.page, 'consoles-exec-zh-CN');
  });
});
