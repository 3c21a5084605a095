import { loaderById } from "@erp/core";
import type { Kysely } from "kysely";
import { toApiKey } from "./api-key.js";
import type { IdentityDatabase } from "./db.js";

/** Per-request loaders: one SQL statement per batch of keys. */
export function createIdentityLoaders(db: Kysely<IdentityDatabase>) {
  return {
    apiKey: loaderById(async (ids) =>
      (await db.selectFrom("identity.api_keys").selectAll().where("id", "in", ids).execute()).map(toApiKey),
    ),
  };
}

export type IdentityLoaders = ReturnType<typeof createIdentityLoaders>;
