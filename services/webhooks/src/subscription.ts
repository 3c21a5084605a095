import { randomBytes } from "node:crypto";
import { type ActionScope, defineStateMachine, fields, parseInput } from "@erp/core";
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import { SUBSCRIBABLE_TYPES } from "./catalogue.js";
import type { SubscriptionsTable, WebhooksDatabase } from "./db.js";
import { notFound, refuse, WebhooksErrorCode } from "./errors.js";
import { WebhookSubscriptionStatus } from "./generated/enums.js";
import { visibleTo } from "./ownership.js";
import { checkUrl, UnsafeUrl } from "./url-safety.js";

export interface WebhookSubscription {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  status: WebhookSubscriptionStatus;
  disabledReason: string | null;
  failingSince: Date | null;
  owner: string;
  version: number;
  createdAt: Date;
}

export const toSubscription = (row: Selectable<SubscriptionsTable>): WebhookSubscription => ({
  id: row.id,
  url: row.url,
  description: row.description,
  eventTypes: row.event_types,
  status: row.status,
  disabledReason: row.disabled_reason,
  failingSince: row.failing_since,
  owner: row.owner,
  version: row.version,
  createdAt: row.created_at,
});

/** What an action on a subscription hands back: the subscription, and a secret only when it minted one. */
export interface IssuedSecret {
  subscription: WebhookSubscription;
  secret: string;
}

const S = WebhookSubscriptionStatus;
export const subscriptionLifecycle = defineStateMachine<WebhookSubscriptionStatus>("WebhookSubscription", {
  ACTIVE: [S.PAUSED, S.DISABLED, S.DELETED],
  PAUSED: [S.ACTIVE, S.DELETED],
  DISABLED: [S.ACTIVE, S.DELETED],
  DELETED: [],
});

/** How many live subscriptions one owner may hold. */
export const MAX_SUBSCRIPTIONS_PER_OWNER = 50;

/** A Standard Webhooks secret: "whsec_" and 32 random bytes in base64. */
const newSecret = () => `whsec_${randomBytes(32).toString("base64")}`;

const eventTypes = z
  .array(z.string().max(100))
  .min(1, "Name at least one event type")
  .max(50, "Name at most 50 event types")
  .transform((types) => [...new Set(types)]);
const url = z.string().trim().min(1, "The URL must not be empty").max(2000, "The URL must be at most 2000 characters");

async function safeUrl(raw: string): Promise<string> {
  try {
    return (await checkUrl(raw)).url.toString();
  } catch (error) {
    if (error instanceof UnsafeUrl) refuse(WebhooksErrorCode.URL_NOT_ALLOWED, error.message, "url");
    throw error;
  }
}

function assertPublicTypes(types: string[]): void {
  const unknown = types.filter((t) => !SUBSCRIBABLE_TYPES.includes(t));
  if (unknown.length)
    refuse(WebhooksErrorCode.UNKNOWN_EVENT_TYPE, `Not public event types: ${unknown.join(", ")}`, "eventTypes");
}

const createSchema = z.object({
  url,
  eventTypes,
  description: fields.optionalText("Description", 500),
});

export async function createSubscription(
  scope: ActionScope<WebhooksDatabase>,
  input: z.input<typeof createSchema>,
): Promise<IssuedSecret> {
  const data = parseInput(createSchema, input);
  assertPublicTypes(data.eventTypes);
  const owner = scope.actor.subject;
  const { n } = await scope.trx
    .selectFrom("webhooks.subscriptions")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("owner", "=", owner)
    .where("status", "!=", S.DELETED)
    .executeTakeFirstOrThrow();
  if (Number(n) >= MAX_SUBSCRIPTIONS_PER_OWNER)
    refuse(WebhooksErrorCode.SUBSCRIPTION_LIMIT_REACHED, `At most ${MAX_SUBSCRIPTIONS_PER_OWNER} subscriptions`);
  const secret = newSecret();
  const row = await scope.trx
    .insertInto("webhooks.subscriptions")
    .values({
      owner,
      url: await safeUrl(data.url),
      description: data.description,
      event_types: data.eventTypes,
      status: S.ACTIVE,
      secret,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.audit("WebhookSubscription", row.id, { url: row.url, eventTypes: row.event_types });
  return { subscription: toSubscription(row), secret };
}

/** The caller's subscription, locked for the rest of the transaction; another owner's is not found. */
export async function lockSubscription(
  scope: ActionScope<WebhooksDatabase>,
  id: string,
  field = "subscriptionId",
): Promise<Selectable<SubscriptionsTable>> {
  const row = await visibleTo(scope.trx.selectFrom("webhooks.subscriptions").selectAll(), scope.actor)
    .where("id", "=", id)
    .where("status", "!=", S.DELETED)
    .forUpdate()
    .executeTakeFirst();
  return row ?? notFound(WebhooksErrorCode.SUBSCRIPTION_NOT_FOUND, "The webhook subscription", field);
}

const updateSchema = z.object({
  subscriptionId: fields.id("subscriptionId"),
  url: url.nullish(),
  eventTypes: eventTypes.nullish(),
  description: fields.optionalText("Description", 500),
});

export async function updateSubscription(scope: ActionScope<WebhooksDatabase>, input: z.input<typeof updateSchema>) {
  const data = parseInput(updateSchema, input);
  const current = await lockSubscription(scope, data.subscriptionId);
  if (data.eventTypes) assertPublicTypes(data.eventTypes);
  const changes = {
    ...(data.url != null ? { url: await safeUrl(data.url) } : {}),
    ...(data.eventTypes ? { event_types: data.eventTypes } : {}),
    ...(input.description !== undefined ? { description: data.description } : {}),
  };
  const row = await saveSubscription(scope.trx, current, changes);
  await scope.audit("WebhookSubscription", row.id, { url: row.url, eventTypes: row.event_types });
  return toSubscription(row);
}

/** Writes changes to a locked subscription, raising its version. */
export function saveSubscription(
  trx: Transaction<WebhooksDatabase>,
  current: Pick<Selectable<SubscriptionsTable>, "id" | "version">,
  changes: Partial<Omit<SubscriptionsTable, "id" | "seq" | "version" | "created_at">>,
) {
  return trx
    .updateTable("webhooks.subscriptions")
    .set({ ...changes, version: current.version + 1, updated_at: new Date() })
    .where("id", "=", current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

const actionSchema = z.object({ subscriptionId: fields.id("subscriptionId") });

/** Moves the caller's subscription to another status, as the lifecycle allows. */
export async function moveSubscription(
  scope: ActionScope<WebhooksDatabase>,
  input: z.input<typeof actionSchema>,
  to: WebhookSubscriptionStatus,
): Promise<Selectable<SubscriptionsTable>> {
  const { subscriptionId } = parseInput(actionSchema, input);
  const current = await lockSubscription(scope, subscriptionId);
  subscriptionLifecycle.assertTransition(current.status, to);
  const healthy = to === S.ACTIVE ? { failing_since: null, disabled_reason: null } : {};
  const row = await saveSubscription(scope.trx, current, { status: to, ...healthy });
  await scope.audit("WebhookSubscription", row.id, { from: current.status, to });
  return row;
}

const rotateSchema = z.object({
  subscriptionId: fields.id("subscriptionId"),
  gracePeriodSeconds: z
    .number()
    .int()
    .min(0, "The grace period must be 0 seconds or more")
    .max(604_800, "The grace period must be at most 7 days")
    .nullish()
    .transform((v) => v ?? 86_400),
});

export async function rotateSecret(
  scope: ActionScope<WebhooksDatabase>,
  input: z.input<typeof rotateSchema>,
): Promise<IssuedSecret> {
  const data = parseInput(rotateSchema, input);
  const current = await lockSubscription(scope, data.subscriptionId);
  const secret = newSecret();
  const graceUntil = new Date(scope.now().getTime() + data.gracePeriodSeconds * 1000);
  const row = await saveSubscription(scope.trx, current, {
    secret,
    previous_secret: data.gracePeriodSeconds > 0 ? current.secret : null,
    previous_secret_until: data.gracePeriodSeconds > 0 ? graceUntil : null,
  });
  await scope.audit("WebhookSubscription", row.id, { rotated: true, gracePeriodSeconds: data.gracePeriodSeconds });
  return { subscription: toSubscription(row), secret };
}
