import { type Clock, logger, type MaintenanceScope, runMaintenance } from "@erp/core";
import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
import { Webhook } from "standardwebhooks";
import { webhookSettings } from "./config.js";
import type { EventsTable, SubscriptionsTable, WebhooksDatabase } from "./db.js";
import { queueDeliveries, webhookIdOf } from "./delivery.js";
import { WebhookDeliveryStatus, WebhookSubscriptionStatus } from "./generated/enums.js";
import { type PostOutcome, postPinned } from "./http-post.js";
import { checkUrl, UnsafeUrl } from "./url-safety.js";

const log = logger.child({ component: "webhooks-sender" });

/** One delivery taken for an attempt, with what it needs outside the transaction. */
interface Claimed {
  deliveryId: string;
  retryStep: number;
  subscription: Selectable<SubscriptionsTable>;
  event: Selectable<EventsTable>;
}

/**
 * Takes a due delivery for one attempt: it must be PENDING, due, not leased by another worker,
 * and its subscription ACTIVE. The lease outlives the attempt's timeout; if this process dies
 * mid-attempt, the lease runs out and the sweep queues the delivery again.
 */
async function claim(db: Kysely<WebhooksDatabase>, deliveryId: string, now: Date): Promise<Claimed | null> {
  const leaseMs = webhookSettings().timeoutSeconds * 1000 + 30_000;
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("webhooks.deliveries")
      .select(["id", "subscription_id", "event_id", "retry_step"])
      .where("id", "=", deliveryId)
      .where("status", "=", WebhookDeliveryStatus.PENDING)
      .where("next_attempt_at", "<=", new Date(now.getTime() + 1000))
      .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", now)]))
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!row) return null;
    const subscription = await trx
      .selectFrom("webhooks.subscriptions")
      .selectAll()
      .where("id", "=", row.subscription_id)
      .executeTakeFirstOrThrow();
    // A paused or disabled subscription keeps its deliveries pending; resuming queues them again.
    if (subscription.status !== WebhookSubscriptionStatus.ACTIVE) return null;
    // Claims for one subscription take turns, so two senders cannot both count one lease short.
    await sql`select pg_advisory_xact_lock(hashtext(${`webhooks:${row.subscription_id}`}))`.execute(trx);
    if (await endpointBusy(trx, row.subscription_id, now)) {
      await queueDeliveries(trx, [row.id], new Date(now.getTime() + 1000 + Math.random() * 2000));
      return null;
    }
    const event = await trx
      .selectFrom("webhooks.events")
      .selectAll()
      .where("id", "=", row.event_id)
      .executeTakeFirstOrThrow();
    await trx
      .updateTable("webhooks.deliveries")
      .set({ lease_until: new Date(now.getTime() + leaseMs) })
      .where("id", "=", row.id)
      .execute();
    return { deliveryId: row.id, retryStep: row.retry_step, subscription, event };
  });
}

/** Deliveries one subscription may have in flight at once: a slow or dead endpoint holds no more senders. */
export const MAX_IN_FLIGHT_PER_SUBSCRIPTION = 2;

async function endpointBusy(trx: Transaction<WebhooksDatabase>, subscriptionId: string, now: Date) {
  const { inFlight } = await trx
    .selectFrom("webhooks.deliveries")
    .select((eb) => eb.fn.countAll<string>().as("inFlight"))
    .where("subscription_id", "=", subscriptionId)
    .where("lease_until", ">", now)
    .executeTakeFirstOrThrow();
  return Number(inFlight) >= MAX_IN_FLIGHT_PER_SUBSCRIPTION;
}

/** The Standard Webhooks signature header: the current secret's, and the previous one's during its grace. */
function signature(subscription: Selectable<SubscriptionsTable>, id: string, at: Date, body: string, now: Date) {
  const secrets = [subscription.secret];
  if (subscription.previous_secret && subscription.previous_secret_until && subscription.previous_secret_until > now)
    secrets.push(subscription.previous_secret);
  return secrets.map((secret) => new Webhook(secret).sign(id, at, body)).join(" ");
}

type Outcome = { ok: true; post: PostOutcome } | { ok: false; post?: PostOutcome; error: string };

async function send(claimed: Claimed, now: Date): Promise<Outcome> {
  const { subscription, event } = claimed;
  const id = webhookIdOf(claimed.deliveryId);
  const body = JSON.stringify({ type: event.type, timestamp: event.occurred_at.toISOString(), data: event.payload });
  const headers = {
    "content-type": "application/json",
    "user-agent": "erp-webhooks/1",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
    "webhook-signature": signature(subscription, id, now, body, now),
  };
  try {
    // Checked again at each delivery: the name may resolve elsewhere than at creation.
    const target = await checkUrl(subscription.url);
    const post = await postPinned(target, headers, body, webhookSettings().timeoutSeconds * 1000);
    if (post.statusCode >= 200 && post.statusCode < 300) return { ok: true, post };
    return { ok: false, post, error: `The endpoint answered ${post.statusCode}` };
  } catch (error) {
    if (error instanceof UnsafeUrl) return { ok: false, error: `Refused: ${error.message}` };
    const e = error as Error & { code?: string };
    const timedOut = e.name === "TimeoutError" || e.name === "AbortError";
    return { ok: false, error: timedOut ? "Timed out" : `${e.code ?? e.name}: ${e.message}`.slice(0, 500) };
  }
}

/** The next attempt's time: the schedule's delay for this step, ±20 % jitter; null when the schedule is spent. */
export function nextAttemptAt(step: number, now: Date): Date | null {
  const delays = webhookSettings().retryDelays;
  const delay = delays[step];
  if (delay === undefined) return null;
  return new Date(now.getTime() + delay * 1000 * (0.8 + Math.random() * 0.4));
}

const GONE = 410;

/** Sends one delivery if it is due, then records the attempt and what follows: success, a retry, or giving up. */
export async function attemptDelivery(db: Kysely<WebhooksDatabase>, deliveryId: string, clock: Clock): Promise<void> {
  const claimed = await claim(db, deliveryId, clock.now());
  if (!claimed) return;
  const started = clock.now();
  const outcome = await send(claimed, started);
  const durationMs = Math.max(0, clock.now().getTime() - started.getTime());
  const request = { domain: "webhooks", operation: "deliverWebhook", requestId: `webhook:${deliveryId}` };
  await runMaintenance(db, request, (scope) => recordAttempt(scope, claimed, outcome, started, durationMs, clock));
}

async function recordAttempt(
  scope: MaintenanceScope<WebhooksDatabase>,
  claimed: Claimed,
  outcome: Outcome,
  attemptedAt: Date,
  durationMs: number,
  clock: Clock,
): Promise<void> {
  const now = clock.now();
  // The subscription first, then the delivery: the order every action on a subscription locks in.
  await scope.trx
    .selectFrom("webhooks.subscriptions")
    .select("id")
    .where("id", "=", claimed.subscription.id)
    .forNoKeyUpdate()
    .execute();
  const gone = !outcome.ok && outcome.post?.statusCode === GONE;
  const next = outcome.ok || gone ? null : nextAttemptAt(claimed.retryStep, now);
  const status = outcome.ok
    ? WebhookDeliveryStatus.SUCCEEDED
    : next
      ? WebhookDeliveryStatus.PENDING
      : WebhookDeliveryStatus.FAILED;
  await scope.trx
    .insertInto("webhooks.delivery_attempts")
    .values({
      delivery_id: claimed.deliveryId,
      attempted_at: attemptedAt,
      status_code: outcome.post?.statusCode ?? null,
      duration_ms: durationMs,
      error: outcome.ok ? null : outcome.error,
      response_excerpt: outcome.post?.excerpt || null,
      next_attempt_at: next,
    })
    .execute();
  await scope.trx
    .updateTable("webhooks.deliveries")
    .set((eb) => ({
      status,
      attempts: eb("attempts", "+", 1),
      retry_step: eb("retry_step", "+", 1),
      next_attempt_at: next,
      lease_until: null,
      last_status_code: outcome.post?.statusCode ?? null,
      last_error: outcome.ok ? null : outcome.error,
    }))
    .where("id", "=", claimed.deliveryId)
    .execute();
  if (next) await queueDeliveries(scope.trx, [claimed.deliveryId], next);
  await recordHealth(scope, claimed.subscription.id, outcome.ok, gone, now);
}

/**
 * A success clears the subscription's failing streak; a failure starts it. 410 Gone disables the
 * subscription at once; a streak longer than the configured days disables it and raises an alert
 * (an error in the log and an audit record naming the reason).
 */
async function recordHealth(
  scope: MaintenanceScope<WebhooksDatabase>,
  subscriptionId: string,
  ok: boolean,
  gone: boolean,
  now: Date,
): Promise<void> {
  const row = await scope.trx
    .updateTable("webhooks.subscriptions")
    .set((eb) => ({ failing_since: ok ? null : eb.fn.coalesce("failing_since", eb.val(now)) }))
    .where("id", "=", subscriptionId)
    .returning(["status", "failing_since"])
    .executeTakeFirstOrThrow();
  if (row.status !== WebhookSubscriptionStatus.ACTIVE || ok) return;
  const days = webhookSettings().disableAfterFailingDays;
  const failedTooLong = row.failing_since !== null && now.getTime() - row.failing_since.getTime() >= days * 86_400_000;
  if (gone) await disable(scope, subscriptionId, "The endpoint answered 410 Gone");
  else if (failedTooLong) await disable(scope, subscriptionId, `Every delivery failed for ${days} days`);
}

export async function disable(scope: MaintenanceScope<WebhooksDatabase>, subscriptionId: string, reason: string) {
  await scope.trx
    .updateTable("webhooks.subscriptions")
    .set((eb) => ({
      status: WebhookSubscriptionStatus.DISABLED,
      disabled_reason: reason,
      version: eb("version", "+", 1),
      updated_at: new Date(),
    }))
    .where("id", "=", subscriptionId)
    .where("status", "=", WebhookSubscriptionStatus.ACTIVE)
    .execute();
  await scope.audit("WebhookSubscription", subscriptionId, { disabled: reason });
  log.error({ subscriptionId, reason }, "webhook subscription disabled");
}
