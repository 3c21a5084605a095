import { type Clock, enqueueJob, runMaintenance } from "@erp/core";
import type { Kysely } from "kysely";
import { webhookSettings } from "./config.js";
import type { WebhooksDatabase } from "./db.js";
import { DELIVERY_QUEUE } from "./delivery.js";
import { WebhookDeliveryStatus, WebhookSubscriptionStatus } from "./generated/enums.js";
import { disable } from "./sender.js";

/** How many overdue deliveries one sweep queues again. */
const SWEEP_BATCH = 500;

/**
 * Every minute: queues again the deliveries that are overdue by more than 30 s and not in flight
 * (their job was lost with a process, or written where no event bus ran), at most one job per
 * delivery a minute; and disables subscriptions failing for longer than the configured days.
 */
export async function sweepDeliveries(db: Kysely<WebhooksDatabase>, clock: Clock): Promise<void> {
  const now = clock.now();
  const request = { domain: "webhooks", operation: "sweepWebhookDeliveries", requestId: `sweep:${now.toISOString()}` };
  await runMaintenance(db, request, async (scope) => {
    const overdue = await scope.trx
      .selectFrom("webhooks.deliveries as d")
      .innerJoin("webhooks.subscriptions as s", "s.id", "d.subscription_id")
      .select("d.id")
      .where("d.status", "=", WebhookDeliveryStatus.PENDING)
      .where("s.status", "=", WebhookSubscriptionStatus.ACTIVE)
      .where("d.next_attempt_at", "<", new Date(now.getTime() - 30_000))
      .where((eb) => eb.or([eb("d.lease_until", "is", null), eb("d.lease_until", "<", now)]))
      .orderBy("d.next_attempt_at")
      .limit(SWEEP_BATCH)
      .execute();
    for (const { id } of overdue)
      await enqueueJob(scope.trx, DELIVERY_QUEUE, { deliveryId: id }, { singletonKey: id, singletonSeconds: 60 });
    const cutoff = new Date(now.getTime() - webhookSettings().disableAfterFailingDays * 86_400_000);
    const failing = await scope.trx
      .selectFrom("webhooks.subscriptions")
      .select("id")
      .where("status", "=", WebhookSubscriptionStatus.ACTIVE)
      .where("failing_since", "<=", cutoff)
      .execute();
    for (const { id } of failing)
      await disable(scope, id, `Every delivery failed for ${webhookSettings().disableAfterFailingDays} days`);
  });
}
