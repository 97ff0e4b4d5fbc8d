import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { setLanguage, shot } from '../support/browser';
import { cli } from '../support/cli';
import { useUiSession } from '../support/uiSession';
import { startSlurm, type SlurmLab } from '../../main/lab/slurm';

describe('Jobs and Templates pages in Chromium against the lab Slurm', () => {
  let lab: SlurmLab;
  // A completion hook receiver (serve POSTs to it when a job ends).
  const hooks: { url: string; state: string }[] = [];
  let hookServer: http.Server;
  let hookUrl = '';
  const ui = useUiSession({
    tempPrefix: 'clusterdeck-e2e-jobs-',
    prepare: async ({ dir, data }) => {
      hookServer = http.createServer((req, res) => {
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => { hooks.push({ url: req.url!, state: (JSON.parse(body) as { state: string }).state }); res.writeHead(204).end(); });
      });
      await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
      hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}`;
      lab = await startSlurm({ stateDir: dir });
      expect(cli(data, ['backends', 'add', 'lab', '--kind', 'slurm-cli', '--env', `SLURM_CONF=${lab.confPath}`, '--workdir', lab.workDir]).code).toBe(0);
    },
    teardown: async () => { await lab?.stop(); hookServer?.close(); },
  });

  it('fills a template form, previews the exact script with a literal $(id), submits and sees the job succeed', async () => {
    await ui.page.getByTestId('nav-jobs').click();
    await ui.page.getByTestId('job-new').click();
    await ui.page.getByTestId('job-template-select').click();
    await ui.page.locator('.ant-select-item-option', { hasText: '(shell v1)' }).click();
    const args = ui.page.getByTestId('job-params-form').locator('#args');
    await args.click();
    await args.fill('$(id)');
    await args.press('Enter');
    await expect.poll(() => ui.page.getByTestId('job-preview').innerText()).toContain("exec echo hello '$(id)'");
    await shot(ui.page, 'jobs-submit-en');
    await ui.page.getByTestId('job-submit').click();
    await expect.poll(() => ui.page.getByTestId('jobs-table').innerText(), { timeout: 30_000 }).toMatch(/shell[\s\S]*Submitted[\s\S]*(Queued|Running|Succeeded)/);
    const out = () => cli(ui.data, ['jobs', 'list', '--json']).stdout;
    await expect.poll(() => out(), { timeout: 30_000 }).toMatch(/"state": "succeeded"/);
    const job = JSON.parse(out())[0] as { id: number };
    const logs = cli(ui.data, ['jobs', 'logs', String(job.id)]);
    expect(logs.stdout, cli(ui.data, ['jobs', 'show', String(job.id)]).stdout + logs.stderr).toBe('hello $(id)\n');
    await ui.page.getByTestId('nav-jobs').click();
    await shot(ui.page, 'jobs-table-en');
  });

  it('shows the output in the log tail, cancels a second job and reruns the first', async () => {
    const table = ui.page.getByTestId('jobs-table');
    const row = (text: string) => table.locator('.ant-table-row', { hasText: text });
    await row('shell').first().click(); // a row opens its detail
    await expect.poll(() => ui.page.getByTestId('job-log').innerText(), { timeout: 30_000 }).toBe('hello $(id)\n');
    await shot(ui.page, 'jobs-detail-log-en');
    await ui.page.keyboard.press('Escape');

    // A second job that would run for five minutes: `sleep 300`.
    await ui.page.getByTestId('job-new').click();
    await ui.page.getByTestId('job-template-select').click();
    await ui.page.locator('.ant-select-item-option', { hasText: '(shell v1)' }).click();
    const form = ui.page.getByTestId('job-params-form');
    await form.locator('#name').fill('sleeper');
    await form.locator('#program').fill('sleep');
    // The form keeps the last job's arguments: remove them all.
    const removers = form.locator('.ant-select-selection-item-remove');
    while ((await removers.count()) > 0) await removers.first().click();
    await form.locator('#args').fill('300');
    await form.locator('#args').press('Enter');
    await expect.poll(() => ui.page.getByTestId('job-preview').innerText()).toContain('exec sleep 300');
    await ui.page.getByTestId('job-hook').fill(`${hookUrl}/sleeper`); // completion hook: told when it ends
    await ui.page.getByTestId('job-submit').click();
    await expect.poll(() => row('sleeper').innerText(), { timeout: 30_000 }).toMatch(/Running/);
    // Actions live in the job's detail (the table's rows are plain text).
    await row('sleeper').click();
    await ui.page.getByTestId('job-action-cancel').click();
    await ui.page.locator('.ant-popconfirm').getByRole('button', { name: 'OK' }).click();
    await expect.poll(() => ui.page.getByTestId('job-detail-state').innerText(), { timeout: 30_000 }).toBe('Cancelled');
    await expect.poll(() => hooks.map((h) => `${h.url} ${h.state}`), { timeout: 30_000 }).toEqual(['/sleeper cancelled']);
    await expect.poll(() => ui.page.getByTestId('job-hook-result').innerText()).toMatch(/\/sleeper — HTTP 204$/);
    await ui.page.keyboard.press('Escape');
    await expect.poll(() => row('sleeper').innerText(), { timeout: 30_000 }).toMatch(/Cancelled/);

    // Rerun the first: a new job with the same parameters, which succeeds too.
    const before = (JSON.parse(cli(ui.data, ['jobs', 'list', '--json']).stdout) as unknown[]).length;
    await row('shell').last().click();
    await ui.page.getByTestId('job-action-rerun').click();
    await expect.poll(() => (JSON.parse(cli(ui.data, ['jobs', 'list', '--json']).stdout) as unknown[]).length, { timeout: 30_000 }).toBe(before + 1);
    await ui.page.keyboard.press('Escape');
    const jobs = () => JSON.parse(cli(ui.data, ['jobs', 'list', '--json']).stdout) as { id: number; name: string; state: string; params: Record<string, unknown> }[];
    await expect.poll(() => jobs().filter((j) => j.name === 'shell' && j.state === 'succeeded').length, { timeout: 60_000 }).toBe(2);
    const [first, again] = jobs().filter((j) => j.name === 'shell');
    expect(again.params).toEqual(first.params);
    await ui.page.getByTestId('jobs-filter-state').click();
    await ui.page.locator('.ant-select-item-option', { hasText: 'Cancelled' }).click();
    await ui.page.keyboard.press('Escape');
    await expect.poll(() => ui.page.getByTestId('jobs-total').innerText()).toMatch(/^1 of 3 jobs$/);
    await shot(ui.page, 'jobs-cancelled-rerun-en');
  });

  it('opens a running job\'s endpoint through a forward, shows the local URL, and closes it with the detail', async () => {
    // A "Jupyter": reports its endpoint as the jupyter template does, then serves a folder.
    mkdirSync(join(lab.workDir, 'nb'), { recursive: true });
    writeFileSync(join(lab.workDir, 'nb', 'notebook.txt'), 'hello from the compute node\n');
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const script = `echo clusterdeck-endpoint jupyter "$SLURMD_NODENAME" ${port}; cd nb && exec python3 -m http.server ${port}`;
    const sub = cli(ui.data, ['jobs', 'submit', '--json', '--template', 'shell', '--param', 'name=notebook', '--param', 'program=sh', '--param', 'args=-c', '--param', `args=${script}`]);
    expect(sub.code, sub.stderr).toBe(0);
    const id = (JSON.parse(sub.stdout) as { id: number }).id;
    await expect.poll(() => cli(ui.data, ['jobs', 'endpoints', String(id)]).stdout, { timeout: 60_000 }).toMatch(new RegExp(`jupyter\\s+localhost\\s+${port}\\s+output`));

    await ui.page.reload(); // the state filter of the last test goes
    await ui.page.getByTestId('nav-jobs').click();
    const table = ui.page.getByTestId('jobs-table');
    await table.locator('.ant-table-row', { hasText: 'notebook' }).click();
    await ui.page.getByTestId('endpoint-open-jupyter').click();
    const link = ui.page.getByTestId('endpoint-url-jupyter');
    await expect.poll(() => link.innerText(), { timeout: 30_000 }).toMatch(/^\s*http:\/\/127\.0\.0\.1:\d+\/$/);
    const url = (await link.getAttribute('href'))!;
    expect(await ui.page.getByTestId('job-endpoints').innerText()).toContain(`localhost:${port}`);
    await shot(ui.page, 'jobs-endpoint-open-en');
    // The link opens the forwarded server in a tab of its own; the page itself fetched nothing from it.
    const [tab] = await Promise.all([ui.page.waitForEvent('popup'), link.click()]);
    await expect.poll(async () => { await tab.reload().catch(() => undefined); return tab.content(); }, { timeout: 30_000 }).toContain('notebook.txt');
    await tab.close();
    expect(await (await fetch(`${url}notebook.txt`)).text()).toBe('hello from the compute node\n');
    await ui.page.keyboard.press('Escape'); // the detail closes: so does the forward
    await expect.poll(() => fetch(url).then(() => 'open', () => 'closed'), { timeout: 15_000 }).toBe('closed');

    // Who ran it and where it queued: columns and filters.
    const user = (JSON.parse(cli(ui.data, ['jobs', 'show', String(id), '--json']).stdout) as { user: string }).user;
    expect(user).toBe(lab.user);
    expect(await table.locator('.ant-table-row', { hasText: 'notebook' }).innerText()).toMatch(new RegExp(`${lab.user}\\s+debug`));
    await ui.page.getByTestId('jobs-filter-queue').click();
    await ui.page.locator('.ant-select-item-option', { hasText: 'debug' }).click();
    await ui.page.getByTestId('jobs-filter-user').click();
    await ui.page.locator('.ant-select-item-option', { hasText: lab.user }).last().click();
    await ui.page.keyboard.press('Escape');
    await expect.poll(() => ui.page.getByTestId('jobs-total').innerText()).toMatch(/^4 of 4 jobs$/);
    await shot(ui.page, 'jobs-filter-user-queue-en');
    expect(cli(ui.data, ['jobs', 'list', '--no-refresh', '--queue', 'gpu']).stdout).not.toContain('notebook');
    expect(cli(ui.data, ['jobs', 'list', '--no-refresh', '--user', lab.user, '--queue', 'debug']).stdout).toContain('notebook');
    expect(cli(ui.data, ['jobs', 'cancel', String(id)]).code).toBe(0);
  });

  it('lists the built-in templates and shows them in Chinese too', async () => {
    await ui.page.getByTestId('nav-templates').click();
    await expect.poll(() => ui.page.getByTestId('templates-table').innerText()).toMatch(/slurm-single-gpu[\s\S]*pytorch-ddp[\s\S]*horovod[\s\S]*tensorflow[\s\S]*jupyter[\s\S]*tensorboard[\s\S]*shell/);
    await setLanguage(ui.page, 'zh-CN');
    await ui.page.getByTestId('nav-templates').click();
    await expect.poll(() => ui.page.getByTestId('templates-table').innerText()).toMatch(/内置/);
    await shot(ui.page, 'templates-zh-CN');
  });
});
