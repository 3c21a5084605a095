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

/** Finance learns customers from CRM and bills what sales ships, never reading their tables. */
export const financeHandlers: EventHandler<FinanceDatabase>[] = [
  ...["registered", "details_updated", "blocked", "unblocked"].map((what) => ({
    name: `remember-customer-${what}`,
    on: `crm.customer.${what}`,
    handle: rememberCustomer,
  })),
  { name: "invoice-shipment", on: "sales.shipment.dispatched", handle: invoiceShipment },
  { name: "check-credit-for-order", on: "sales.order.confirmation_requested", handle: checkCreditForOrder },
  { name: "release-credit-when-rejected", on: "sales.order.rejected", handle: releaseCreditHold },
  { name: "release-credit-when-cancelled", on: "sales.order.cancelled", handle: releaseCreditHold },
];
