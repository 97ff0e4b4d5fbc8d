// `clusterdeck jobs ...` and `clusterdeck backends ...`: write jobs from templates, submit them
// (or keep them as drafts / in the outbox), follow, cancel and rerun them.
import { withCtrlC } from '../ctrlC';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliSession } from '../session';
import { printJson, printTable } from '../output';
import { CliExit, EXIT_SOME_FAILED } from '../exitCodes';
import { AppError } from '../../../../shared/errors';
import type { Job, JobDetail, Params, Template } from '../../../../shared/contract/schemas/jobs';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/**
 * --param k=v pairs, typed by the template: a list parameter takes one element per --param
 * (or a JSON array with --param-json), a map parameter takes k.KEY=value; the rest is text
 * (numbers are checked by the service against the schema).
 */
export function parseParams(template: Template, pairs: string[], jsonPairs: string[]): Params {
  const props = template.body.parameters.properties;
  const out: Params = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new AppError('INVALID_INPUT', `--param ${JSON.stringify(pair)} is not k=v`);
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    const dot = key.indexOf('.');
    const base = dot > 0 ? key.slice(0, dot) : key;
    const p = props[base];
    if (p?.type === 'object') {
      if (dot <= 0) throw new AppError('INVALID_INPUT', `${base} is a map: pass --param ${base}.NAME=value`);
      out[base] = { ...((out[base] as Record<string, string>) ?? {}), [key.slice(dot + 1)]: value };
    } else if (p?.type === 'array') {
      out[key] = [...((out[key] as string[]) ?? []), value];
    } else out[key] = value;
  }
  for (const pair of jsonPairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new AppError('INVALID_INPUT', `--param-json ${JSON.stringify(pair)} is not k=JSON`);
    try {
      out[pair.slice(0, eq)] = JSON.parse(pair.slice(eq + 1));
    } catch {
      throw new AppError('INVALID_INPUT', `--param-json ${pair.slice(0, eq)}: the value is not JSON`);
    }
  }
  return out;
}

const row = (j: Job) => [j.id, j.name, j.phase, j.state ?? '', j.rawState ?? '', j.backend ?? '', j.backendJobId ?? '', j.user ?? '', j.queue ?? '', j.nodes ?? '', j.template, j.lastError ?? (j.vanished ? 'vanished' : '')];
const HEAD = ['ID', 'NAME', 'PHASE', 'STATE', 'RAW STATE', 'BACKEND', 'BACKEND ID', 'USER', 'QUEUE', 'NODES', 'TEMPLATE', 'NOTE'];

function reportSubmit(j: JobDetail): void {
  if (j.phase === 'submitted') process.stdout.write(`job ${j.id} submitted to ${j.backend} as job ${j.backendJobId}\n`);
  else if (j.phase === 'outbox') process.stdout.write(`job ${j.id} waits in the outbox: ${j.lastError}\n(it is submitted when ${j.backend} answers: \`clusterdeck jobs outbox flush\` or any \`jobs list\`)\n`);
  else process.stdout.write(`job ${j.id} saved as a draft (submit it with \`clusterdeck jobs send ${j.id}\`)\n`);
}

const portArg = (v: string, flag: string, zero = false) => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535 || (n === 0 && !zero)) throw new AppError('INVALID_INPUT', `${flag} "${v}" must be a port number (${zero ? '0' : '1'}-65535)`);
  return n;
};

const idArg = (v: string) => {
  if (!/^\d+$/.test(v)) throw new AppError('INVALID_INPUT', `job id "${v}" must be a number (see \`clusterdeck jobs list\`)`);
  return Number(v);
};

export function registerJobs(program: Command, session: () => CliSession): void {
  const jobs = program.command('jobs').description('jobs on Slurm and Kubernetes backends, written from templates; drafts and an outbox when a backend is down');

  const withTemplateOptions = (c: Command) =>
    c.requiredOption('--template <name>', 'template name (see `clusterdeck templates list`)')
      .option('--version <n>', 'template version (default: latest)', (v) => Number(v))
      .option('--param <k=v>', 'parameter value (repeat; lists: once per element; maps: --param env.NAME=value)', collect, [])
      .option('--param-json <k=json>', 'parameter value as JSON', collect, [])
      .option('--backend <name>', 'backend (default: the only one configured)');

  async function templateAndParams(o: { template: string; version?: number; param: string[]; paramJson: string[] }) {
    const api = await session().caller();
    const t = await api.templates.get({ name: o.template, version: o.version });
    return { api, params: parseParams(t, o.param, o.paramJson) };
  }

  withTemplateOptions(jobs.command('submit').description('render a template and submit it (unreachable backend: the job waits in the outbox)'))
    .option('--draft', 'save as a draft, do not submit')
    .option('--hook <url>', 'completion hook: POST the final state (JSON) to this http(s) URL once the job ends')
    .option('--json', 'JSON output')
    .action(async (o: { template: string; version?: number; param: string[]; paramJson: string[]; backend?: string; draft?: boolean; hook?: string; json?: boolean }) => {
      const { api, params } = await templateAndParams(o);
      const j = await api.jobs.submit({ template: o.template, version: o.version, params, backend: o.backend, draft: !!o.draft, hook: o.hook ?? null });
      if (o.json) printJson(j);
      else reportSubmit(j);
    });

  withTemplateOptions(jobs.command('preview').description('print the exact script or manifest a submit would send'))
    .option('--json', 'JSON output (script and job spec)')
    .action(async (o: { template: string; version?: number; param: string[]; paramJson: string[]; backend?: string; json?: boolean }) => {
      const { api, params } = await templateAndParams(o);
      const r = await api.jobs.preview({ template: o.template, version: o.version, params, backend: o.backend });
      if (o.json) printJson(r);
      else process.stdout.write(r.text.endsWith('\n') ? r.text : `${r.text}\n`);
    });

  jobs.command('list').description('jobs ClusterDeck knows (refreshes their state and retries the outbox)')
    .option('--backend <name>', 'only this backend').option('--phase <phase>', 'draft, outbox or submitted')
    .option('--user <user>', 'only jobs of this cluster user (Slurm job user, kubeconfig user)')
    .option('--queue <queue>', 'only jobs in this queue (Slurm partition, Volcano queue, else Kubernetes namespace)')
    .option('--no-refresh', 'show the last known state without asking the backends').option('--json', 'JSON output')
    .action(async (o: { backend?: string; phase?: 'draft' | 'outbox' | 'submitted'; user?: string; queue?: string; refresh: boolean; json?: boolean }) => {
      const rows = await (await session().caller()).jobs.list({ backend: o.backend, phase: o.phase, user: o.user, queue: o.queue, refresh: o.refresh });
      if (o.json) return printJson(rows);
      printTable(HEAD, rows.map(row));
    });

  jobs.command('show <id>').description('one job with its exact script and spec').option('--json', 'JSON output')
    .action(async (id: string, o: { json?: boolean }) => {
      const j = await (await session().caller()).jobs.show({ id: idArg(id) });
      if (o.json) return printJson(j);
      const lines = [
        `id: ${j.id}`, `name: ${j.name}`, `phase: ${j.phase}`, `state: ${j.state ?? '-'} (${j.rawState ?? '-'}${j.reason ? `, ${j.reason}` : ''})`,
        `backend: ${j.backend ?? '-'} job ${j.backendJobId ?? '-'}`, `user: ${j.user ?? '-'}`, `queue: ${j.queue ?? '-'}`, `nodes: ${j.nodes ?? '-'}`, `exit code: ${j.exitCode ?? '-'}`, `output: ${j.output ?? '-'}`,
        `template: ${j.template} v${j.templateVersion}`, ...(j.lastError ? [`last error: ${j.lastError}`] : []), ...(j.vanished ? ['vanished: the backend no longer knows this job'] : []),
        ...(j.hookUrl ? [`completion hook: ${j.hookUrl} (${j.hookResult ?? 'not sent yet'})`] : []),
        ...(j.rendered?.spec.endpoints.length ? [`endpoints: ${j.rendered.spec.endpoints.map((e) => `${e.name} ${j.nodes ?? '?'}:${e.port}`).join(', ')} (open one with \`clusterdeck jobs open ${j.id}\`)`] : []),
        '', '--- script ---', j.rendered?.text ?? '',
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });

  jobs.command('logs <id>').description('the job\'s output: Slurm: its output file (same machine or a loopback backend); Kubernetes: its pods\' logs, last 2,000 lines')
    .option('-f, --follow', 'keep printing until the job ends (Kubernetes: until its pods\' logs end; Ctrl-C stops)')
    .action(async (id: string, o: { follow?: boolean }) => {
      const api = await session().caller();
      const j = await api.jobs.show({ id: idArg(id) });
      const kube = (await api.jobs.backends()).find((b) => b.name === j.backend)?.kind === 'kubernetes';
      if (kube && !o.follow) {
        const r = await api.jobs.logs({ id: j.id, tailBytes: 64 * 1024 * 1024 });
        process.stdout.write(r.text);
        return;
      }
      if (kube) {
        await withCtrlC(async (signal) => {
          const sub = await session().newCaller(false, signal);
          const pods = new Set((await api.jobs.pods({ id: j.id })).map((p) => p.name));
          for await (const l of await sub.jobs.followLogs({ id: j.id, tailLines: 2000 })) process.stdout.write(pods.size > 1 ? `[${l.pod}] ${l.line}\n` : `${l.line}\n`);
        });
        return;
      }
      let printed = 0;
      for (;;) {
        const r = await api.jobs.logs({ id: idArg(id), tailBytes: 64 * 1024 * 1024 });
        const bytes = Buffer.from(r.text, 'utf8');
        if (bytes.length > printed) process.stdout.write(bytes.subarray(printed));
        printed = Math.max(printed, bytes.length);
        if (!o.follow || r.finished) return;
        await new Promise((res) => setTimeout(res, 1000));
      }
    });

  jobs.command('endpoints <id>').description('a running job\'s interactive endpoints (Jupyter, TensorBoard): as it reported them or its template declares')
    .option('--json', 'JSON output')
    .action(async (id: string, o: { json?: boolean }) => {
      const rows = await (await session().caller()).jobs.endpoints({ id: idArg(id) });
      if (o.json) return printJson(rows);
      printTable(['NAME', 'HOST', 'PORT', 'POD', 'FROM'], rows.map((e) => [e.name, e.host, e.port, e.pod ?? '', e.source]));
    });
  jobs.command('open <id>').description('forward a running job\'s endpoint to 127.0.0.1 (Slurm: SSH through the login node; Kubernetes: port-forward to its pod) until Ctrl-C or the job ends')
    .option('--name <name>', 'the endpoint (default: the first; see `jobs endpoints ID`)')
    .option('--port <n>', 'the job\'s port to forward instead of a named endpoint', (v) => portArg(v, '--port'))
    .option('--local-port <n>', 'local port (default 0: any free port)', (v) => portArg(v, '--local-port', true), 0)
    .option('--json', 'JSON lines: the open event, then the closed one')
    .action(async (id: string, o: { name?: string; port?: number; localPort: number; json?: boolean }) => {
      await withCtrlC(async (signal) => {
        const sub = await session().newCaller(false, signal);
        for await (const e of await sub.jobs.openEndpoint({ id: idArg(id), name: o.name, port: o.port, localPort: o.localPort })) {
          if (o.json) process.stdout.write(`${JSON.stringify(e)}\n`);
          else if (e.type === 'open') process.stdout.write(`${e.endpoint.name}: ${e.url} → ${e.endpoint.host}:${e.endpoint.port} via ${e.via} (Ctrl-C closes it)\n`);
          else process.stderr.write(`clusterdeck: the forward closed: ${e.reason}\n`);
        }
      });
    });

  const simple = (verb: string, desc: string, call: (api: Awaited<ReturnType<CliSession['caller']>>, id: number) => Promise<Job | JobDetail>) =>
    jobs.command(`${verb} <id>`).description(desc).option('--json', 'JSON output').action(async (id: string, o: { json?: boolean }) => {
      const j = await call(await session().caller(), idArg(id));
      if (o.json) return printJson(j);
      if (verb === 'rerun' || verb === 'send') return reportSubmit(j as JobDetail);
      printTable(HEAD, [row(j)]);
    });
  simple('cancel', 'cancel a job (a draft or outbox job is withdrawn locally)', (api, id) => api.jobs.cancel({ id }));
  simple('rerun', 'submit a job again with the same template version and parameters', (api, id) => api.jobs.rerun({ id }));
  simple('send', 'submit a draft or an outbox job now', (api, id) => api.jobs.send({ id }));
  for (const action of ['hold', 'release', 'suspend', 'resume'] as const) {
    simple(action, action === 'suspend' || action === 'resume' ? `${action} a job (Slurm: scontrol ${action}; Kubernetes: ${action === 'suspend' ? 'sets' : 'clears'} runPolicy.suspend / spec.suspend)` : `${action} a Slurm job (scontrol ${action})`, (api, id) => api.jobs.control({ id, action }));
  }
  jobs.command('rm <id>').description('forget a draft or a finished job').action(async (id: string) => {
    await (await session().caller()).jobs.remove({ id: idArg(id) });
  });

  const outbox = jobs.command('outbox').description('jobs waiting for an unreachable backend').option('--json', 'JSON output')
    .action(async (o: { json?: boolean }) => {
      const rows = await (await session().caller()).jobs.list({ phase: 'outbox', refresh: false });
      if (o.json) return printJson(rows);
      printTable(HEAD, rows.map(row));
    });
  outbox.command('flush').description('submit every outbox job whose backend answers now').option('--json', 'JSON output')
    .action(async (o: { json?: boolean }) => {
      const r = await (await session().caller()).jobs.flushOutbox();
      if (o.json) printJson(r);
      else {
        for (const s of r.submitted) process.stdout.write(`job ${s.id} submitted as job ${s.backendJobId}\n`);
        for (const w of r.waiting) process.stderr.write(`clusterdeck: job ${w.id} still waits: ${w.error}\n`);
      }
      if (r.waiting.length > 0) throw new CliExit(EXIT_SOME_FAILED);
    });

  jobs.command('partitions').description('the backend\'s partitions').option('--backend <name>', 'backend').option('--json', 'JSON output')
    .action(async (o: { backend?: string; json?: boolean }) => {
      const rows = await (await session().caller()).jobs.partitions({ backend: o.backend });
      if (o.json) return printJson(rows);
      printTable(['PARTITION', 'STATE', 'DEFAULT', 'NODES', 'CPUS'], rows.map((p) => [p.name, p.state, p.isDefault ? 'yes' : '', p.nodes, p.totalCpus]));
    });
  jobs.command('nodes').description('the backend\'s nodes and their states').option('--backend <name>', 'backend').option('--json', 'JSON output')
    .action(async (o: { backend?: string; json?: boolean }) => {
      const rows = await (await session().caller()).jobs.nodes({ backend: o.backend });
      if (o.json) return printJson(rows);
      printTable(['NODE', 'STATE', 'PARTITIONS', 'CPUS', 'GRES', 'REASON'], rows.map((n) => [n.name, n.state, n.partitions.join(','), n.cpus, n.gres, n.reason]));
    });

  jobs.command('pods <id>').description('Kubernetes: the job\'s pods').option('--json', 'JSON output')
    .action(async (id: string, o: { json?: boolean }) => {
      const rows = await (await session().caller()).jobs.pods({ id: idArg(id) });
      if (o.json) return printJson(rows);
      printTable(['POD', 'ROLE', 'PHASE', 'NODE', 'CONTAINERS'], rows.map((p) => [p.name, p.role ?? '', p.phase, p.node ?? '', p.containers.join(',')]));
    });
  jobs.command('events <id>').description('Kubernetes: events about the job and its pods, oldest first').option('--json', 'JSON output')
    .action(async (id: string, o: { json?: boolean }) => {
      const rows = await (await session().caller()).jobs.events({ id: idArg(id) });
      if (o.json) return printJson(rows);
      printTable(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'], rows.map((e) => [e.lastTime ?? '', e.type, e.reason, `${e.object.kind}/${e.object.name}`, e.message]));
    });

  const backends = program.command('backends').description('where jobs run: Slurm over its commands (slurm-cli), slurmrestd (slurm-rest), or Kubernetes (kubernetes)');
  backends.command('add <name>').description('add a backend')
    .requiredOption('--kind <kind>', 'slurm-cli (Slurm commands here or over SSH), slurm-rest (slurmrestd + JWT) or kubernetes (a kubeconfig)')
    .option('--kubeconfig <file>', 'kubernetes: kubeconfig file to import (stored encrypted in the vault as NAME-kubeconfig)')
    .option('--context <name>', 'kubernetes: the kubeconfig context (default: its current-context; see `backends contexts`)')
    .option('--namespace <ns>', 'kubernetes: namespace for jobs (default: the context\'s)')
    .option('--url <url>', 'slurm-rest: http://host:port of slurmrestd; slurm-cli: local', 'local')
    .option('--user <user>', 'slurm-rest: the Slurm user the token belongs to')
    .option('--credential <name>', 'slurm-rest: vault credential (kind token) holding the JWT from `scontrol token`')
    .option('--workdir <dir>', 'default working folder of jobs')
    .option('--env <K=V>', 'slurm-cli: environment for the Slurm commands (repeat), e.g. SLURM_CONF=/etc/slurm/slurm.conf', collect, [])
    .option('--env-file <file>', 'slurm-cli: lines K=V to add to the environment')
    .option('--replace', 'replace a backend of the same name').option('--json', 'JSON output')
    .action(async (name: string, o: { kind: 'slurm-cli' | 'slurm-rest' | 'kubernetes'; url: string; user?: string; credential?: string; workdir?: string; env: string[]; envFile?: string; replace?: boolean; json?: boolean; kubeconfig?: string; context?: string; namespace?: string }) => {
      if (o.kind === 'kubernetes') {
        let kubeconfig: string | undefined;
        if (o.kubeconfig) {
          try {
            kubeconfig = readFileSync(o.kubeconfig, 'utf8');
          } catch (err) {
            throw new AppError('INVALID_INPUT', `--kubeconfig ${o.kubeconfig}: ${(err as Error).message}`);
          }
        }
        const b = await (await session().caller(true)).jobs.addBackend({ name, kind: 'kubernetes', url: '', user: null, credential: o.credential ?? null, workDir: null, env: {}, kubeconfig, context: o.context ?? null, namespace: o.namespace ?? null, replace: !!o.replace });
        if (o.json) printJson(b);
        else process.stdout.write(`backend ${b.name} (kubernetes, context ${b.context}, ${b.url}) added; its kubeconfig is in the vault as ${b.credential}\n`);
        return;
      }
      const pairs = [...(o.envFile ? readFileSync(o.envFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => l.replace(/^export\s+/, '')) : []), ...o.env];
      const env: Record<string, string> = {};
      for (const p of pairs) {
        const eq = p.indexOf('=');
        if (eq <= 0) throw new AppError('INVALID_INPUT', `--env ${JSON.stringify(p)} is not K=V`);
        env[p.slice(0, eq)] = p.slice(eq + 1);
      }
      const b = await (await session().caller()).jobs.addBackend({ name, kind: o.kind, url: o.url, user: o.user ?? null, credential: o.credential ?? null, workDir: o.workdir ?? null, env, replace: !!o.replace });
      if (o.json) printJson(b);
      else process.stdout.write(`backend ${b.name} (${b.kind}, ${b.url}) added\n`);
    });
  backends.command('list').description('configured backends').option('--json', 'JSON output')
    .action(async (o: { json?: boolean }) => {
      const rows = await (await session().caller()).jobs.backends();
      if (o.json) return printJson(rows);
      printTable(['NAME', 'KIND', 'URL', 'USER', 'CREDENTIAL', 'WORKDIR', 'CONTEXT', 'NAMESPACE'], rows.map((b) => [b.name, b.kind, b.url, b.user, b.credential, b.workDir, b.context ?? '', b.namespace ?? '']));
    });
  backends.command('contexts [name]').description('Kubernetes: the contexts of a backend\'s kubeconfig (or of --kubeconfig FILE); * marks the one in use')
    .option('--kubeconfig <file>', 'a kubeconfig file instead of a backend').option('--json', 'JSON output')
    .action(async (name: string | undefined, o: { kubeconfig?: string; json?: boolean }) => {
      if (!name && !o.kubeconfig) throw new AppError('INVALID_INPUT', 'name a kubernetes backend or give --kubeconfig FILE');
      const rows = await (await session().caller(!o.kubeconfig)).jobs.kubeContexts(o.kubeconfig ? { kubeconfig: readFileSync(o.kubeconfig, 'utf8') } : { backend: name });
      if (o.json) return printJson(rows);
      printTable(['', 'CONTEXT', 'CLUSTER', 'SERVER', 'USER', 'NAMESPACE'], rows.map((c) => [c.current ? '*' : '', c.name, c.cluster, c.server ?? '', c.user, c.namespace]));
    });
  backends.command('use-context <name> <context>').description('Kubernetes: switch a backend to another context of its kubeconfig')
    .option('--namespace <ns>', 'namespace for jobs (default: the context\'s)').option('--json', 'JSON output')
    .action(async (name: string, context: string, o: { namespace?: string; json?: boolean }) => {
      const b = await (await session().caller(true)).jobs.switchContext({ backend: name, context, namespace: o.namespace ?? null });
      if (o.json) return printJson(b);
      process.stdout.write(`backend ${b.name} now uses context ${b.context} (${b.url})\n`);
    });
  backends.command('rm <name>').description('remove a backend (refused while jobs wait for it in the outbox)')
    .action(async (name: string) => {
      await (await session().caller()).jobs.removeBackend({ name });
    });
}
