import { listLoaderByKey } from "@erp/core";
import type { Kysely } from "kysely";
import type { WebhooksDatabase } from "./db.js";
import { toAttempt } from "./delivery.js";

/** Per-request loaders: one SQL statement per kind of lookup, whatever the page size. */
export function createWebhooksLoaders(db: Kysely<WebhooksDatabase>) {
  return {
    attempts: listLoaderByKey(
      (ids) =>
        db
          .selectFrom("webhooks.delivery_attempts")
          .selectAll()
          .where("delivery_id", "in", ids)
          .orderBy("seq")
          .execute(),
      (row) => row.delivery_id,
      toAttempt,
    ),
  };
}

export type WebhooksLoaders = ReturnType<typeof createWebhooksLoaders>;
