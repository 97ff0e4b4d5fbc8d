import { z } from 'zod';
import { procedure, router } from '../trpc';
import { Name } from '../schemas/common';
import * as inv from '../schemas/inventory';

const NodeSetExpr = z.string().min(1, 'the node set is empty').max(100_000);

export const inventoryRouter = router({
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
