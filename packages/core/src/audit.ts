import type { Kysely, Transaction } from "kysely";
import type { KernelTables } from "./kernel-schema.js";

/** Who did what to which aggregate, with the key and request it came with. */
export interface AuditEntry {
  actor: string;
  operation: string;
  aggregateType: string;
  aggregateId: string;
  idempotencyKey: string | null;
  requestId: string;
  details: Record<string, unknown>;
}

export async function recordAudit<DB>(trx: Transaction<DB>, schema: string, entry: AuditEntry): Promise<void> {
  await (trx.withSchema(schema) as unknown as Kysely<KernelTables>)
    .insertInto("audit_log")
    .values({
      actor: entry.actor,
      operation: entry.operation,
      aggregate_type: entry.aggregateType,
      aggregate_id: entry.aggregateId,
      idempotency_key: entry.idempotencyKey,
      request_id: entry.requestId,
      details: JSON.stringify(entry.details),
    })
    .execute();
}
