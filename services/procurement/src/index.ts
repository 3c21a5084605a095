import { procurementEvents } from "@erp/contracts";
import { defineSubgraph, loadSchemaFile, type SubgraphModule, subgraphRunner } from "@erp/core";
import type { Kysely } from "kysely";
import { procurementSettings } from "./config.js";
import type { ProcurementDatabase } from "./db.js";
import { procurementHandlers } from "./known-parties.js";
import { createProcurementLoaders, type ProcurementLoaders } from "./loaders.js";
import { migrations } from "./migrations/index.js";
import { resolvers } from "./resolvers.js";
import { exampleOperation, seedProcurement } from "./seed.js";
import { scheduledUninvoicedReport } from "./uninvoiced.js";

/** Procurement: suppliers, purchase orders with approvals, goods receipts and supplier bills with three-way match. */
export const procurement: SubgraphModule<ProcurementDatabase, ProcurementLoaders> = defineSubgraph<
  ProcurementDatabase,
  ProcurementLoaders
>({
  name: "procurement",
  typeDefs: loadSchemaFile(new URL("../schema.graphql", import.meta.url)),
  resolvers,
  migrations,
  settings: procurementSettings,
  createLoaders: createProcurementLoaders,
  publishes: procurementEvents,
  handlers: procurementHandlers,
  jobs: [{ name: "uninvoiced-receipts", cron: "40 * * * *", run: scheduledUninvoicedReport }],
  // Approvers must not be the requester, so the seed also acts as other people.
  exampleOperation,
  seed: (run, tools) =>
    seedProcurement(run, tools, (subject) => subgraphRunner(procurement, tools.db as Kysely<unknown>, subject)),
});

export type { ProcurementContext } from "./context.js";
export { ProcurementErrorCode } from "./errors.js";
