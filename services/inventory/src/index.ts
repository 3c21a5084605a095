import { inventoryEvents } from "@erp/contracts";
import { defineSubgraph, loadSchemaFile } from "@erp/core";
import { inventorySettings } from "./config.js";
import type { InventoryDatabase } from "./db.js";
import { goodsReceiptHandlers } from "./goods-receipt.js";
import { scheduledLedgerCheck } from "./ledger-check.js";
import { createInventoryLoaders, type InventoryLoaders } from "./loaders.js";
import { migrations } from "./migrations/index.js";
import { orderFulfilmentHandlers } from "./order-fulfilment.js";
import { resolvers } from "./resolvers.js";
import { seedInventory } from "./seed.js";

/** Inventory: products, warehouses, the append-only stock ledger, reservations, valuation. */
export const inventory = defineSubgraph<InventoryDatabase, InventoryLoaders>({
  name: "inventory",
  typeDefs: loadSchemaFile(new URL("../schema.graphql", import.meta.url)),
  resolvers,
  migrations,
  settings: inventorySettings,
  createLoaders: createInventoryLoaders,
  publishes: inventoryEvents,
  handlers: [...orderFulfilmentHandlers, ...goodsReceiptHandlers],
  jobs: [{ name: "ledger-check", cron: "30 * * * *", run: scheduledLedgerCheck }],
  seed: seedInventory,
});

export type { InventoryContext } from "./context.js";
export { InventoryErrorCode } from "./errors.js";
export { reportValuation } from "./ledger-check.js";
export { stockValuation } from "./queries.js";
