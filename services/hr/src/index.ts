import { hrEvents } from "@erp/contracts";
import { defineSubgraph, loadSchemaFile, type SubgraphModule } from "@erp/core";
import { hrSettings } from "./config.js";
import type { HrDatabase } from "./db.js";
import { hrHandlers } from "./handlers.js";
import { createHrLoaders, type HrLoaders } from "./loaders.js";
import { migrations } from "./migrations/index.js";
import { resolvers } from "./resolvers.js";
import { seedHr } from "./seed.js";
import { scheduledEmploymentDay } from "./termination.js";

/** HR: departments, employees and their compensation, leave with approvals, payroll posted to finance. */
export const hr: SubgraphModule<HrDatabase, HrLoaders> = defineSubgraph<HrDatabase, HrLoaders>({
  name: "hr",
  typeDefs: loadSchemaFile(new URL("../schema.graphql", import.meta.url)),
  resolvers,
  migrations,
  settings: hrSettings,
  createLoaders: createHrLoaders,
  publishes: hrEvents,
  handlers: hrHandlers,
  // The seed acts as a second person too (four eyes), through this very module.
  seed: (run, tools): Promise<void> => seedHr(run, tools, hr),
  // Terminations dated ahead take effect, and ON_LEAVE follows approved leave, as each day begins.
  jobs: [{ name: "employment-day", cron: "5 0 * * *", run: scheduledEmploymentDay }],
});

export type { HrContext } from "./context.js";
export { HrErrorCode } from "./errors.js";
