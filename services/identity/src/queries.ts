import { type Connection, decodeCursor, encodeCursor, pageSize, toConnection } from "@erp/core";
import type { Kysely } from "kysely";
import { type ApiKey, toApiKey } from "./api-key.js";
import type { IdentityDatabase } from "./db.js";
import { type PersistedOperation, toPersistedOperation } from "./persisted-operation.js";

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export async function listApiKeys(db: Kysely<IdentityDatabase>, args: PageArgs): Promise<Connection<ApiKey>> {
  const size = pageSize(args.first);
  const after = decodeCursor("ApiKey", args.after);
  let query = db
    .selectFrom("identity.api_keys")
    .selectAll()
    .orderBy("seq")
    .limit(size + 1);
  if (after) query = query.where("seq", ">", after);
  const rows = await query.execute();
  return toConnection(rows, size, !!after, (r) => encodeCursor("ApiKey", r.seq), toApiKey);
}

export async function listPersistedOperations(
  db: Kysely<IdentityDatabase>,
  apiKeyId: string,
  args: PageArgs,
): Promise<Connection<PersistedOperation>> {
  const size = pageSize(args.first);
  const after = decodeCursor("PersistedOperation", args.after);
  let query = db
    .selectFrom("identity.persisted_operations")
    .selectAll()
    .where("api_key_id", "=", apiKeyId)
    .orderBy("seq")
    .limit(size + 1);
  if (after) query = query.where("seq", ">", after);
  const rows = await query.execute();
  return toConnection(rows, size, !!after, (r) => encodeCursor("PersistedOperation", r.seq), toPersistedOperation);
}
