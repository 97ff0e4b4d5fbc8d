import type { Command } from 'commander';
import type { CliSession } from '../session';
import { printLines } from '../output';
import { NodeSet } from '../../../../shared/nodeset';
import { inventoryResolver } from '../../../services/inventory/nodesets';
import { AppError } from '../../../../shared/errors';

// Mirrors ClusterShell's `nodeset`: several expressions are a union; -e, -f and -c print the
// expansion, the folded form and the count. `@group` resolves against the inventory.
export function registerNodeset(program: Command, session: () => CliSession): void {
  program.command('nodeset <expr...>').description('expand, fold or count a node set, like ClusterShell\'s nodeset')
    .option('-e, --expand', 'print the names, space separated')
    .option('-f, --fold', 'print the folded node set')
    .option('-c, --count', 'print the number of nodes')
    .option('-S, --separator <sep>', 'separator for --expand', ' ')
    .action(async (exprs: string[], o: { expand?: boolean; fold?: boolean; count?: boolean; separator: string }) => {
      const modes = [o.expand, o.fold, o.count].filter(Boolean).length;
      if (modes !== 1) throw new AppError('INVALID_INPUT', 'Give exactly one of -e (expand), -f (fold) or -c (count).');
      const needsInventory = exprs.some((e) => e.includes('@'));
      const resolveGroup = needsInventory ? inventoryResolver((await session().open()).db) : undefined;
      let set = NodeSet.parse(exprs[0], { resolveGroup });
      for (const e of exprs.slice(1)) set = set.union(NodeSet.parse(e, { resolveGroup }));
      if (o.count) printLines([String(set.size)]);
      else if (o.fold) printLines([set.fold()]);
      else printLines([set.expand().join(o.separator)]);
    });
}
