import { createHash } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import stringify from "safe-stable-stringify";
import type { KernelTables } from "./kernel-schema.js";

export type IdempotencyClaim =
  | { kind: "claimed" }
  | { kind: "replay"; payload: unknown }
  | { kind: "reused"; operation: string };

export interface IdempotencyRequest {
  key: string;
  operation: string;
  requestHash: string;
  principal: string;
}

/** A digest of the operation and its input, key excluded, in a key-order-independent form. */
export function requestHash(operation: string, input: Record<string, unknown>): string {
  const { idempotencyKey: _ignored, ...rest } = input;
  return createHash("sha256")
    .update(`${operation}\n${stringify(rest)}`)
    .digest("hex");
}

function kernel<DB>(trx: Transaction<DB>, schema: string): Kysely<KernelTables> {
  return trx.withSchema(schema) as unknown as Kysely<KernelTables>;
}

/**
 * Claims a key inside the caller's transaction. A concurrent duplicate blocks on the
 * unique index until the first transaction ends: if it committed, this one reads its
 * payload (a replay); if it rolled back, this one claims the key itself.
 */
export async function claimIdempotencyKey<DB>(
  trx: Transaction<DB>,
  schema: string,
  request: IdempotencyRequest,
): Promise<IdempotencyClaim> {
  const db = kernel(trx, schema);
  const inserted = await db
    .insertInto("idempotency_keys")
    .values({
      key: request.key,
      operation: request.operation,
      request_hash: request.requestHash,
      principal: request.principal,
    })
    .onConflict((oc) => oc.columns(["principal", "key"]).doNothing())
    .returning("key")
    .executeTakeFirst();
  if (inserted) return { kind: "claimed" };
  const existing = await db
    .selectFrom("idempotency_keys")
    .select(["operation", "request_hash", "payload"])
    .where("principal", "=", request.principal)
    .where("key", "=", request.key)
    .executeTakeFirstOrThrow();
  if (existing.request_hash !== request.requestHash) return { kind: "reused", operation: existing.operation };
  return { kind: "replay", payload: existing.payload };
}

export async function storeIdempotentPayload<DB>(
  trx: Transaction<DB>,
  schema: string,
  principal: string,
  key: string,
  payload: unknown,
): Promise<void> {
  await kernel(trx, schema)
    .updateTable("idempotency_keys")
    .set({ payload: JSON.stringify(payload) })
    .where("principal", "=", principal)
    .where("key", "=", key)
    .execute();
}
