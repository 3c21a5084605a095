import { defineSubgraph, loadSchemaFile } from "@erp/core";
import type { IdentityDatabase } from "./db.js";
import { createIdentityLoaders, type IdentityLoaders } from "./loaders.js";
import { migrations } from "./migrations/index.js";
import { resolvers } from "./resolvers.js";

/** Identity: who is calling, and the API keys (with their safelists) partners call with. */
export const identity = defineSubgraph<IdentityDatabase, IdentityLoaders>({
  name: "identity",
  typeDefs: loadSchemaFile(new URL("../schema.graphql", import.meta.url)),
  resolvers,
  migrations,
  createLoaders: createIdentityLoaders,
});

export {
  type AuthenticatedKey,
  activeDevelopmentKeys,
  authenticateApiKey,
  ensureDevelopmentKey,
  findPersistedOperation,
  type PersistedOperationRef,
  revokeDevelopmentKeys,
} from "./authenticate.js";
export type { IdentityContext } from "./context.js";
export { IdentityErrorCode } from "./errors.js";
