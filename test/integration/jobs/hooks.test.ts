// Completion hooks through the built `clusterdeck` command against the lab's single-node Slurm: the final state is
// POSTed once to the job's URL (a real HTTP server here), a dead hook is recorded, a bad URL is refused.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlurm, type SlurmLab } from '../../../main/lab/slurm';
import { cli, cliAsync } from '../../support/cli';
import { tempDir } from '../../support/tmp';
import { deadPort } from '../ssh/helpers';

interface JobJson { id: number; state: string | null; hookUrl: string | null; hookResult: string | null }

describe('completion hooks (clusterdeck jobs submit --hook) against the lab Slurm', { timeout: 180_000 }, () => {
  const tmp = tempDir('clusterdeck-hooks-');
  const data = `${tmp.dir}/data`;
  let lab: SlurmLab;
  let server: http.Server;
  let base = '';
  const received: { method: string; url: string; type: string; body: Record<string, unknown> }[] = [];
  // The hook server lives in this process, so every command that may send a hook runs without blocking it.
  const ok = async (...args: string[]) => {
    const r = await cliAsync(data, args);
    if (r.code !== 0) throw new Error(`clusterdeck ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const job = async (id: number): Promise<JobJson> => (JSON.parse(await ok('jobs', 'list', '--json')) as JobJson[]).find((j) => j.id === id)!;
  async function until(id: number, pred: (j: JobJson) => boolean): Promise<JobJson> {
    for (;;) {
      const j = await job(id);
      if (pred(j)) return j;
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let text = '';
      req.on('data', (d) => (text += d));
      req.on('end', () => {
        received.push({ method: req.method!, url: req.url!, type: String(req.headers['content-type']), body: JSON.parse(text) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    lab = await startSlurm({ stateDir: tmp.dir, rest: false });
    await ok('backends', 'add', 'lab', '--kind', 'slurm-cli', '--env', `SLURM_CONF=${lab.confPath}`, '--workdir', lab.workDir);
  }, 60_000);
  afterAll(async () => {
    await lab?.stop();
    server?.close();
    tmp.cleanup();
  });

  it('POSTs the final state once, as JSON, and records the answer', async () => {
    const j = JSON.parse(await ok('jobs', 'submit', '--json', '--template', 'shell', '--param', 'program=true', '--hook', `${base}/done?token=abc`)) as JobJson;
    expect(j.hookUrl).toBe(`${base}/done?token=abc`);
    const done = await until(j.id, (x) => x.hookResult !== null && x.hookResult !== 'sending');
    expect(done).toMatchObject({ state: 'succeeded', hookResult: 'HTTP 204' });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', url: '/done?token=abc', type: 'application/json', body: { event: 'job.finished', id: j.id, state: 'succeeded', rawState: 'COMPLETED', template: 'shell', backend: 'lab' } });
    await ok('jobs', 'list', '--json'); // looking again sends nothing more
    expect(received).toHaveLength(1);
    expect(await ok('jobs', 'show', String(j.id))).toContain(`completion hook: ${base}/done?token=abc (HTTP 204)`);
    // The audit log names the hook without its query string (it may carry a token).
    const audit = JSON.parse(await ok('audit', 'list', '--json', '--module', 'jobs')) as { action: string; params: Record<string, unknown>; result: string }[];
    const entry = audit.find((e) => e.action === 'hook')!;
    expect(entry).toMatchObject({ result: 'ok', params: { url: `${base}/done?…`, state: 'succeeded' } });
    expect(JSON.stringify(audit)).not.toContain('token=abc');
  });

  it('a hook nobody answers is recorded as an error; the job is not affected', async () => {
    const j = JSON.parse(await ok('jobs', 'submit', '--json', '--template', 'shell', '--param', 'program=true', '--hook', `http://127.0.0.1:${await deadPort()}/x`)) as JobJson;
    const done = await until(j.id, (x) => x.hookResult !== null && x.hookResult !== 'sending');
    expect(done.state).toBe('succeeded');
    expect(done.hookResult).toMatch(/^error: .*ECONNREFUSED/);
  });

  it('refuses a hook that is not an http(s) URL, saying so, and submits nothing', async () => {
    const before = (JSON.parse(await ok('jobs', 'list', '--json', '--no-refresh')) as unknown[]).length;
    const r = cli(data, ['jobs', 'submit', '--template', 'shell', '--hook', 'file:///etc/passwd']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/completion hook is an http:\/\/ or https:\/\/ URL/);
    expect((JSON.parse(await ok('jobs', 'list', '--json', '--no-refresh')) as unknown[]).length).toBe(before);
  });
});
