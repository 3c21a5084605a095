import type { Kysely, Transaction } from "kysely";
import type { KernelTables } from "./kernel-schema.js";

/** A fact that happened in a domain, named in the past tense: "crm.customer.blocked". */
export interface DomainEvent {
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
}

/**
 * Writes an event to the domain's outbox in the caller's transaction, so the event
 * exists if and only if the business change committed.
 */
export async function recordEvent<DB>(
  trx: Transaction<DB>,
  schema: string,
  event: DomainEvent,
  requestId: string,
): Promise<string> {
  const row = await (trx.withSchema(schema) as unknown as Kysely<KernelTables>)
    .insertInto("outbox_events")
    .values({
      type: event.type,
      aggregate_type: event.aggregateType,
      aggregate_id: event.aggregateId,
      payload: JSON.stringify(event.payload),
      request_id: requestId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}
