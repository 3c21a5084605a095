import { ShipmentDispatched, ShipmentsReported, UninvoicedReceiptsReported, ValuationReported } from "@erp/contracts";
import { type ActionScope, type DeliveredEventOf, defineHandler, type EventHandler } from "@erp/core";
import type { FinanceDatabase } from "./db.js";
import type { LedgerTables, ReportedPosition } from "./ledger-tables.js";

type Report = LedgerTables["finance.reported_positions"]["report"];

/** Keeps the latest report of a kind; an older report never replaces a newer one. */
async function remember(
  scope: ActionScope<FinanceDatabase>,
  report: Report,
  at: string,
  positions: ReportedPosition[],
) {
  const reportedAt = new Date(at);
  await scope.trx
    .insertInto("finance.reported_positions")
    .values({ report, reported_at: reportedAt, positions: JSON.stringify(positions) })
    .onConflict((oc) =>
      oc
        .column("report")
        .doUpdateSet({ reported_at: reportedAt, positions: JSON.stringify(positions) })
        .where("finance.reported_positions.reported_at", "<", reportedAt),
    )
    .execute();
}

const rememberValuation = (event: DeliveredEventOf<typeof ValuationReported>, scope: ActionScope<FinanceDatabase>) =>
  remember(
    scope,
    "INVENTORY_VALUATION",
    event.payload.reportedAt,
    event.payload.valuations.map((v) => ({
      currency: v.currency,
      value: v.value,
      counts: { valuedMovements: v.valuedMovements },
    })),
  );

const rememberUninvoiced = (
  event: DeliveredEventOf<typeof UninvoicedReceiptsReported>,
  scope: ActionScope<FinanceDatabase>,
) =>
  remember(
    scope,
    "UNINVOICED_RECEIPTS",
    event.payload.reportedAt,
    event.payload.positions.map((p) => ({
      currency: p.currency,
      value: p.uninvoicedValue,
      counts: { receiptLines: p.receiptLines, matchedBills: p.matchedBills },
    })),
  );

/** Sales' shipped position: how many shipments it had dispatched, per currency, by reportedAt. */
const rememberShipped = (event: DeliveredEventOf<typeof ShipmentsReported>, scope: ActionScope<FinanceDatabase>) =>
  remember(
    scope,
    "SHIPPED_POSITION",
    event.payload.reportedAt,
    event.payload.positions.map((p) => ({ currency: p.currency, value: "0", counts: { shipments: p.shipments } })),
  );

/**
 * Finance's own record of a shipment it heard of, kept by a handler of its own: if invoicing the shipment fails
 * (or is dead-lettered), the record still says finance knew, and reconciliation names the uninvoiced shipment.
 */
async function recordShipment(event: DeliveredEventOf<typeof ShipmentDispatched>, scope: ActionScope<FinanceDatabase>) {
  const shipment = event.payload;
  await scope.trx
    .insertInto("finance.received_shipments")
    .values({
      shipment_id: shipment.shipmentId,
      order_id: shipment.orderId,
      customer_id: shipment.customerId,
      currency: shipment.currency,
      // The event's time is the shipping transaction's own (sales stamps both with now()).
      shipped_at: new Date(event.occurredAt),
    })
    .onConflict((oc) => oc.column("shipment_id").doNothing())
    .execute();
}

/** Inventory's valuation, procurement's uninvoiced receipts and sales' shipments, which reconciliation compares. */
export const reportedPositionHandlers: EventHandler<FinanceDatabase>[] = [
  defineHandler(ValuationReported, "remember-stock-valuation", rememberValuation),
  defineHandler(UninvoicedReceiptsReported, "remember-uninvoiced-receipts", rememberUninvoiced),
  defineHandler(ShipmentsReported, "remember-shipped-position", rememberShipped),
  defineHandler(ShipmentDispatched, "record-shipment", recordShipment),
];
