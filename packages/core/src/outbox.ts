import type { EventContract, EventPayloadInput } from "@erp/contracts";
import type { Kysely, Transaction } from "kysely";
import { assertMayEmit } from "./events/publishers.js";
import type { KernelTables } from "./kernel-schema.js";

/** A fact that happened in a domain, as its contract declares it. */
export interface DomainEvent<C extends EventContract = EventContract> {
  contract: C;
  /** The id of the contract's aggregate type, e.g. the sales order's id. */
  aggregateId: string;
  payload: EventPayloadInput<C>;
}

/**
 * Writes an event to the domain's outbox in the caller's transaction, so the event
 * exists if and only if the business change committed. Only the contract's source domain
 * may write it, only if the domain declares that it publishes it, and only with a payload
 * its schema accepts: a consumer never receives what the contract does not promise.
 */
export async function recordEvent<DB>(
  trx: Transaction<DB>,
  schema: string,
  event: DomainEvent,
  requestId: string,
): Promise<string> {
  const { contract } = event;
  assertMayEmit(schema, contract);
  const parsed = contract.payload.safeParse(event.payload);
  if (!parsed.success) throw new Error(`${contract.type} payload does not match its contract: ${parsed.error.message}`);
  const row = await (trx.withSchema(schema) as unknown as Kysely<KernelTables>)
    .insertInto("outbox_events")
    .values({
      type: contract.type,
      version: contract.version,
      aggregate_type: contract.aggregateType,
      aggregate_id: event.aggregateId,
      payload: JSON.stringify(parsed.data),
      request_id: requestId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}
