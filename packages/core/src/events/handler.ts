import type { EventContract, EventPayload } from "@erp/contracts";
import type { Kysely, Transaction } from "kysely";
import type { ActionScope } from "../action.js";
import { auditActorOf, recordAudit } from "../audit.js";
import { type Clock, clockDay, systemClock, withBusinessClock } from "../clock.js";
import { SYSTEM_PRINCIPAL } from "../context.js";
import type { KernelTables } from "../kernel-schema.js";
import { recordEvent } from "../outbox.js";
import { failIfInjected } from "./test-faults.js";

/** An outbox event as a handler in another domain receives it. */
export interface DeliveredEvent<P = Record<string, unknown>> {
  id: string;
  type: string;
  /** The contract version it was written under; absent on events queued before versions were recorded (1). */
  version?: number;
  /** The domain whose outbox it came from. */
  source: string;
  aggregateType: string;
  aggregateId: string;
  payload: P;
  occurredAt: string;
  requestId: string;
}

/** An event of this contract as its handler receives it, the payload parsed by the contract's schema. */
export type DeliveredEventOf<C extends EventContract> = DeliveredEvent<EventPayload<C>>;

/** Reacts to one event on behalf of its domain; runs at least once, takes effect once. */
export interface EventHandler<DB = unknown> {
  /** Unique within its domain, e.g. "reserve-for-order". */
  name: string;
  /** The contract of the event it consumes; the payload is parsed against it before handle runs. */
  contract: EventContract;
  handle(event: DeliveredEvent<unknown>, scope: ActionScope<DB>): Promise<void>;
}

/** A handler of one contract's event, whose handle receives the payload its schema parsed. */
export function defineHandler<DB, C extends EventContract>(
  contract: C,
  name: string,
  handle: (event: DeliveredEventOf<C>, scope: ActionScope<DB>) => Promise<void>,
): EventHandler<DB> {
  return { name, contract, handle: handle as EventHandler<DB>["handle"] };
}

/**
 * A delivered payload its contract refuses. Retrying cannot help, so the bus dead-letters it
 * at once, with each issue's path and message, before the handler has changed anything.
 */
export class MalformedEvent extends Error {
  constructor(
    readonly event: Pick<DeliveredEvent, "id" | "type">,
    readonly issues: { path: (string | number)[]; message: string }[],
  ) {
    const where = (path: (string | number)[]) => (path.length ? path.join(".") : "payload");
    super(
      `${event.type} ${event.id} does not match its contract: ${issues.map((i) => `${where(i.path)}: ${i.message}`).join("; ")}`,
    );
    this.name = "MalformedEvent";
  }
}

/** The event with its payload parsed by the handler's contract; throws MalformedEvent otherwise. */
export function parseDelivered(contract: EventContract, event: DeliveredEvent<unknown>): DeliveredEvent<unknown> {
  const version = event.version ?? 1;
  if (version !== contract.version)
    throw new MalformedEvent(event, [
      { path: [], message: `version ${version} delivered, the handler reads version ${contract.version}` },
    ]);
  const parsed = contract.payload.safeParse(event.payload);
  if (!parsed.success)
    throw new MalformedEvent(
      event,
      parsed.error.issues.map((i) => ({ path: i.path, message: i.message })),
    );
  return { ...event, payload: parsed.data };
}

export const queueName = (domain: string, handler: { name: string; contract: { type: string } }): string =>
  `${handler.contract.type}:${domain}.${handler.name}`;

/** The event type a queue receives, from its name. */
export const eventTypeOfQueue = (queue: string): string => queue.slice(0, queue.indexOf(":"));

/**
 * Runs a handler inside one transaction of its own domain that first records the event id in
 * the domain's inbox: a second delivery of the same event finds the id and does nothing.
 * Returns false for such a duplicate. A payload its contract refuses throws MalformedEvent
 * before the transaction opens.
 */
export async function handleOnce<DB>(
  db: Kysely<DB>,
  domain: string,
  handler: EventHandler<DB>,
  event: DeliveredEvent<unknown>,
  clock: Clock = systemClock,
): Promise<boolean> {
  const parsed = parseDelivered(handler.contract, event);
  return withBusinessClock(clock, () => claimAndHandle(db, domain, handler, parsed, clock));
}

async function claimAndHandle<DB>(
  db: Kysely<DB>,
  domain: string,
  handler: EventHandler<DB>,
  parsed: DeliveredEvent<unknown>,
  clock: Clock,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const claimed = await (trx.withSchema(domain) as unknown as Kysely<KernelTables>)
      .insertInto("inbox_events")
      .values({ event_id: parsed.id, handler: handler.name })
      .onConflict((oc) => oc.columns(["event_id", "handler"]).doNothing())
      .returning("event_id")
      .executeTakeFirst();
    if (!claimed) return false;
    failIfInjected(handler.name);
    await handler.handle(parsed, handlerScope(trx, domain, handler, parsed, clock));
    return true;
  });
}

function handlerScope<DB>(
  trx: Transaction<DB>,
  domain: string,
  handler: EventHandler<DB>,
  event: DeliveredEvent<unknown>,
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
    emit: async (contract, aggregateId, payload) => {
      await recordEvent(trx, domain, { contract, aggregateId, payload }, event.requestId);
    },
  };
}
