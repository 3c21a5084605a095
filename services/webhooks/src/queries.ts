import { type Connection, defineKeyset, keysetPage, type PageArgs, type Principal } from "@erp/core";
import type { Kysely } from "kysely";
import type { WebhooksDatabase } from "./db.js";
import { deliveriesWithEvents, toDelivery, type WebhookDelivery } from "./delivery.js";
import type { WebhookDeliveryStatus } from "./generated/enums.js";
import { visibleTo } from "./ownership.js";
import { toSubscription, type WebhookSubscription } from "./subscription.js";

const subscriptionOrder = defineKeyset("WebhookSubscription", { CREATED: "seq" }, "CREATED ASC");
const deliveryOrder = defineKeyset("WebhookDelivery", { CREATED: "d.seq" }, "CREATED DESC", "d.seq");

const NO_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

const live = (db: Kysely<WebhooksDatabase>, principal: Principal) =>
  visibleTo(db.selectFrom("webhooks.subscriptions").selectAll(), principal).where("status", "!=", "DELETED");

export async function listSubscriptions(
  db: Kysely<WebhooksDatabase>,
  principal: Principal,
  args: PageArgs,
): Promise<Connection<WebhookSubscription>> {
  const page = keysetPage(subscriptionOrder, args);
  return page.fetch(live(db, principal), toSubscription);
}

export async function findSubscription(db: Kysely<WebhooksDatabase>, principal: Principal, id: string) {
  const row = await live(db, principal).where("id", "=", id).executeTakeFirst();
  return row ? toSubscription(row) : null;
}

/** A subscription's deliveries, newest first; an empty page when it is not the caller's. */
export async function listDeliveries(
  db: Kysely<WebhooksDatabase>,
  principal: Principal,
  args: PageArgs & { subscriptionId: string; status?: WebhookDeliveryStatus | null },
): Promise<Connection<WebhookDelivery>> {
  const page = keysetPage(deliveryOrder, args);
  const owned = await findSubscription(db, principal, args.subscriptionId);
  // Another partner's subscription reads as one without deliveries: its existence is not told.
  let query = deliveriesWithEvents(db).where("d.subscription_id", "=", owned?.id ?? NO_SUBSCRIPTION);
  if (args.status) query = query.where("d.status", "=", args.status);
  return page.fetch(query, toDelivery);
}
