import type { DeliveredEvent, EventHandler } from "@erp/core";
import { checkCreditForOrder, releaseCreditHold } from "./credit.js";
import type { FinanceDatabase } from "./db.js";
import { invoiceShipment } from "./invoice.js";

async function rememberCustomer(event: DeliveredEvent, scope: Parameters<EventHandler<FinanceDatabase>["handle"]>[1]) {
  const c = event.payload as { customerId: string; name: string; version: number };
  await scope.trx
    .insertInto("finance.known_customers")
    .values({ customer_id: c.customerId, name: c.name, version: c.version })
    .onConflict((oc) =>
      oc
        .column("customer_id")
        .doUpdateSet({ name: c.name, version: c.version })
        .where("finance.known_customers.version", "<", c.version),
    )
    .execute();
}

/** Keeps inventory's latest stock-ledger check; an older report never replaces a newer one. */
async function rememberLedgerCheck(
  event: DeliveredEvent,
  scope: Parameters<EventHandler<FinanceDatabase>["handle"]>[1],
) {
  const report = event.payload as { checkedAt: string; discrepancies: unknown[] };
  await scope.trx
    .insertInto("finance.inventory_ledger_reports")
    .values({
      id: "latest",
      checked_at: new Date(report.checkedAt),
      discrepancies: JSON.stringify(report.discrepancies),
    })
    .onConflict((oc) =>
      oc
        .column("id")
        .doUpdateSet({ checked_at: new Date(report.checkedAt), discrepancies: JSON.stringify(report.discrepancies) })
        .where("finance.inventory_ledger_reports.checked_at", "<", new Date(report.checkedAt)),
    )
    .execute();
}

/** Finance learns customers from CRM and bills what sales ships, never reading their tables. */
export const financeHandlers: EventHandler<FinanceDatabase>[] = [
  ...["registered", "details_updated", "blocked", "unblocked"].map((what) => ({
    name: `remember-customer-${what}`,
    on: `crm.customer.${what}`,
    handle: rememberCustomer,
  })),
  { name: "invoice-shipment", on: "sales.shipment.dispatched", handle: invoiceShipment },
  { name: "remember-inventory-ledger-check", on: "inventory.ledger.checked", handle: rememberLedgerCheck },
  { name: "check-credit-for-order", on: "sales.order.confirmation_requested", handle: checkCreditForOrder },
  { name: "release-credit-when-rejected", on: "sales.order.rejected", handle: releaseCreditHold },
  { name: "release-credit-when-cancelled", on: "sales.order.cancelled", handle: releaseCreditHold },
];
