import { type ActionInput, type ActionResolver, type ActionScope, actionResolvers, assertIds, capped } from "@erp/core";
import { PUBLIC_EVENT_TYPES, payloadJsonSchema } from "./catalogue.js";
import type { WebhooksContext } from "./context.js";
import type { WebhooksDatabase } from "./db.js";
import { cancelPending, ping, redeliver, reopenPending, replay } from "./delivery.js";
import { WebhookSubscriptionStatus } from "./generated/enums.js";
import type { Resolvers } from "./generated/resolvers-types.js";
import { findSubscription, listDeliveries, listSubscriptions } from "./queries.js";
import {
  createSubscription,
  type IssuedSecret,
  moveSubscription,
  rotateSecret,
  toSubscription,
  updateSubscription,
} from "./subscription.js";

/** Every webhooks mutation: its declared scope (webhooks:manage), one transaction, idempotent by its key. */
const act = actionResolvers<WebhooksContext>();

/**
 * The payload stored against the idempotency key holds the subscription but never its secret:
 * the secret leaves the transaction beside it and joins the first answer only (a replay: null).
 */
const withOneTimeSecret =
  <Input extends ActionInput>(issue: (s: ActionScope<WebhooksDatabase>, input: Input) => Promise<IssuedSecret>) =>
  async (...call: Parameters<ActionResolver<WebhooksContext, Input, unknown>>) => {
    const minted: { secret?: string } = {};
    const payload = await act(async (s, input: Input) => {
      const { subscription, secret } = await issue(s, input);
      minted.secret = secret;
      return { subscription };
    })(...call);
    return { ...payload, secret: payload.errors.length === 0 ? (minted.secret ?? null) : null };
  };

const S = WebhookSubscriptionStatus;

export const resolvers: Resolvers = {
  Query: {
    webhookEventTypes: () =>
      PUBLIC_EVENT_TYPES.map((e) => ({
        type: e.type,
        version: e.version,
        description: e.description,
        payloadSchema: JSON.stringify(payloadJsonSchema(e)),
      })),
    webhookSubscriptions: (_, args, ctx) => listSubscriptions(ctx.db, ctx.principal, args),
    webhookSubscription: (_, { id }, ctx) => (assertIds({ id }), findSubscription(ctx.db, ctx.principal, id)),
    webhookDeliveries: (_, args, ctx) => (
      assertIds({ subscriptionId: args.subscriptionId }), listDeliveries(ctx.db, ctx.principal, args)
    ),
  },
  Mutation: {
    createWebhookSubscription: withOneTimeSecret((s, input) => createSubscription(s, input)),
    rotateWebhookSecret: withOneTimeSecret((s, input) => rotateSecret(s, input)),
    updateWebhookSubscription: act(async (s, input) => ({ subscription: await updateSubscription(s, input) })),
    pauseWebhookSubscription: act(async (s, input) => ({
      subscription: toSubscription(await moveSubscription(s, input, S.PAUSED)),
    })),
    resumeWebhookSubscription: act(async (s, input) => {
      const row = await moveSubscription(s, input, S.ACTIVE);
      await reopenPending(s, row.id);
      return { subscription: toSubscription(row) };
    }),
    deleteWebhookSubscription: act(async (s, input) => {
      const row = await moveSubscription(s, input, S.DELETED);
      await cancelPending(s, row.id);
      return { subscription: toSubscription(row) };
    }),
    pingWebhookSubscription: act(async (s, input) => ({ delivery: await ping(s, input) })),
    redeliverWebhook: act(async (s, input) => ({ delivery: await redeliver(s, input) })),
    replayWebhooks: act(async (s, input) => replay(s, input)),
  },
  WebhookDelivery: {
    attempts: (delivery, _, ctx) => capped(ctx.loaders.attempts.load(delivery.id), 100),
  },
};
