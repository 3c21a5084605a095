import type { Generated } from "kysely";
import type { WebhookDeliveryStatus, WebhookSubscriptionStatus } from "./generated/enums.js";

export interface SubscriptionsTable {
  id: Generated<string>;
  seq: Generated<string>;
  /** The principal's subject that created it: "api-key:<id>" for a partner. */
  owner: string;
  url: string;
  description: string | null;
  event_types: string[];
  status: WebhookSubscriptionStatus;
  /** The Standard Webhooks secret, "whsec_<base64>"; needed in clear to sign. */
  secret: string;
  /** The secret before the last rotation, still signing beside the new one until previous_secret_until. */
  previous_secret: string | null;
  previous_secret_until: Date | null;
  /** When its deliveries started failing without a success since; null when healthy. */
  failing_since: Date | null;
  disabled_reason: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** A public event, once per internal event it came from. */
export interface EventsTable {
  id: Generated<string>;
  seq: Generated<string>;
  /** The outbox event it was mapped from; null for pings. */
  source_event_id: string | null;
  type: string;
  version: number;
  occurred_at: Date;
  payload: unknown;
}

export interface DeliveriesTable {
  id: Generated<string>;
  seq: Generated<string>;
  event_id: string;
  subscription_id: string;
  status: WebhookDeliveryStatus;
  attempts: Generated<number>;
  /** Position in the retry schedule; a redelivery starts it again. */
  retry_step: Generated<number>;
  next_attempt_at: Date | null;
  /** While an attempt is in flight: no other worker takes the delivery before this. */
  lease_until: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Generated<Date>;
}

export interface DeliveryAttemptsTable {
  id: Generated<string>;
  seq: Generated<string>;
  delivery_id: string;
  attempted_at: Date;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_excerpt: string | null;
  next_attempt_at: Date | null;
}

export interface WebhooksDatabase {
  "webhooks.subscriptions": SubscriptionsTable;
  "webhooks.events": EventsTable;
  "webhooks.deliveries": DeliveriesTable;
  "webhooks.delivery_attempts": DeliveryAttemptsTable;
}
