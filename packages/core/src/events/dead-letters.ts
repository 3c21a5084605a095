import { type Kysely, sql } from "kysely";
import type { DeliveredEvent } from "./handler.js";

/** A dead letter as the operations subgraph keeps it (table operations.failed_events). */
export interface FailedEventRow {
  id: string;
  queue: string;
  domain: string;
  handler: string;
  event: DeliveredEvent<unknown>;
  error: string;
  attempts: number;
  status: "FAILED" | "RETRIED";
  failed_at: Date;
  retried_at: Date | null;
}

export interface FailedDelivery {
  /** The dead-letter job's id, when pg-boss dead-lettered it: recording it twice keeps one row. */
  id?: string;
  queue: string;
  domain: string;
  handler: string;
  event: DeliveredEvent<unknown>;
  error: unknown;
  attempts: number;
}

/** Dead letter: a delivery that failed on its last attempt (or can never succeed), kept for an operator. */
export async function recordFailedDelivery(db: Kysely<unknown>, failure: FailedDelivery): Promise<void> {
  const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
  await sql`
    insert into operations.failed_events (id, queue, domain, handler, event, error, attempts)
    values (coalesce(${failure.id ?? null}::uuid, gen_random_uuid()), ${failure.queue}, ${failure.domain}, ${failure.handler},
      ${JSON.stringify(failure.event)}, ${message.slice(0, 2000)}, ${failure.attempts})
    on conflict (id) do nothing
  `.execute(db);
}
