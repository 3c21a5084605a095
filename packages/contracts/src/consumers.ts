import type { crmEvents } from "./crm.js";
import type { financeEvents } from "./finance.js";
import type { hrEvents } from "./hr.js";
import type { inventoryEvents } from "./inventory.js";
import type { procurementEvents } from "./procurement.js";
import type { salesEvents } from "./sales.js";

type Catalogued = (
  | typeof crmEvents
  | typeof inventoryEvents
  | typeof salesEvents
  | typeof financeEvents
  | typeof procurementEvents
  | typeof hrEvents
)[number];

/** One handler queue: a domain's handler of one event type. */
export interface EventConsumer {
  /** The contract's type, e.g. "sales.shipment.dispatched". */
  event: Catalogued["type"];
  /** The consuming domain. */
  domain: string;
  /** Its handler's name, unique within the domain. */
  handler: string;
}

/**
 * Which domain consumes which event, by handler: the static routing table of the event bus.
 * A publishing process routes its outbox from this list, never from the consumers that happen to
 * have started, so an event published before its consumer's process first ran still reaches it.
 * It lists exactly the handlers the domains declare (a gateway test compares the two); add a line
 * here with every new handler.
 */
export const eventConsumers: readonly EventConsumer[] = [
  { event: "crm.customer.blocked", domain: "finance", handler: "remember-customer-blocked" },
  { event: "crm.customer.blocked", domain: "sales", handler: "remember-customer-blocked" },
  { event: "crm.customer.details_updated", domain: "finance", handler: "remember-customer-details_updated" },
  { event: "crm.customer.details_updated", domain: "sales", handler: "remember-customer-details_updated" },
  { event: "crm.customer.registered", domain: "finance", handler: "remember-customer-registered" },
  { event: "crm.customer.registered", domain: "sales", handler: "remember-customer-registered" },
  { event: "crm.customer.unblocked", domain: "finance", handler: "remember-customer-unblocked" },
  { event: "crm.customer.unblocked", domain: "sales", handler: "remember-customer-unblocked" },
  { event: "finance.credit.approved", domain: "sales", handler: "confirm-order-when-credit-approved" },
  { event: "finance.credit.refused", domain: "sales", handler: "reject-order-when-credit-refused" },
  { event: "finance.payroll.paid", domain: "hr", handler: "mark-payroll-run-paid" },
  { event: "finance.supplier_payment.recorded", domain: "procurement", handler: "record-bill-payment" },
  { event: "hr.employee.details_changed", domain: "crm", handler: "remember-employee-details_changed" },
  { event: "hr.employee.details_changed", domain: "sales", handler: "remember-employee-details_changed" },
  { event: "hr.employee.hired", domain: "crm", handler: "remember-employee-hired" },
  { event: "hr.employee.hired", domain: "sales", handler: "remember-employee-hired" },
  { event: "hr.employee.terminated", domain: "crm", handler: "remember-employee-terminated" },
  { event: "hr.employee.terminated", domain: "sales", handler: "remember-employee-terminated" },
  { event: "hr.payroll_run.posted", domain: "finance", handler: "book-payroll-run" },
  { event: "inventory.ledger.checked", domain: "finance", handler: "remember-inventory-ledger-check" },
  { event: "inventory.product.details_updated", domain: "procurement", handler: "remember-product-details_updated" },
  { event: "inventory.product.details_updated", domain: "sales", handler: "remember-product-details_updated" },
  { event: "inventory.product.discontinued", domain: "procurement", handler: "remember-product-discontinued" },
  { event: "inventory.product.discontinued", domain: "sales", handler: "remember-product-discontinued" },
  { event: "inventory.product.registered", domain: "procurement", handler: "remember-product-registered" },
  { event: "inventory.product.registered", domain: "sales", handler: "remember-product-registered" },
  { event: "inventory.reservation.rejected", domain: "sales", handler: "reject-order-when-stock-short" },
  { event: "inventory.stock.adjusted", domain: "finance", handler: "post-stock-adjusted" },
  { event: "inventory.stock.issued", domain: "finance", handler: "post-stock-issued" },
  { event: "inventory.stock.low", domain: "procurement", handler: "remember-stock-low" },
  { event: "inventory.stock.received", domain: "finance", handler: "post-stock-received" },
  { event: "inventory.stock.reserved", domain: "sales", handler: "confirm-order-when-reserved" },
  { event: "inventory.valuation.reported", domain: "finance", handler: "remember-stock-valuation" },
  { event: "inventory.warehouse.opened", domain: "procurement", handler: "remember-warehouse" },
  { event: "inventory.warehouse.opened", domain: "sales", handler: "remember-warehouse" },
  { event: "procurement.goods.received", domain: "inventory", handler: "stock-goods-receipt" },
  { event: "procurement.supplier_bill.matched", domain: "finance", handler: "raise-payable" },
  { event: "procurement.supplier.blocked", domain: "finance", handler: "remember-supplier-blocked" },
  { event: "procurement.supplier.details_updated", domain: "finance", handler: "remember-supplier-details_updated" },
  { event: "procurement.supplier.registered", domain: "finance", handler: "remember-supplier-registered" },
  { event: "procurement.supplier.unblocked", domain: "finance", handler: "remember-supplier-unblocked" },
  { event: "procurement.uninvoiced_receipts.reported", domain: "finance", handler: "remember-uninvoiced-receipts" },
  { event: "sales.order.cancelled", domain: "finance", handler: "release-credit-when-cancelled" },
  { event: "sales.order.closed_short", domain: "finance", handler: "release-credit-when-closed-short" },
  { event: "sales.order.closed_short", domain: "inventory", handler: "release-unshipped-for-closed-order" },
  { event: "sales.order.cancelled", domain: "inventory", handler: "release-for-cancelled-order" },
  { event: "sales.order.confirmation_requested", domain: "finance", handler: "check-credit-for-order" },
  { event: "sales.order.confirmation_requested", domain: "inventory", handler: "reserve-for-order" },
  { event: "sales.order.rejected", domain: "finance", handler: "release-credit-when-rejected" },
  { event: "sales.order.rejected", domain: "inventory", handler: "release-for-rejected-order" },
  { event: "sales.order.reservations_declined", domain: "inventory", handler: "release-declined-reservations" },
  { event: "sales.shipment.dispatched", domain: "finance", handler: "invoice-shipment" },
  { event: "sales.shipment.dispatched", domain: "finance", handler: "record-shipment" },
  { event: "sales.shipment.dispatched", domain: "inventory", handler: "issue-for-shipment" },
  { event: "sales.shipments.reported", domain: "finance", handler: "remember-shipped-position" },
  { event: "sales.order.placed", domain: "webhooks", handler: "publish-sales.order.placed" },
  { event: "sales.order.confirmed", domain: "webhooks", handler: "publish-sales.order.confirmed" },
  { event: "sales.order.rejected", domain: "webhooks", handler: "publish-sales.order.rejected" },
  { event: "sales.shipment.dispatched", domain: "webhooks", handler: "publish-sales.shipment.dispatched" },
  { event: "finance.invoice.issued", domain: "webhooks", handler: "publish-finance.invoice.issued" },
  { event: "finance.payment.recorded", domain: "webhooks", handler: "publish-finance.payment.recorded" },
  { event: "inventory.stock.low", domain: "webhooks", handler: "publish-inventory.stock.low" },
  {
    event: "finance.reconciliation.discrepancies_found",
    domain: "webhooks",
    handler: "publish-finance.reconciliation.alert_raised",
  },
];
