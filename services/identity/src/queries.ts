import { type Connection, defineKeyset, keysetPage, type PageArgs, sql } from "@erp/core";
import type { Kysely } from "kysely";
import { type ApiKey, toApiKey } from "./api-key.js";
import type { IdentityDatabase } from "./db.js";
import { type PersistedOperation, toPersistedOperation } from "./persisted-operation.js";

const apiKeyOrder = defineKeyset(
  "ApiKey",
  { CREATED: "seq", NAME: "name", LAST_USED: sql`coalesce(last_used_at, '-infinity')`, STATUS: "status" },
  "CREATED ASC",
);
const persistedOperationOrder = defineKeyset(
  "PersistedOperation",
  { CREATED: "seq", OPERATION_ID: "operation_id" },
  "CREATED ASC",
);

export async function listApiKeys(db: Kysely<IdentityDatabase>, args: PageArgs): Promise<Connection<ApiKey>> {
  const page = keysetPage(apiKeyOrder, args);
  return page.fetch(db.selectFrom("identity.api_keys").selectAll(), toApiKey);
}

export async function listPersistedOperations(
  db: Kysely<IdentityDatabase>,
  apiKeyId: string,
  args: PageArgs,
): Promise<Connection<PersistedOperation>> {
  const page = keysetPage(persistedOperationOrder, args);
  const query = db.selectFrom("identity.persisted_operations").selectAll().where("api_key_id", "=", apiKeyId);
  return page.fetch(query, toPersistedOperation);
}
