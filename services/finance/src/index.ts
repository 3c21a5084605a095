import { financeEvents } from "@erp/contracts";
import { defineSubgraph, loadSchemaFile } from "@erp/core";
import { financeSettings } from "./config.js";
import type { FinanceDatabase } from "./db.js";
import { financeHandlers } from "./handlers.js";
import { scheduledInterestAccrual } from "./interest.js";
import { createFinanceLoaders, type FinanceLoaders } from "./loaders.js";
import { migrations } from "./migrations/index.js";
import { scheduledReconciliation } from "./reconciliation.js";
import { resolvers } from "./resolvers.js";
import { seedFinance } from "./seed.js";

/** Finance: the double-entry ledger, invoices from shipments, payments allocated to invoices. */
export const finance = defineSubgraph<FinanceDatabase, FinanceLoaders>({
  name: "finance",
  typeDefs: loadSchemaFile(new URL("../schema.graphql", import.meta.url)),
  resolvers,
  migrations,
  settings: financeSettings,
  createLoaders: createFinanceLoaders,
  publishes: financeEvents,
  handlers: financeHandlers,
  seed: seedFinance,
  jobs: [
    { name: "reconciliation", cron: "0 * * * *", run: scheduledReconciliation },
    { name: "interest-accrual", cron: "15 0 * * *", run: scheduledInterestAccrual },
  ],
});

export type { FinanceContext } from "./context.js";
export { FinanceErrorCode } from "./errors.js";
