// The whole contract: one router, one place to read what ClusterDeck can do.
// Each procedure validates its input and output with zod and delegates to a service.
import { z } from 'zod';
import { procedure, router } from './trpc';
import { Name } from './schemas/common';
import * as inv from './schemas/inventory';
import * as vault from './schemas/vault';
import * as audit from './schemas/audit';
import { SystemInfo } from './schemas/system';

const NodeSetExpr = z.string().min(1, 'the node set is empty').max(100_000);

const inventoryRouter = router({
  listNodes: procedure.input(inv.NodeQuery).output(inv.NodeList).query(({ ctx, input }) => ctx.services.inventory.listNodes(input)),
  getNode: procedure.input(z.object({ name: Name })).output(inv.Node).query(({ ctx, input }) => ctx.services.inventory.getNode(input.name)),
  addNode: procedure.input(inv.NodeInput).output(inv.Node).mutation(({ ctx, input }) => ctx.services.inventory.addNode(ctx.actor, input)),
  updateNode: procedure.input(inv.NodeUpdate).output(inv.Node).mutation(({ ctx, input }) => ctx.services.inventory.updateNode(ctx.actor, input.name, input.patch)),
  removeNodes: procedure.input(z.object({ nodeset: NodeSetExpr })).output(z.object({ removed: z.number().int() })).mutation(({ ctx, input }) => ctx.services.inventory.removeNodes(ctx.actor, input.nodeset)),
  previewNodeSet: procedure.input(z.object({ expr: z.string().max(100_000) })).output(inv.NodeSetPreview).query(({ ctx, input }) => ctx.services.inventory.previewNodeSet(input.expr)),
  importNodes: procedure.input(inv.ImportInput).output(inv.ImportResult).mutation(({ ctx, input }) => ctx.services.inventory.importNodes(ctx.actor, input)),
  exportNodes: procedure.input(inv.ExportInput).output(z.object({ text: z.string(), count: z.number().int() })).query(({ ctx, input }) => ctx.services.inventory.exportNodes(input)),

  listGroups: procedure.output(z.array(inv.Group)).query(({ ctx }) => ctx.services.inventory.listGroups()),
  addGroup: procedure.input(inv.GroupInput).output(inv.Group).mutation(({ ctx, input }) => ctx.services.inventory.addGroup(ctx.actor, input)),
  removeGroup: procedure.input(z.object({ name: Name })).mutation(({ ctx, input }) => ctx.services.inventory.removeGroup(ctx.actor, input.name)),
  groupMembers: procedure.input(z.object({ name: Name })).output(z.array(z.string())).query(({ ctx, input }) => ctx.services.inventory.groupMembers(input.name)),
  setGroupMembers: procedure
    .input(z.object({ name: Name, op: z.enum(['add', 'remove', 'set']), nodeset: z.string().max(100_000) }))
    .output(z.object({ members: z.number().int() }))
    .mutation(({ ctx, input }) => ctx.services.inventory.setGroupMembers(ctx.actor, input.name, input.op, input.nodeset)),

  listRooms: procedure.output(z.array(inv.Room)).query(({ ctx }) => ctx.services.inventory.listRooms()),
  addRoom: procedure.input(inv.RoomInput).output(inv.Room).mutation(({ ctx, input }) => ctx.services.inventory.addRoom(ctx.actor, input)),
  removeRoom: procedure.input(z.object({ name: Name })).mutation(({ ctx, input }) => ctx.services.inventory.removeRoom(ctx.actor, input.name)),
  listRacks: procedure.output(z.array(inv.Rack)).query(({ ctx }) => ctx.services.inventory.listRacks()),
  addRack: procedure.input(inv.RackInput).output(inv.Rack).mutation(({ ctx, input }) => ctx.services.inventory.addRack(ctx.actor, input)),
  removeRack: procedure.input(z.object({ name: Name })).mutation(({ ctx, input }) => ctx.services.inventory.removeRack(ctx.actor, input.name)),
});

const vaultRouter = router({
  status: procedure.output(vault.VaultStatus).query(({ ctx }) => ctx.services.vault.status()),
  unlock: procedure.input(vault.UnlockInput).output(vault.VaultStatus).mutation(({ ctx, input }) => ctx.services.vault.unlock(input.passphrase)),
  list: procedure.output(z.array(vault.CredentialSummary)).query(({ ctx }) => ctx.services.vault.list()),
  add: procedure.input(vault.CredentialInput).output(vault.CredentialSummary).mutation(({ ctx, input }) => ctx.services.vault.add(ctx.actor, input)),
  remove: procedure.input(z.object({ name: Name })).mutation(({ ctx, input }) => ctx.services.vault.remove(ctx.actor, input.name)),
});

const auditRouter = router({
  list: procedure.input(audit.AuditQuery).output(audit.AuditList).query(({ ctx, input }) => ctx.services.audit.list(input)),
  exportCsv: procedure.input(audit.AuditQuery).output(z.string()).query(({ ctx, input }) => ctx.services.audit.exportCsv(input)),
});

const systemRouter = router({
  info: procedure.output(SystemInfo).query(({ ctx }) => ctx.services.system.info(ctx.actor.via)),
});

export const appRouter = router({
  inventory: inventoryRouter,
  vault: vaultRouter,
  audit: auditRouter,
  system: systemRouter,
});

export type AppRouter = typeof appRouter;
