import { defineSubgraph, loadSchemaFile, type SubgraphModule } from "@erp/core";
import { webhookSettings } from "./config.js";
import type { WebhooksDatabase } from "./db.js";
import { DELIVERY_WORKER } from "./delivery.js";
import { webhookHandlers } from "./handlers.js";
import { createWebhooksLoaders, type WebhooksLoaders } from "./loaders.js";
import { migrations } from "./migrations/index.js";
import { resolvers } from "./resolvers.js";
import { attemptDelivery } from "./sender.js";
import { sweepDeliveries } from "./sweep.js";

/**
 * Partner webhooks: a public event catalogue mapped from the domains' internal events, partners'
 * subscriptions, and deliveries signed (Standard Webhooks), retried, logged and replayable.
 */
export const webhooks: SubgraphModule<WebhooksDatabase, WebhooksLoaders> = defineSubgraph<
  WebhooksDatabase,
  WebhooksLoaders
>({
  name: "webhooks",
  typeDefs: loadSchemaFile(new URL("../schema.graphql", import.meta.url)),
  resolvers,
  migrations,
  settings: webhookSettings,
  createLoaders: createWebhooksLoaders,
  handlers: webhookHandlers,
  // Sending runs on the job queue, outside every business transaction, several at once.
  workers: [
    {
      name: DELIVERY_WORKER,
      concurrency: webhookSettings().concurrency,
      run: (db, data, clock) => attemptDelivery(db, String(data.deliveryId), clock),
    },
  ],
  // Lost jobs and long-failing subscriptions.
  jobs: [{ name: "sweep-deliveries", cron: "* * * * *", run: sweepDeliveries }],
});

export { PUBLIC_EVENT_TYPES, payloadJsonSchema } from "./catalogue.js";
export type { WebhooksContext } from "./context.js";
export { WebhooksErrorCode } from "./errors.js";
