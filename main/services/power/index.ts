// Batch power over BMCs (IPMI through one shared UDP socket, Redfish with pinned certificates).
//
//   const power = createPowerService({ db, audit, inventory, reveal: (n) => vault.reveal(n) });
//   for await (const e of power.run(actor, { nodeset: '@gpu', action: 'status', options: {} }, signal)) ...
//   // events: plan (auditId, nodes, options in force), started, one result per node, done (summary)
//   await power.close();   // cancels running batches, closes open sessions and the socket
//
// Unknown nodes refuse the whole request (NODES_NOT_FOUND with the folded names); nodes without a
// BMC or credential, unreachable BMCs, refused commands and untrusted Redfish certificates are
// that node's result. Every batch is an audit entry (begin before, complete after).
export { createPowerService, type PowerServiceImpl, type PowerDeps } from './powerService';
export { DEFAULT_FANOUT, DEFAULT_TIMEOUT_MS, DEFAULT_RETRANSMIT_MS } from './options';
