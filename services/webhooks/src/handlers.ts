import { defineHandler, type EventHandler } from "@erp/core";
import { PUBLIC_EVENT_TYPES } from "./catalogue.js";
import type { WebhooksDatabase } from "./db.js";
import { recordPublicEvent } from "./delivery.js";

/**
 * One handler per public event: it receives the internal event from the outbox like every other
 * consumer (once, through the inbox), maps it to its public shape and records the deliveries.
 */
export const webhookHandlers: EventHandler<WebhooksDatabase>[] = PUBLIC_EVENT_TYPES.flatMap((event) =>
  event.from
    ? [
        defineHandler<WebhooksDatabase, NonNullable<typeof event.from>>(
          event.from,
          `publish-${event.type}`,
          async (internal, scope) => {
            const payload = event.map(internal.payload);
            if (payload !== null) await recordPublicEvent(scope, event, internal, payload);
          },
        ),
      ]
    : [],
);
