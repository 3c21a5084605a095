import { salesEvents } from "@erp/contracts";
import { defineSubgraph, loadSchemaFile } from "@erp/core";
import { salesSettings } from "./config.js";
import type { SalesDatabase } from "./db.js";
import { salesHandlers } from "./handlers.js";
import { createSalesLoaders, type SalesLoaders } from "./loaders.js";
import { migrations } from "./migrations/index.js";
import { scheduledConfirmationTimeouts } from "./order-closing.js";
import { resolvers } from "./resolvers.js";
import { exampleOperation, seedSales } from "./seed.js";
import { scheduledShippedPosition } from "./shipped-position.js";

/** Sales: quotes, sales orders and shipments; stock through inventory's events, customers through CRM's. */
export const sales = defineSubgraph<SalesDatabase, SalesLoaders>({
  name: "sales",
  typeDefs: loadSchemaFile(new URL("../schema.graphql", import.meta.url)),
  resolvers,
  migrations,
  settings: salesSettings,
  createLoaders: createSalesLoaders,
  publishes: salesEvents,
  handlers: salesHandlers,
  seed: seedSales,
  exampleOperation,
  jobs: [
    { name: "confirmation-timeouts", cron: "* * * * *", run: scheduledConfirmationTimeouts },
    { name: "shipped-position", cron: "50 * * * *", run: scheduledShippedPosition },
  ],
});

export type { SalesContext } from "./context.js";
export { SalesErrorCode } from "./errors.js";
