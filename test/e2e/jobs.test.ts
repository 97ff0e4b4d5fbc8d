import http from 'node:http';
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
    await row('shell').first().locator('a', { hasText: 'shell' }).click();
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
    await row('sleeper').getByText('Cancel', { exact: true }).click();
    await ui.page.locator('.ant-popconfirm').getByRole('button', { name: 'OK' }).click();
    await expect.poll(() => row('sleeper').innerText(), { timeout: 30_000 }).toMatch(/Cancelled/);
    await expect.poll(() => hooks.map((h) => `${h.url} ${h.state}`), { timeout: 30_000 }).toEqual(['/sleeper cancelled']);
    await row('sleeper').locator('a', { hasText: 'sleeper' }).click();
    await expect.poll(() => ui.page.getByTestId('job-hook-result').innerText()).toMatch(/\/sleeper — HTTP 204$/);
    await ui.page.keyboard.press('Escape');

    // Rerun the first: a new job with the same parameters, which succeeds too.
    const before = (JSON.parse(cli(ui.data, ['jobs', 'list', '--json']).stdout) as unknown[]).length;
    await row('shell').last().getByText('Rerun', { exact: true }).click();
    await expect.poll(() => (JSON.parse(cli(ui.data, ['jobs', 'list', '--json']).stdout) as unknown[]).length, { timeout: 30_000 }).toBe(before + 1);
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

  it('lists the built-in templates and shows them in Chinese too', async () => {
    await ui.page.getByTestId('nav-templates').click();
    await expect.poll(() => ui.page.getByTestId('templates-table').innerText()).toMatch(/slurm-single-gpu[\s\S]*pytorch-ddp[\s\S]*horovod[\s\S]*tensorflow[\s\S]*jupyter[\s\S]*tensorboard[\s\S]*shell/);
    await setLanguage(ui.page, 'zh-CN');
    await ui.page.getByTestId('nav-templates').click();
    await expect.poll(() => ui.page.getByTestId('templates-table').innerText()).toMatch(/内置/);
    await shot(ui.page, 'templates-zh-CN');
  });
});
