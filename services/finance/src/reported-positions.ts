import { UninvoicedReceiptsReported, ValuationReported } from "@erp/contracts";
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

/** Inventory's valuation and procurement's uninvoiced receipts, which reconciliation compares with the ledger. */
export const reportedPositionHandlers: EventHandler<FinanceDatabase>[] = [
  defineHandler(ValuationReported, "remember-stock-valuation", rememberValuation),
  defineHandler(UninvoicedReceiptsReported, "remember-uninvoiced-receipts", rememberUninvoiced),
];
