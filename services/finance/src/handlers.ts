import {
  CustomerBlocked,
  CustomerDetailsUpdated,
  CustomerRegistered,
  CustomerUnblocked,
  type EventPayload,
  LedgerChecked,
  OrderCancelled,
  OrderClosedShort,
  OrderConfirmationRequested,
  OrderRejected,
  PayrollRunPosted,
  ShipmentDispatched,
} from "@erp/contracts";
import {
  type ActionScope,
  type DeliveredEvent,
  type DeliveredEventOf,
  defineHandler,
  type EventHandler,
} from "@erp/core";
import { checkCreditForOrder, releaseCreditHold } from "./credit.js";
import type { FinanceDatabase } from "./db.js";
import { invoiceShipment } from "./invoice.js";
import { payableHandlers } from "./payables.js";
import { bookPayrollRun } from "./payroll.js";
import { reportedPositionHandlers } from "./reported-positions.js";
import { stockValuationHandlers } from "./stock-valuation.js";

type Scope = ActionScope<FinanceDatabase>;

async function rememberCustomer(event: DeliveredEvent<EventPayload<typeof CustomerRegistered>>, scope: Scope) {
  const c = event.payload;
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
async function rememberLedgerCheck(event: DeliveredEventOf<typeof LedgerChecked>, scope: Scope) {
  const report = event.payload;
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

const customerEvents = [CustomerRegistered, CustomerDetailsUpdated, CustomerBlocked, CustomerUnblocked];

/** Finance learns customers from CRM, bills what sales ships and books HR's payroll, never reading their tables. */
export const financeHandlers: EventHandler<FinanceDatabase>[] = [
  ...customerEvents.map((c) => defineHandler(c, `remember-customer-${c.type.split(".").at(-1)}`, rememberCustomer)),
  defineHandler(ShipmentDispatched, "invoice-shipment", invoiceShipment),
  defineHandler(LedgerChecked, "remember-inventory-ledger-check", rememberLedgerCheck),
  defineHandler(OrderConfirmationRequested, "check-credit-for-order", checkCreditForOrder),
  defineHandler(OrderRejected, "release-credit-when-rejected", releaseCreditHold),
  defineHandler(OrderCancelled, "release-credit-when-cancelled", releaseCreditHold),
  defineHandler(OrderClosedShort, "release-credit-when-closed-short", releaseCreditHold),
  ...stockValuationHandlers,
  ...payableHandlers,
  ...reportedPositionHandlers,
  defineHandler(PayrollRunPosted, "book-payroll-run", bookPayrollRun),
];
