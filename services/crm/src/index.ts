import { crmEvents } from "@erp/contracts";
import { defineSubgraph, loadSchemaFile } from "@erp/core";
import { crmSettings } from "./config.js";
import type { CrmDatabase } from "./db.js";
import { knownEmployeeHandlers } from "./known-employees.js";
import { type CrmLoaders, createCrmLoaders } from "./loaders.js";
import { migrations } from "./migrations/index.js";
import { resolvers } from "./resolvers.js";
import { exampleOperation, seedCrm } from "./seed.js";

/** Customer relationship management: customers, contacts, leads, opportunities, activities. */
export const crm = defineSubgraph<CrmDatabase, CrmLoaders>({
  name: "crm",
  typeDefs: loadSchemaFile(new URL("../schema.graphql", import.meta.url)),
  resolvers,
  migrations,
  settings: crmSettings,
  createLoaders: createCrmLoaders,
  publishes: crmEvents,
  handlers: knownEmployeeHandlers,
  seed: seedCrm,
  exampleOperation,
});

export type { CrmContext } from "./context.js";
export { CrmErrorCode } from "./errors.js";
