import { randomUUID } from "node:crypto";
import { EventBus, type Principal } from "@erp/core";
import { newKey, startWebhookReceiver, useSubgraph, type WebhookReceiver } from "@erp/testing";
import { afterAll, beforeAll } from "vitest";
import { webhooks } from "../src/index.js";

// Tests send to loopback over http, retry within a second and give up on a slow endpoint after 1 s.
process.env.WEBHOOKS_ALLOW_LOOPBACK = "true";
process.env.WEBHOOKS_RETRY_DELAYS_SECONDS = "0.2,0.2,0.2";
process.env.WEBHOOKS_TIMEOUT_SECONDS = "1";

export const SUBSCRIPTION =
  "subscription { id url eventTypes status disabledReason owner version } errors { code field message }";

const ACTION_INPUT = new Set([
  "pauseWebhookSubscription",
  "resumeWebhookSubscription",
  "deleteWebhookSubscription",
  "pingWebhookSubscription",
]);

/** A partner calling with its API key and webhooks:manage only. */
export const partner = (name: string): Principal => ({
  subject: `api-key:${name}`,
  kind: "partner",
  roles: [],
  scopes: ["webhooks:manage"],
  apiKeyId: name,
});

/**
 * The webhooks subgraph on a fresh database with an event bus running its delivery workers, and
 * a loopback receiver; `client` acts as an administrator.
 */
export function useWebhooks() {
  const env = useSubgraph(webhooks);
  const state = {} as { bus: EventBus; receiver: WebhookReceiver };
  beforeAll(async () => {
    state.bus = await EventBus.start(env.database, [webhooks], { pollingIntervalSeconds: 0.5 });
    state.receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await state.bus?.stop();
    await state.receiver?.close();
  });

  const mutate = async (as: Principal | null, mutation: string, input: Record<string, unknown>, fields: string) => {
    const client = as ? env.as(as) : env.client;
    const inputType = ACTION_INPUT.has(mutation)
      ? "WebhookSubscriptionActionInput"
      : `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
    const result = await client.request(`mutation($i: ${inputType}!) { ${mutation}(input: $i) { ${fields} } }`, {
      i: { idempotencyKey: newKey(), ...input },
    });
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data[mutation];
  };

  /** Subscribes a receiver path and returns the subscription with its secret. */
  const subscribe = async (path: string, eventTypes: string[], as: Principal | null = null) => {
    const payload = await mutate(
      as,
      "createWebhookSubscription",
      { url: state.receiver.url(path), eventTypes },
      `secret ${SUBSCRIPTION}`,
    );
    if (payload.errors.length) throw new Error(JSON.stringify(payload.errors));
    return { id: payload.subscription.id as string, secret: payload.secret as string };
  };

  /** An order placed in sales, as the outbox would deliver it to the webhooks domain. */
  const orderPlaced = (orderId = randomUUID()) =>
    env.deliver("sales.order.placed", {
      orderId,
      number: `SO-${orderId.slice(0, 6)}`,
      customerId: randomUUID(),
      currency: "EUR",
    });

  return Object.assign(env, { state, mutate, subscribe, orderPlaced });
}
