import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { setLanguage, shot } from '../support/browser';
import { cli, cliAsync } from '../support/cli';
import { FakeKubeApiServer, kubeconfigText, until } from '../support/k8s';
import { useUiSession } from '../support/uiSession';
import { startSlurm, type SlurmLab } from '../../main/lab/slurm';

describe('Queues page in Chromium against the lab Slurm', () => {
  let lab: SlurmLab;
  let kube: FakeKubeApiServer;
  const ui = useUiSession({
    tempPrefix: 'clusterdeck-e2e-queues-',
    prepare: async ({ dir, data }) => {
      // With slurmdbd and its MariaDB, so the usage tab reads real accounting.
      lab = await startSlurm({ stateDir: dir, rest: false, accounting: true });
      expect(cli(data, ['backends', 'add', 'lab', '--kind', 'slurm-cli', '--env', `SLURM_CONF=${lab.confPath}`, '--workdir', lab.workDir]).code).toBe(0);
      // A Kubernetes cluster with Volcano (the test API server), added before serve opens the vault; the CLI runs
      // asynchronously because the test API server answers from this process's event loop.
      kube = await FakeKubeApiServer.start();
      const file = path.join(dir, 'k8s.kubeconfig');
      writeFileSync(file, kubeconfigText([{ name: 'lab', server: kube.url, token: 'token-alice', user: 'alice', namespace: 'team-a', ca: kube.pki.ca }]));
      const add = await cliAsync(data, ['backends', 'add', 'k8s', '--kind', 'kubernetes', '--kubeconfig', file]);
      expect(add.code, add.stderr).toBe(0);
    },
    teardown: async () => { await kube?.close(); await lab?.stop(); },
  });

  it('shows the lab partition with its node and CPU counts, as the CLI reports them', async () => {
    // What the CLI says, through the same service: the UI must show the same figures.
    const listed = cli(ui.data, ['queues', 'list', '--backend', 'lab', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const [{ partitions: [debug] }] = JSON.parse(listed.stdout) as { partitions: { name: string; nodes: { total: number; idle: number; allocated: number; down: number }; cpus: { total: number } }[] }[];
    expect(debug).toMatchObject({ name: 'debug', nodes: { total: 1, idle: 1, allocated: 0, down: 0 } });

    await ui.page.getByTestId('nav-queues').click();
    const table = ui.page.getByTestId('partitions-lab');
    await expect.poll(() => table.innerText(), { timeout: 30_000 }).toMatch(/debug[\s\S]*default[\s\S]*UP/);
    const nodes = await ui.page.getByTestId('nodes-lab-debug').innerText();
    expect(nodes.replace(/\s+/g, ' ')).toBe(`${debug.nodes.idle} ${debug.nodes.allocated} ${debug.nodes.down} / ${debug.nodes.total}`);
    expect(await table.innerText()).toContain(`/ ${debug.cpus.total}`);
    await shot(ui.page, 'queues-partitions-en');
    // The partition's physical nodes under its row.
    await table.locator('.ant-table-row-expand-icon').first().click();
    await expect.poll(() => ui.page.getByTestId('partition-nodes-lab-debug').innerText()).toMatch(new RegExp(`localhost\\s+Idle\\s+idle\\s+${debug.cpus.total}\\s+0`));
    await shot(ui.page, 'queues-partition-nodes-en');
  });

  it('user usage from the lab\'s slurmdbd: booked hours of a finished job, the running job\'s CPUs, in English and Chinese', async () => {
    // A finished job first, so slurmdbd has booked hours to report; its expected figure is read from sacct itself.
    const done = cli(ui.data, ['jobs', 'submit', '--backend', 'lab', '--template', 'shell', '--param', 'program=sleep', '--param', 'args=2', '--json']);
    expect(done.code, done.stderr).toBe(0);
    const doneJob = JSON.parse(done.stdout) as { id: number; backendJobId: string };
    const env = { ...process.env, SLURM_CONF: lab.confPath, SLURM_TIME_FORMAT: '%s' };
    let line = '';
    // Accounted fully: the job line completed AND its CPU time in (slurmdbd gets the batch step's usage
    // apart from the job's end; until then TotalCPU reads 0 and the view rightly leaves idle hours blank).
    await expect.poll(() => {
      line = spawnSync('sacct', ['-a', '-n', '-P', '-j', doneJob.backendJobId, '-o', 'State,Start,End,NCPUS,TotalCPU'], { env, encoding: 'utf8' }).stdout.trim().split('\n')[0] ?? '';
      return line;
    }, { timeout: 60_000 }).toMatch(/^COMPLETED\|.*\|(?!00:00:00$|00:00\.000$)[\d:.-]+$/);
    const [, start, end, ncpus] = line.split('|').map(Number);
    const booked = (ncpus * (end - start)) / 3600;
    expect(booked).toBeGreaterThan(0);
    const sub = cli(ui.data, ['jobs', 'submit', '--backend', 'lab', '--template', 'shell', '--param', 'program=sleep', '--param', 'args=60', '--json']);
    expect(sub.code, sub.stderr).toBe(0);
    await ui.page.getByTestId('queues-tab-usage').click();
    await expect.poll(() => ui.page.getByTestId('usage-note').innerText(), { timeout: 30_000 }).toMatch(/From Slurm accounting \(slurmdbd\)[\s\S]*CPU-hours allocated but unused/);
    // The job is picked up on a refresh once slurmctld starts it; the finished job's idle share is there
    // too. (Under load one answer in a few showed the running job without the finished job's CPU time
    // although sacct already had it; the cause was not found: see the closing note.)
    let text = '';
    await expect.poll(async () => {
      await ui.page.getByTestId('usage-refresh').click();
      // The answer to this refresh, not the table of the one before.
      await expect.poll(() => ui.page.getByTestId('usage-refresh').getAttribute('class')).not.toMatch(/ant-btn-loading/);
      text = await ui.page.getByTestId('usage-table').innerText();
      return text;
    }, { timeout: 30_000 }).toMatch(new RegExp(`${lab.user}\\s+cpu\\s+1\\b[^\\n]*\\s(9\\d|100)%`));
    expect(text).toMatch(/Total\s+cpu\s+1\b/);
    // Booked hours: the finished job's CPU-seconds plus the running job's seconds so far (shown with two decimals).
    const shown = Number(new RegExp(`${lab.user}\\s+cpu\\s+1\\s+\\S+\\s+\\S+\\s+1\\s+([\\d.]+)`).exec(text)?.[1]);
    expect(shown).toBeGreaterThanOrEqual(Math.floor(booked * 100) / 100);
    expect(shown).toBeLessThan(booked + 0.05);
    // The sleeping job used almost none of its CPU: the row and the total agree on its idle share.
    expect(text).toMatch(new RegExp(`${lab.user}\\s+cpu[^\\n]*\\s(9\\d|100)%[\\s\\S]*Total\\s+cpu[^\\n]*\\s(9\\d|100)%`));
    await expect.poll(() => ui.page.getByTestId('usage-refresh').getAttribute('class')).not.toMatch(/ant-btn-loading/);
    await ui.page.waitForTimeout(400); // the table's loading veil fades before the picture
    await shot(ui.page, 'queues-usage-en');
    await setLanguage(ui.page, 'zh-CN');
    await ui.page.getByTestId('nav-queues').click();
    await ui.page.getByTestId('queues-tab-usage').click();
    await expect.poll(() => ui.page.getByTestId('usage-note').innerText(), { timeout: 30_000 }).toMatch(/来自 Slurm 记账（slurmdbd）/);
    await shot(ui.page, 'queues-usage-zh-CN');
    await ui.page.getByTestId('queues-tab-queues').click();
    await expect.poll(() => ui.page.getByTestId('partitions-lab').innerText(), { timeout: 30_000 }).toMatch(/debug/);
    await ui.page.waitForTimeout(400); // the tab's ink bar settles before the picture
    await shot(ui.page, 'queues-partitions-zh-CN');
    cli(ui.data, ['jobs', 'cancel', String((JSON.parse(sub.stdout) as { id: number }).id)]);
  });

  it('creates a Volcano queue through the form (validation first), edits and deletes it', async () => {
    const queue = () => kube.object('scheduling.volcano.sh', 'queues', null, 'research');

    await setLanguage(ui.page, 'en');
    await ui.page.getByTestId('nav-queues').click();
    await expect.poll(() => ui.page.getByTestId('queues-backend-k8s').innerText(), { timeout: 20_000 }).toMatch(/k8s\s+Volcano queues\s+New queue/);
    await ui.page.getByTestId('queue-new-k8s').click();
    const dialog = ui.page.locator('.queue-form .ant-modal');
    await dialog.waitFor();
    await ui.page.getByTestId('queue-name').fill('Research');
    await ui.page.getByTestId('queue-weight').fill('2');
    await ui.page.getByTestId('queue-deserved-add').click();
    await ui.page.getByTestId('queue-deserved-resource-0').locator('input').fill('nvidia.com/gpu');
    await ui.page.getByTestId('queue-deserved-quantity-0').fill('eight');
    await dialog.locator('.ant-btn-primary').click();
    await expect.poll(() => dialog.innerText()).toMatch(/Use lowercase letters, digits and "-"[\s\S]*Not a quantity: 8, 500m, 64Gi/);
    await shot(ui.page, 'queues-volcano-form-errors-en');
    expect(kube.requests.filter((r) => r.method === 'POST')).toHaveLength(0); // nothing sent while the form is wrong
    await ui.page.getByTestId('queue-name').fill('research');
    await ui.page.getByTestId('queue-deserved-quantity-0').fill('8');
    await dialog.locator('.ant-btn-primary').click();
    await expect.poll(() => queue()?.spec).toEqual({ weight: 2, reclaimable: true, deserved: { 'nvidia.com/gpu': '8' } });
    await until(() => queue()?.status?.state === 'Open', 'the queue to open');
    kube.update('scheduling.volcano.sh', 'queues', null, 'research', (q) => (q.status = { ...q.status, running: 0, allocated: { 'nvidia.com/gpu': '3' } }));
    // No refresh: the page watches the queues, so what Volcano reports appears by itself.
    const table = ui.page.getByTestId('volcano-k8s');
    await expect.poll(() => table.innerText(), { timeout: 15_000 }).toMatch(/research\s+Open\s+2\s+yes\s+nvidia.com\/gpu=8[\s\S]*nvidia.com\/gpu=3/);
    await shot(ui.page, 'queues-volcano-en');

    await ui.page.getByTestId('queue-edit-research').click();
    await expect.poll(() => ui.page.getByTestId('queue-name').inputValue()).toBe('research');
    await ui.page.getByTestId('queue-weight').fill('5');
    await dialog.locator('.ant-btn-primary').click();
    await expect.poll(() => queue()?.spec?.weight).toBe(5);
    expect(queue()?.spec?.deserved).toEqual({ 'nvidia.com/gpu': '8' });

    await expect.poll(() => table.innerText(), { timeout: 15_000 }).toMatch(/research\s+Open\s+5/);
    await setLanguage(ui.page, 'zh-CN');
    await ui.page.getByTestId('nav-queues').click();
    await expect.poll(() => ui.page.getByTestId('volcano-k8s').innerText(), { timeout: 15_000 }).toMatch(/research\s+Open\s+5\s+是/);
    await ui.page.getByTestId('queue-edit-research').click();
    await expect.poll(() => ui.page.getByTestId('queue-name').inputValue()).toBe('research');
    await ui.page.waitForTimeout(400); // the dialog's fade-in ends before the picture
    await shot(ui.page, 'queues-volcano-form-zh-CN');
    await ui.page.keyboard.press('Escape');
    await setLanguage(ui.page, 'en');
    await ui.page.getByTestId('nav-queues').click();
    await ui.page.getByTestId('queue-delete-research').click();
    await ui.page.locator('.ant-popconfirm .ant-btn-dangerous').click();
    await expect.poll(() => queue()).toBeFalsy();
    await expect.poll(() => table.innerText(), { timeout: 15_000 }).not.toMatch(/research/);
    await shot(ui.page, 'queues-volcano-deleted-en');
  });

  it('user usage on Kubernetes: a PyTorchJob\'s GPUs allocated while it runs, its GPU-hours from its status times', async () => {
    const sub = await cliAsync(ui.data, ['jobs', 'submit', '--backend', 'k8s', '--template', 'pytorch-ddp', '--param', 'name=ddp-usage', '--param', 'workers=1', '--param', 'gpusPerReplica=2', '--json']);
    expect(sub.code, sub.stderr).toBe(0);
    kube.controllers.advance('kubeflow.org', 'pytorchjobs', 'team-a', 'ddp-usage', 'Running');
    await setLanguage(ui.page, 'en');
    await ui.page.getByTestId('nav-queues').click();
    await ui.page.getByTestId('queues-tab-usage').click();
    await ui.page.getByTestId('usage-backend').click();
    await ui.page.locator('.ant-select-item-option', { hasText: 'k8s (kubernetes)' }).click();
    await expect.poll(() => ui.page.getByTestId('usage-note').innerText(), { timeout: 30_000 }).toMatch(/From the jobs ClusterDeck submitted[\s\S]*Idle hours need GPU utilization/);
    // Master and one worker, 2 GPUs each: 4 allocated now, one running job.
    await expect.poll(async () => {
      await ui.page.getByTestId('usage-refresh').click();
      return ui.page.getByTestId('usage-table').innerText();
    }, { timeout: 30_000 }).toMatch(/alice\s+gpu\s+4\s+—\s+—\s+1\s/);
    // The operator's times, moved back two hours and finished an hour ago: 4 GPUs × 1 h booked, nothing allocated now.
    const H = 3600_000;
    kube.update('kubeflow.org', 'pytorchjobs', 'team-a', 'ddp-usage', (o) => {
      o.status = {
        ...o.status, startTime: new Date(Date.now() - 2 * H).toISOString(), completionTime: new Date(Date.now() - H).toISOString(),
        conditions: [{ type: 'Created', status: 'True', lastTransitionTime: new Date(Date.now() - 2 * H).toISOString() }, { type: 'Succeeded', status: 'True', lastTransitionTime: new Date(Date.now() - H).toISOString() }],
      };
    });
    await expect.poll(async () => {
      await ui.page.getByTestId('usage-refresh').click();
      return ui.page.getByTestId('usage-table').innerText();
    }, { timeout: 30_000 }).toMatch(/alice\s+gpu\s+0\s+—\s+—\s+0\s+4\.00\s+—\s+—/);
    await expect.poll(() => ui.page.getByTestId('usage-refresh').getAttribute('class')).not.toMatch(/ant-btn-loading/);
    await ui.page.waitForTimeout(400);
    await shot(ui.page, 'queues-usage-kube-en');
    await setLanguage(ui.page, 'zh-CN');
    await ui.page.getByTestId('nav-queues').click();
    await ui.page.getByTestId('queues-tab-usage').click();
    await ui.page.getByTestId('usage-backend').click();
    await ui.page.locator('.ant-select-item-option', { hasText: 'k8s (kubernetes)' }).click();
    await expect.poll(() => ui.page.getByTestId('usage-note').innerText(), { timeout: 30_000 }).toMatch(/来自 ClusterDeck 提交的作业[\s\S]*按 kubeconfig 用户统计/);
    await expect.poll(() => ui.page.getByTestId('usage-table').innerText()).toMatch(/alice\s+gpu\s+0/);
    await ui.page.waitForTimeout(400);
    await shot(ui.page, 'queues-usage-kube-zh-CN');
    await setLanguage(ui.page, 'en');
  });
});
