import { type ActionScope, enqueueJob, fields, parseInput, workerQueue } from "@erp/core";
import type { Kysely, Selectable, Transaction } from "kysely";
import { z } from "zod";
import { PING, type PublicEventType } from "./catalogue.js";
import type { DeliveriesTable, DeliveryAttemptsTable, WebhooksDatabase } from "./db.js";
import { notFound, refuse, WebhooksErrorCode } from "./errors.js";
import { WebhookDeliveryStatus, WebhookSubscriptionStatus } from "./generated/enums.js";
import { visibleTo } from "./ownership.js";
import { lockSubscription } from "./subscription.js";

export interface WebhookDelivery {
  id: string;
  subscriptionId: string;
  webhookId: string;
  eventType: string;
  occurredAt: Date;
  status: WebhookDeliveryStatus;
  attemptCount: number;
  nextAttemptAt: Date | null;
}

export interface WebhookDeliveryAttempt {
  attemptedAt: Date;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
  nextAttemptAt: Date | null;
}

/** A delivery row with its event's type and time, as every read of deliveries selects it. */
export type DeliveryRow = Selectable<DeliveriesTable> & { type: string; occurred_at: Date };

/** The webhook-id of every attempt of one event to one subscription: the delivery is unique per pair. */
export const webhookIdOf = (deliveryId: string): string => `msg_${deliveryId.replaceAll("-", "")}`;

export const toDelivery = (row: DeliveryRow): WebhookDelivery => ({
  id: row.id,
  subscriptionId: row.subscription_id,
  webhookId: webhookIdOf(row.id),
  eventType: row.type,
  occurredAt: row.occurred_at,
  status: row.status,
  attemptCount: row.attempts,
  nextAttemptAt: row.status === WebhookDeliveryStatus.PENDING ? row.next_attempt_at : null,
});

export const toAttempt = (row: Selectable<DeliveryAttemptsTable>): WebhookDeliveryAttempt => ({
  attemptedAt: row.attempted_at,
  statusCode: row.status_code,
  durationMs: row.duration_ms,
  error: row.error,
  responseExcerpt: row.response_excerpt,
  nextAttemptAt: row.next_attempt_at,
});

/** The queue the sender works from; one job per attempt, enqueued in the transaction that scheduled it. */
export const DELIVERY_WORKER = "deliver";
export const DELIVERY_QUEUE = workerQueue("webhooks", { name: DELIVERY_WORKER });

/** Asks the sender to attempt these deliveries at `at`; the job exists only if the transaction commits. */
export async function queueDeliveries(trx: Transaction<WebhooksDatabase>, ids: string[], at?: Date): Promise<void> {
  for (const deliveryId of ids) await enqueueJob(trx, DELIVERY_QUEUE, { deliveryId }, { startAfter: at });
}

/** Deliveries (re)opened for a fresh round of attempts: pending, due now, at the schedule's start. */
const reopened = (now: Date) => ({
  status: WebhookDeliveryStatus.PENDING,
  retry_step: 0,
  next_attempt_at: now,
  lease_until: null,
});

/**
 * Records a public event once per internal event (a redelivered internal event finds it) and one
 * delivery per ACTIVE subscription naming its type, in the handler's transaction.
 */
export async function recordPublicEvent(
  scope: ActionScope<WebhooksDatabase>,
  event: PublicEventType,
  source: { id: string; occurredAt: string },
  payload: unknown,
): Promise<void> {
  const data = event.payload.parse(payload);
  const stored = await scope.trx
    .insertInto("webhooks.events")
    .values({
      source_event_id: source.id,
      type: event.type,
      version: event.version,
      occurred_at: new Date(source.occurredAt),
      payload: JSON.stringify(data),
    })
    .onConflict((oc) => oc.column("source_event_id").doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!stored) return;
  const subscribers = await scope.trx
    .selectFrom("webhooks.subscriptions")
    .select("id")
    .where("status", "=", WebhookSubscriptionStatus.ACTIVE)
    .where((eb) => eb(eb.val(event.type), "=", eb.fn.any("event_types")))
    .execute();
  if (!subscribers.length) return;
  const deliveries = await scope.trx
    .insertInto("webhooks.deliveries")
    .values(subscribers.map((s) => ({ event_id: stored.id, subscription_id: s.id, ...reopened(scope.now()) })))
    .returning("id")
    .execute();
  await queueDeliveries(
    scope.trx,
    deliveries.map((d) => d.id),
  );
}

/** Deliveries with their event's type and time. */
export const deliveriesWithEvents = (db: Kysely<WebhooksDatabase>) =>
  db
    .selectFrom("webhooks.deliveries as d")
    .innerJoin("webhooks.events as e", "e.id", "d.event_id")
    .selectAll("d")
    .select(["e.type", "e.occurred_at"]);

const redeliverSchema = z.object({ deliveryId: fields.id("deliveryId") });

/** Sends one delivery again, same webhook-id, whatever its status; the subscription must be the caller's. */
export async function redeliver(
  scope: ActionScope<WebhooksDatabase>,
  input: z.input<typeof redeliverSchema>,
): Promise<WebhookDelivery> {
  const { deliveryId } = parseInput(redeliverSchema, input);
  const found = await visibleTo(
    scope.trx
      .selectFrom("webhooks.deliveries as d")
      .innerJoin("webhooks.subscriptions as s", "s.id", "d.subscription_id")
      .select(["d.id", "s.id as subscriptionId"])
      .where("d.id", "=", deliveryId)
      .where("s.status", "!=", WebhookSubscriptionStatus.DELETED),
    scope.actor,
    "s.owner",
  ).executeTakeFirst();
  if (!found) notFound(WebhooksErrorCode.DELIVERY_NOT_FOUND, "The webhook delivery", "deliveryId");
  await lockSubscription(scope, found.subscriptionId, "deliveryId");
  await scope.trx.updateTable("webhooks.deliveries").set(reopened(scope.now())).where("id", "=", deliveryId).execute();
  await queueDeliveries(scope.trx, [deliveryId]);
  await scope.audit("WebhookDelivery", deliveryId, { redelivered: true });
  return toDelivery(await deliveriesWithEvents(scope.trx).where("d.id", "=", deliveryId).executeTakeFirstOrThrow());
}

/** The longest window one replay may cover, and the most events it may send. */
const MAX_REPLAY_DAYS = 31;
export const MAX_REPLAY_EVENTS = 1000;

// The DateTime scalar parses to a Date; a string is read the same way.
const instant = z.union([z.date(), z.string()]).pipe(z.coerce.date());

const replaySchema = z.object({
  subscriptionId: fields.id("subscriptionId"),
  from: instant,
  to: instant,
});

/**
 * Sends again every event of the subscription's types that occurred in [from, to): a delivery it
 * had keeps its webhook-id and starts a new round; an event it never had gets a delivery.
 */
export async function replay(scope: ActionScope<WebhooksDatabase>, input: z.input<typeof replaySchema>) {
  const data = parseInput(replaySchema, input);
  const span = data.to.getTime() - data.from.getTime();
  if (span <= 0 || span > MAX_REPLAY_DAYS * 86_400_000)
    refuse(WebhooksErrorCode.REPLAY_WINDOW_TOO_LARGE, `to must follow from by at most ${MAX_REPLAY_DAYS} days`, "to");
  const subscription = await lockSubscription(scope, data.subscriptionId);
  const events = await scope.trx
    .selectFrom("webhooks.events")
    .select("id")
    .where("occurred_at", ">=", data.from)
    .where("occurred_at", "<", data.to)
    .where("type", "in", subscription.event_types)
    .orderBy("occurred_at")
    .orderBy("seq")
    .limit(MAX_REPLAY_EVENTS + 1)
    .execute();
  if (events.length > MAX_REPLAY_EVENTS)
    refuse(WebhooksErrorCode.REPLAY_WINDOW_TOO_LARGE, `The window holds more than ${MAX_REPLAY_EVENTS} events`, "to");
  if (events.length) {
    const deliveries = await scope.trx
      .insertInto("webhooks.deliveries")
      .values(events.map((e) => ({ event_id: e.id, subscription_id: subscription.id, ...reopened(scope.now()) })))
      .onConflict((oc) => oc.columns(["event_id", "subscription_id"]).doUpdateSet(reopened(scope.now())))
      .returning("id")
      .execute();
    await queueDeliveries(
      scope.trx,
      deliveries.map((d) => d.id),
    );
  }
  await scope.audit("WebhookSubscription", subscription.id, {
    replayed: events.length,
    from: data.from.toISOString(),
    to: data.to.toISOString(),
  });
  return { eventCount: events.length };
}

const pingSchema = z.object({ subscriptionId: fields.id("subscriptionId") });

/** Sends a webhook.ping to one subscription only. */
export async function ping(
  scope: ActionScope<WebhooksDatabase>,
  input: z.input<typeof pingSchema>,
): Promise<WebhookDelivery> {
  const { subscriptionId } = parseInput(pingSchema, input);
  const subscription = await lockSubscription(scope, subscriptionId);
  const event = await scope.trx
    .insertInto("webhooks.events")
    .values({
      type: PING,
      version: 1,
      occurred_at: scope.now(),
      payload: JSON.stringify({ subscriptionId: subscription.id, message: "Ping from the ERP" }),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const delivery = await scope.trx
    .insertInto("webhooks.deliveries")
    .values({ event_id: event.id, subscription_id: subscription.id, ...reopened(scope.now()) })
    .returning("id")
    .executeTakeFirstOrThrow();
  await queueDeliveries(scope.trx, [delivery.id]);
  await scope.audit("WebhookDelivery", delivery.id, { ping: true });
  return toDelivery(await deliveriesWithEvents(scope.trx).where("d.id", "=", delivery.id).executeTakeFirstOrThrow());
}

/** Resuming sends what was left pending; deleting cancels it. */
export async function reopenPending(scope: ActionScope<WebhooksDatabase>, subscriptionId: string): Promise<void> {
  const pending = await scope.trx
    .updateTable("webhooks.deliveries")
    .set({ next_attempt_at: scope.now(), lease_until: null })
    .where("subscription_id", "=", subscriptionId)
    .where("status", "=", WebhookDeliveryStatus.PENDING)
    .returning("id")
    .execute();
  await queueDeliveries(
    scope.trx,
    pending.map((d) => d.id),
  );
}

export async function cancelPending(scope: ActionScope<WebhooksDatabase>, subscriptionId: string): Promise<void> {
  await scope.trx
    .updateTable("webhooks.deliveries")
    .set({ status: WebhookDeliveryStatus.CANCELLED, next_attempt_at: null })
    .where("subscription_id", "=", subscriptionId)
    .where("status", "=", WebhookDeliveryStatus.PENDING)
    .execute();
}
