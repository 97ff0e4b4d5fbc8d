import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliSession } from '../session';
import { printJson, printTable } from '../output';
import { CliExit, EXIT_USAGE } from '../exitCodes';
import { AppError } from '../../../../shared/errors';
import type { NodeInput } from '../../../../shared/contract/schemas/inventory';
import { registerImportSshConfig } from './sshConfig';

const int = (v: string) => {
  if (!/^\d+$/.test(v)) throw new AppError('INVALID_INPUT', `"${v}" is not a whole number`);
  return Number(v);
};
const collect = (v: string, prev: string[]) => [...prev, v];

function formatOf(file: string, flag?: string): 'csv' | 'yaml' {
  const f = (flag ?? path.extname(file).slice(1)).toLowerCase();
  if (f === 'csv') return 'csv';
  if (f === 'yaml' || f === 'yml') return 'yaml';
  throw new AppError('INVALID_INPUT', `Cannot tell the format of ${file}; pass --format csv or --format yaml.`);
}

export function registerNodes(program: Command, session: () => CliSession): void {
  const nodes = program.command('nodes').description('the node inventory');

  nodes.command('list').description('list nodes').option('-n, --nodeset <expr>', 'only these nodes').option('--json', 'JSON output')
    .action(async (o: { nodeset?: string; json?: boolean }) => {
      const api = await session().caller();
      const { items } = await api.inventory.listNodes({ nodeset: o.nodeset, offset: 0, limit: 100_000 });
      if (o.json) return printJson(items);
      printTable(['NAME', 'HOSTNAME', 'TYPE', 'RACK', 'U', 'GPUS', 'GROUPS', 'SSH', 'BMC'], items.map((n) => [
        n.name, n.hostname, n.type, n.rack, n.u, n.gpuCount ? `${n.gpuCount}${n.gpuModel ? ` ${n.gpuModel}` : ''}` : '', n.groups.join(','),
        n.ssh ? `${n.ssh.user}@${n.ssh.host}:${n.ssh.port}` : '', n.bmc ? `${n.bmc.protocol}://${n.bmc.host}:${n.bmc.port}` : '',
      ]));
    });

  nodes.command('show <name>').description('one node in full').option('--json', 'JSON output')
    .action(async (name: string) => printJson(await (await session().caller()).inventory.getNode({ name })));

  nodes.command('add <name>').description('add a node')
    .requiredOption('--hostname <host>', 'hostname or IP address')
    .option('--type <type>', 'compute, gpu, login, storage or management')
    .option('--rack <rack>').option('--u <n>', 'lowest rack unit', int).option('--u-height <n>', 'height in U', int)
    .option('--gpus <n>', 'GPU count', int).option('--gpu-model <model>')
    .option('--groups <a,b>', 'comma-separated groups')
    .option('--label <key=value>', 'a label (repeatable)', collect, [])
    .option('--ssh-host <host>').option('--ssh-port <port>', '', int).option('--ssh-user <user>').option('--ssh-credential <name>').option('--jump-host <host>')
    .option('--bmc-host <host>').option('--bmc-port <port>', '', int).option('--bmc-protocol <ipmi|redfish>').option('--bmc-credential <name>')
    .option('--json', 'JSON output')
    .action(async (name: string, o: Record<string, string | number | string[] | boolean | undefined>) => {
      const labels = Object.fromEntries((o.label as string[]).map((kv) => {
        const i = kv.indexOf('=');
        if (i <= 0) throw new AppError('INVALID_INPUT', `--label ${kv}: expected key=value`);
        return [kv.slice(0, i), kv.slice(i + 1)];
      }));
      const sshGiven = o.sshHost || o.sshUser || o.sshPort || o.sshCredential || o.jumpHost;
      const input: NodeInput = {
        name, hostname: o.hostname as string, type: o.type as NodeInput['type'], rack: (o.rack as string) ?? null, u: (o.u as number) ?? null,
        uHeight: o.uHeight as number | undefined, gpuCount: o.gpus as number | undefined, gpuModel: (o.gpuModel as string) ?? null, labels,
        groups: o.groups ? (o.groups as string).split(',').map((g) => g.trim()).filter(Boolean) : [],
        ssh: sshGiven ? { host: (o.sshHost as string) ?? (o.hostname as string), port: o.sshPort as number | undefined, user: (o.sshUser as string) ?? 'root', credential: (o.sshCredential as string) ?? null, jumpHost: (o.jumpHost as string) ?? null } : null,
        bmc: o.bmcHost ? { host: o.bmcHost as string, port: o.bmcPort as number | undefined, protocol: o.bmcProtocol as 'ipmi' | 'redfish' | undefined, credential: (o.bmcCredential as string) ?? null } : null,
      };
      const node = await (await session().caller()).inventory.addNode(input);
      if (o.json) printJson(node);
      else process.stdout.write(`added ${node.name}\n`);
    });

  nodes.command('rm <nodeset>').description('remove nodes (a node set)').option('-y, --yes', 'do not ask')
    .action(async (expr: string, o: { yes?: boolean }) => {
      const api = await session().caller();
      const preview = await api.inventory.previewNodeSet({ expr });
      if (!o.yes) {
        throw new CliExit(EXIT_USAGE, `This removes ${preview.count} node(s): ${preview.folded}. Run again with --yes to confirm.`);
      }
      const r = await api.inventory.removeNodes({ nodeset: expr });
      process.stdout.write(`removed ${r.removed} node(s): ${preview.folded}\n`);
    });

  nodes.command('import <file>').description('import nodes from CSV or YAML; all or nothing')
    .option('--format <csv|yaml>', 'default: from the file extension')
    .option('--update', 'replace nodes that already exist')
    .option('--create-missing', 'create racks and groups that the file names')
    .option('--json', 'JSON output')
    .action(async (file: string, o: { format?: string; update?: boolean; createMissing?: boolean; json?: boolean }) => {
      const format = formatOf(file, o.format);
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (error) {
        throw new AppError('FILE_UNREADABLE', `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      const r = await (await session().caller()).inventory.importNodes({ format, text, update: !!o.update, createMissing: !!o.createMissing });
      if (o.json) printJson(r);
      if (r.problems.length) {
        for (const p of r.problems) process.stderr.write(`${file}:${p.line}: ${p.column ? `${p.column}: ` : ''}${p.reason}\n`);
        throw new CliExit(EXIT_USAGE, `${r.problems.length} problem(s) in ${file}; nothing was imported. Fix the lines above and import again.`);
      }
      if (!o.json) process.stdout.write(`imported ${r.imported} node(s) (${r.created} new, ${r.updated} updated)\n`);
    });

  registerImportSshConfig(nodes, session);

  nodes.command('export').description('export nodes as CSV or YAML')
    .option('--format <csv|yaml>', 'default csv', 'csv').option('-n, --nodeset <expr>', 'only these nodes').option('-o, --out <file>', 'write to a file instead of stdout')
    .action(async (o: { format: string; nodeset?: string; out?: string }) => {
      const r = await (await session().caller()).inventory.exportNodes({ format: formatOf('', o.format), nodeset: o.nodeset });
      if (o.out) {
        fs.writeFileSync(o.out, r.text);
        process.stderr.write(`exported ${r.count} node(s) to ${o.out}\n`);
      } else process.stdout.write(r.text);
    });
}
