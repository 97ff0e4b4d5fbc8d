import fs from 'node:fs';
import type { Command } from 'commander';
import type { CliSession } from '../session';
import { printJson, printTable } from '../output';

export function registerAudit(program: Command, session: () => CliSession): void {
  const audit = program.command('audit').description('the audit log of every state-changing operation');
  audit.command('list')
    .option('--module <m>').option('--action <a>').option('--actor <user>').option('--result <r>', 'running, ok, failed, partial, cancelled')
    .option('--since <iso>').option('--until <iso>').option('--text <text>', 'search targets, parameters and details')
    .option('--limit <n>', 'newest N entries', (v) => Number.parseInt(v, 10), 100)
    .option('--json', 'JSON output').option('--csv <file>', 'write the matching entries as CSV')
    .action(async (o: { module?: string; action?: string; actor?: string; result?: 'ok'; since?: string; until?: string; text?: string; limit: number; json?: boolean; csv?: string }) => {
      const api = await session().caller();
      const query = { module: o.module, action: o.action, actor: o.actor, result: o.result, since: o.since, until: o.until, text: o.text };
      if (o.csv) {
        fs.writeFileSync(o.csv, await api.audit.exportCsv({ ...query, offset: 0, limit: 100_000 }));
        process.stderr.write(`wrote ${o.csv}\n`);
        return;
      }
      const { items } = await api.audit.list({ ...query, offset: 0, limit: o.limit });
      if (o.json) return printJson(items);
      printTable(['ID', 'STARTED', 'OPERATOR', 'VIA', 'MODULE', 'ACTION', 'TARGETS', 'RESULT', 'DETAIL'],
        items.map((e) => [e.id, e.startedAt, e.actor, e.via, e.module, e.action, e.targets.slice(0, 60), e.result, e.detail.slice(0, 80)]));
    });
}
