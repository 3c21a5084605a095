import {
  type ActionScope,
  Dec,
  type DeliveredEvent,
  defineStateMachine,
  fields,
  type Money,
  notFound,
  parseInput,
  refuse,
  sql,
} from "@erp/core";
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import { paymentTermDays } from "./context.js";
import { reduceHoldByInvoice } from "./credit.js";
import type { FinanceDatabase, InvoiceStatus, InvoicesTable } from "./db.js";
import { FinanceErrorCode } from "./errors.js";
import { postEntry, reverseEntry, showMoney } from "./journal.js";

export const invoiceLifecycle = defineStateMachine<InvoiceStatus>("Invoice", {
  ISSUED: ["PARTIALLY_PAID", "PAID", "VOID"],
  PARTIALLY_PAID: ["PARTIALLY_PAID", "PAID"],
  PAID: [],
  VOID: [],
});

export interface Invoice {
  id: string;
  number: string;
  customerId: string;
  salesOrderId: string | null;
  shipmentId: string | null;
  currency: string;
  status: InvoiceStatus;
  overdue: boolean;
  issuedOn: string;
  dueOn: string;
  subtotal: Money;
  taxTotal: Money;
  total: Money;
  interestAccrued: Money;
  amountPaid: Money;
  amountCredited: Money;
  balanceDue: Money;
  cursorPosition: string;
}

const today = () => new Date().toISOString().slice(0, 10);

export function toInvoice(row: Selectable<InvoicesTable>): Invoice {
  const open = row.status === "ISSUED" || row.status === "PARTIALLY_PAID";
  return {
    id: row.id,
    number: row.number,
    customerId: row.customer_id,
    salesOrderId: row.sales_order_id,
    shipmentId: row.shipment_id,
    currency: row.currency.trim(),
    status: row.status,
    overdue: open && row.due_on < today(),
    issuedOn: row.issued_on,
    dueOn: row.due_on,
    subtotal: showMoney(row.subtotal, row.currency),
    taxTotal: showMoney(row.tax_total, row.currency),
    total: showMoney(row.total, row.currency),
    interestAccrued: showMoney(row.interest_accrued, row.currency),
    amountPaid: showMoney(row.amount_paid, row.currency),
    amountCredited: showMoney(row.amount_credited, row.currency),
    balanceDue: showMoney(
      new Dec(row.total).plus(row.interest_accrued).minus(row.amount_paid).minus(row.amount_credited),
      row.currency,
    ),
    cursorPosition: row.seq,
  };
}

interface ShipmentDispatched {
  shipmentId: string;
  number: string;
  orderId: string;
  orderNumber: string;
  customerId: string;
  currency: string;
  lines: {
    productId: string;
    sku: string;
    quantity: string;
    unitPrice: string;
    netAmount: string;
    taxAmount: string;
  }[];
}

/**
 * One invoice per shipment at the order's prices and tax (sales rounds each line and sends the
 * amounts), posting receivable against revenue and tax payable. A shipment already invoiced is
 * left alone: the unique shipment id is a second line of defence behind the handler's inbox.
 */
export async function invoiceShipment(event: DeliveredEvent, scope: ActionScope<FinanceDatabase>): Promise<void> {
  const shipment = event.payload as unknown as ShipmentDispatched;
  const subtotal = shipment.lines.reduce((s, l) => s.plus(l.netAmount), new Dec(0));
  const tax = shipment.lines.reduce((s, l) => s.plus(l.taxAmount), new Dec(0));
  const issuedOn = today();
  const dueOn = new Date(Date.now() + paymentTermDays() * 86_400_000).toISOString().slice(0, 10);
  const { rows } = await sql<{ n: string }>`select nextval('finance.invoice_number_seq')::text as n`.execute(scope.trx);
  const row = await scope.trx
    .insertInto("finance.invoices")
    .values({
      number: `INV-${rows[0]!.n.padStart(6, "0")}`,
      customer_id: shipment.customerId,
      sales_order_id: shipment.orderId,
      shipment_id: shipment.shipmentId,
      currency: shipment.currency,
      issued_on: issuedOn,
      due_on: dueOn,
      subtotal: subtotal.toFixed(),
      tax_total: tax.toFixed(),
      total: subtotal.plus(tax).toFixed(),
    })
    .onConflict((oc) => oc.column("shipment_id").doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) return;
  await reduceHoldByInvoice(scope.trx, shipment.orderId, subtotal.plus(tax));
  await scope.trx
    .insertInto("finance.invoice_lines")
    .values(
      shipment.lines.map((l, i) => ({
        invoice_id: row.id,
        line_number: i + 1,
        description: `${l.sku} (order ${shipment.orderNumber}, shipment ${shipment.number})`,
        product_id: l.productId,
        quantity: l.quantity,
        unit_price: l.unitPrice,
        net_amount: l.netAmount,
        tax_amount: l.taxAmount,
      })),
    )
    .execute();
  await postEntry(scope, {
    entryDate: issuedOn,
    description: `Invoice ${row.number} for shipment ${shipment.number}`,
    source: { type: "Invoice", id: row.id },
    postings: [
      { account: { code: "1100" }, currency: shipment.currency, debit: subtotal.plus(tax) },
      { account: { code: "4000" }, currency: shipment.currency, credit: subtotal },
      { account: { code: "2100" }, currency: shipment.currency, credit: tax },
    ],
  });
  await scope.audit("Invoice", row.id, { number: row.number, shipmentId: shipment.shipmentId });
  await scope.emit({
    type: "finance.invoice.issued",
    aggregateType: "Invoice",
    aggregateId: row.id,
    payload: {
      invoiceId: row.id,
      number: row.number,
      customerId: row.customer_id,
      salesOrderId: row.sales_order_id,
      shipmentId: row.shipment_id,
      total: showMoney(row.total, row.currency),
    },
  });
}

export async function lockInvoice(trx: Transaction<FinanceDatabase>, id: string) {
  const row = await trx.selectFrom("finance.invoices").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
  return row ?? notFound(FinanceErrorCode.INVOICE_NOT_FOUND, "The invoice", "invoiceId");
}

const voidSchema = z.object({ invoiceId: fields.id("invoiceId"), reason: fields.text("Reason", 500) });

/** Voids an invoice without payments; its journal entry is reversed, never deleted. */
export async function voidInvoice(
  scope: ActionScope<FinanceDatabase>,
  input: z.input<typeof voidSchema>,
): Promise<Invoice> {
  const data = parseInput(voidSchema, input);
  const current = await lockInvoice(scope.trx, data.invoiceId);
  if (new Dec(current.amount_paid).gt(0))
    refuse(FinanceErrorCode.INVOICE_HAS_PAYMENTS, `${current.number} has payments allocated`, "invoiceId");
  invoiceLifecycle.assertTransition(current.status, "VOID");
  const entry = await scope.trx
    .selectFrom("finance.journal_entries")
    .select("id")
    .where("source_type", "=", "Invoice")
    .where("source_id", "=", current.id)
    .where("reverses_id", "is", null)
    .executeTakeFirst();
  if (entry) await reverseEntry(scope, entry.id, `invoice voided: ${data.reason}`);
  const row = await scope.trx
    .updateTable("finance.invoices")
    .set((eb) => ({ status: "VOID", version: eb("version", "+", 1) }))
    .where("id", "=", current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.audit("Invoice", row.id, { voided: data.reason });
  await scope.emit({
    type: "finance.invoice.voided",
    aggregateType: "Invoice",
    aggregateId: row.id,
    payload: { invoiceId: row.id, reason: data.reason },
  });
  return toInvoice(row);
}
