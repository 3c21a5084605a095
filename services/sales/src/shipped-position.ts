import { ShipmentsReported } from "@erp/contracts";
import { type ActionScope, type Clock, runScheduledAction, sql } from "@erp/core";
import type { Kysely } from "kysely";
import type { SalesDatabase } from "./db.js";

export interface ShippedPosition {
  currency: string;
  shipments: number;
}

/**
 * Sales' shipped position for finance's reconciliation: per currency, the shipments dispatched by the report's
 * database time, the clock that stamps a shipment and its ShipmentDispatched event alike (both `now()` of the
 * shipping transaction), so finance counts the events it received up to the same instant.
 */
export async function shippedPosition(db: Kysely<SalesDatabase>) {
  const { rows } = await sql<{ reported_at: Date; currency: string | null; shipments: number }>`
    select now() as reported_at, o.currency, count(s.id)::int as shipments
    from (select 1) as one
    left join sales.shipments s on s.shipped_at <= now()
    left join sales.sales_orders o on o.id = s.order_id
    group by o.currency
    order by o.currency`.execute(db);
  return {
    reportedAt: new Date(rows[0]!.reported_at).toISOString(),
    positions: rows.flatMap((r): ShippedPosition[] =>
      r.currency ? [{ currency: r.currency.trim(), shipments: r.shipments }] : [],
    ),
  };
}

/** Publishes the position; finance raises an alert when it received fewer shipments than sales dispatched. */
export async function reportShippedPosition(scope: ActionScope<SalesDatabase>) {
  const position = await shippedPosition(scope.trx);
  await scope.emit(ShipmentsReported, "shipped-position", position);
  return position;
}

/** The hourly job: the same report as the system, once per hour slot. */
export async function scheduledShippedPosition(db: Kysely<SalesDatabase>, clock: Clock): Promise<void> {
  const key = `shipped-position-${clock.now().toISOString().slice(0, 13)}`;
  await runScheduledAction(db, "sales", "reportShippedPosition", key, (s) => reportShippedPosition(s), clock);
}
