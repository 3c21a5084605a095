import { type Connection, keysetPage, type PageArgs } from "@erp/core";
import type { Kysely } from "kysely";
import { type ApiKey, toApiKey } from "./api-key.js";
import type { IdentityDatabase } from "./db.js";
import { type PersistedOperation, toPersistedOperation } from "./persisted-operation.js";

export async function listApiKeys(db: Kysely<IdentityDatabase>, args: PageArgs): Promise<Connection<ApiKey>> {
  const page = keysetPage({ kind: "ApiKey", order: "oldest first" }, args);
  return page.fetch(db.selectFrom("identity.api_keys").selectAll(), toApiKey);
}

export async function listPersistedOperations(
  db: Kysely<IdentityDatabase>,
  apiKeyId: string,
  args: PageArgs,
): Promise<Connection<PersistedOperation>> {
  const page = keysetPage({ kind: "PersistedOperation", order: "oldest first" }, args);
  const query = db.selectFrom("identity.persisted_operations").selectAll().where("api_key_id", "=", apiKeyId);
  return page.fetch(query, toPersistedOperation);
}
