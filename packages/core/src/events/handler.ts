import type { Kysely, Transaction } from "kysely";
import type { ActionScope } from "../action.js";
import { auditActorOf, recordAudit } from "../audit.js";
import { type Clock, clockDay, systemClock } from "../clock.js";
import { SYSTEM_PRINCIPAL } from "../context.js";
import type { KernelTables } from "../kernel-schema.js";
import { recordEvent } from "../outbox.js";

/** An outbox event as a handler in another domain receives it. */
export interface DeliveredEvent<P = Record<string, unknown>> {
  id: string;
  type: string;
  /** The domain whose outbox it came from. */
  source: string;
  aggregateType: string;
  aggregateId: string;
  payload: P;
  occurredAt: string;
  requestId: string;
}

/** Reacts to one event type on behalf of its domain; runs at least once, takes effect once. */
export interface EventHandler<DB = unknown> {
  /** Unique within its domain, e.g. "reserve-stock-for-order". */
  name: string;
  /** The event type, e.g. "sales.order.confirmation_requested". */
  on: string;
  handle(event: DeliveredEvent, scope: ActionScope<DB>): Promise<void>;
}

export const queueName = (domain: string, handler: Pick<EventHandler, "name" | "on">): string =>
  `${handler.on}:${domain}.${handler.name}`;

/** The event type a queue receives, from its name. */
export const eventTypeOfQueue = (queue: string): string => queue.slice(0, queue.indexOf(":"));

/**
 * Runs a handler inside one transaction of its own domain that first records the event id in
 * the domain's inbox: a second delivery of the same event finds the id and does nothing.
 * Returns false for such a duplicate.
 */
export async function handleOnce<DB>(
  db: Kysely<DB>,
  domain: string,
  handler: EventHandler<DB>,
  event: DeliveredEvent,
  clock: Clock = systemClock,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const claimed = await (trx.withSchema(domain) as unknown as Kysely<KernelTables>)
      .insertInto("inbox_events")
      .values({ event_id: event.id, handler: handler.name })
      .onConflict((oc) => oc.columns(["event_id", "handler"]).doNothing())
      .returning("event_id")
      .executeTakeFirst();
    if (!claimed) return false;
    await handler.handle(event, handlerScope(trx, domain, handler, event, clock));
    return true;
  });
}

function handlerScope<DB>(
  trx: Transaction<DB>,
  domain: string,
  handler: EventHandler<DB>,
  event: DeliveredEvent,
  clock: Clock,
): ActionScope<DB> {
  const actor = { ...SYSTEM_PRINCIPAL, subject: `event-handler:${domain}.${handler.name}` };
  return {
    trx,
    actor,
    requestId: event.requestId,
    now: () => clock.now(),
    today: () => clockDay(clock),
    audit: (aggregateType, aggregateId, details = {}) =>
      recordAudit(trx, domain, {
        ...auditActorOf(actor),
        operation: `${handler.name} (on ${event.type})`,
        aggregateType,
        aggregateId,
        idempotencyKey: event.id,
        requestId: event.requestId,
        details,
      }),
    emit: async (next) => {
      await recordEvent(trx, domain, next, event.requestId);
    },
  };
}
