import { InvoiceIssued, InvoiceVoided, type ShipmentDispatched } from "@erp/contracts";
import {
  type ActionScope,
  assertFitsColumn,
  currencyScale,
  Dec,
  type DeliveredEventOf,
  defineStateMachine,
  fields,
  fitsColumn,
  isoDay,
  type Money,
  parseInput,
  QUANTITY_COLUMN,
} from "@erp/core";
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import { dueDateWindow, nextLegalDocumentNumber, paymentTermDays } from "./config.js";
import { reduceHoldByInvoice } from "./credit.js";
import type { FinanceDatabase, InvoiceStatus, InvoicesTable } from "./db.js";
import { FinanceErrorCode, notFound, refuse } from "./errors.js";
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

/** Open and past its due date on `today` (the reader's business clock). */
export const isOverdue = (invoice: Pick<Invoice, "status" | "dueOn">, today: string): boolean =>
  (invoice.status === "ISSUED" || invoice.status === "PARTIALLY_PAID") && invoice.dueOn < today;

export function toInvoice(row: Selectable<InvoicesTable>): Invoice {
  return {
    id: row.id,
    number: row.number,
    customerId: row.customer_id,
    salesOrderId: row.sales_order_id,
    shipmentId: row.shipment_id,
    currency: row.currency.trim(),
    status: row.status,
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

/**
 * One invoice per shipment at the order's prices and tax (sales rounds each line and sends the
 * amounts), posting receivable against revenue and tax payable. A shipment already invoiced is
 * left alone: the unique shipment id is a second line of defence behind the handler's inbox.
 */
export async function invoiceShipment(
  event: DeliveredEventOf<typeof ShipmentDispatched>,
  scope: ActionScope<FinanceDatabase>,
): Promise<void> {
  const shipment = event.payload;
  const invoice = await createInvoice(scope, {
    customerId: shipment.customerId,
    currency: shipment.currency,
    salesOrderId: shipment.orderId,
    shipmentId: shipment.shipmentId,
    description: `shipment ${shipment.number}`,
    lines: shipment.lines.map((l) => ({
      description: `${l.sku} (order ${shipment.orderNumber}, shipment ${shipment.number})`,
      productId: l.productId,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      netAmount: l.netAmount,
      taxAmount: l.taxAmount,
    })),
  });
  if (invoice) await reduceHoldByInvoice(scope.trx, shipment.orderId, new Dec(invoice.total.amount));
}

export interface NewInvoiceLine {
  description: string;
  productId: string | null;
  quantity: string;
  unitPrice: string;
  netAmount: string;
  taxAmount: string;
}

/**
 * Issues an invoice and posts it: receivable against revenue and tax payable. Returns null when
 * the shipment already has its invoice (the unique shipment id is the second line of defence).
 */
export async function createInvoice(
  scope: ActionScope<FinanceDatabase>,
  invoice: {
    customerId: string;
    currency: string;
    salesOrderId: string | null;
    shipmentId: string | null;
    description: string;
    dueOn?: string;
    lines: NewInvoiceLine[];
  },
): Promise<Invoice | null> {
  const subtotal = invoice.lines.reduce((s, l) => s.plus(l.netAmount), new Dec(0));
  const tax = invoice.lines.reduce((s, l) => s.plus(l.taxAmount), new Dec(0));
  assertFitsColumn("The invoice total", subtotal.plus(tax), "lines");
  const issuedOn = scope.today();
  const dueOn = invoice.dueOn ?? isoDay(paymentTermDays(), scope.now().getTime());
  const number = await nextLegalDocumentNumber(scope.trx, "invoice", issuedOn);
  const row = await scope.trx
    .insertInto("finance.invoices")
    .values({
      number,
      customer_id: invoice.customerId,
      sales_order_id: invoice.salesOrderId,
      shipment_id: invoice.shipmentId,
      currency: invoice.currency,
      issued_on: issuedOn,
      due_on: dueOn,
      subtotal: subtotal.toFixed(),
      tax_total: tax.toFixed(),
      total: subtotal.plus(tax).toFixed(),
    })
    .onConflict((oc) => oc.column("shipment_id").doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) return null;
  await scope.trx
    .insertInto("finance.invoice_lines")
    .values(
      invoice.lines.map((l, i) => ({
        invoice_id: row.id,
        line_number: i + 1,
        description: l.description,
        product_id: l.productId,
        quantity: l.quantity,
        unit_price: l.unitPrice,
        net_amount: l.netAmount,
        tax_amount: l.taxAmount,
      })),
    )
    .execute();
  // A free invoice (every line priced at zero) is still a document, but there is nothing to post.
  if (!subtotal.plus(tax).isZero())
    await postEntry(scope, {
      entryDate: issuedOn,
      description: `Invoice ${row.number} for ${invoice.description}`,
      source: { type: "Invoice", id: row.id },
      postings: [
        { account: { code: "1100" }, currency: invoice.currency, debit: subtotal.plus(tax) },
        { account: { code: "4000" }, currency: invoice.currency, credit: subtotal },
        { account: { code: "2100" }, currency: invoice.currency, credit: tax },
      ],
    });
  await scope.audit("Invoice", row.id, { number: row.number, shipmentId: invoice.shipmentId });
  await scope.emit(InvoiceIssued, row.id, {
    invoiceId: row.id,
    number: row.number,
    customerId: row.customer_id,
    salesOrderId: row.sales_order_id,
    shipmentId: row.shipment_id,
    total: showMoney(row.total, row.currency),
  });
  return toInvoice(row);
}

const serviceLine = z.object({
  description: fields.text("Description", 500, { multiline: true }),
  quantity: z
    .string()
    .regex(/^(0|[1-9]\d*)(\.\d{1,4})?$/, "Quantity must be positive with at most 4 decimals")
    .refine((q) => new Dec(q).gt(0), "Quantity must be positive")
    .refine((q) => fitsColumn(q, QUANTITY_COLUMN), "Quantity is too large: at most 14 digits before the decimal point"),
  unitPrice: z
    .string()
    .regex(/^(0|[1-9]\d{0,14})(\.\d{1,4})?$/, "Unit price must be zero or more with at most 4 decimals"),
  taxRate: z.string().regex(/^(100|[1-9]?\d)(\.\d{1,2})?$/, "Tax rate is 0 to 100 with at most 2 decimals"),
});

const issueSchema = z.object({
  customerId: fields.id("customerId"),
  currency: z.string(),
  dueOn: fields.dateWithin("Due date", dueDateWindow).nullish(),
  lines: z.array(serviceLine).min(1, "Give at least one line").max(100, "At most 100 lines"),
});

/** Bills services (nothing shipped): each line net = quantity × price, tax on the rounded net, half-even. */
export async function issueInvoice(
  scope: ActionScope<FinanceDatabase>,
  input: z.input<typeof issueSchema>,
): Promise<Invoice> {
  const data = parseInput(issueSchema, input);
  const known = await scope.trx
    .selectFrom("finance.known_customers")
    .select("customer_id")
    .where("customer_id", "=", data.customerId)
    .executeTakeFirst();
  if (!known) notFound(FinanceErrorCode.CUSTOMER_NOT_FOUND, "The customer", "customerId");
  const scale = currencyScale(data.currency);
  const lines = data.lines.map((l, i) => {
    const net = new Dec(l.quantity).times(l.unitPrice).toDecimalPlaces(scale, Dec.ROUND_HALF_EVEN);
    const tax = net.times(l.taxRate).div(100).toDecimalPlaces(scale, Dec.ROUND_HALF_EVEN);
    assertFitsColumn("The line's amount (quantity × unit price, with tax)", net.plus(tax), `lines.${i}`);
    return {
      description: l.description,
      productId: null,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      netAmount: net.toFixed(),
      taxAmount: tax.toFixed(),
    };
  });
  return (await createInvoice(scope, {
    customerId: data.customerId,
    currency: data.currency,
    salesOrderId: null,
    shipmentId: null,
    description: "services",
    dueOn: data.dueOn ?? undefined,
    lines,
  }))!;
}

export async function lockInvoice(trx: Transaction<FinanceDatabase>, id: string) {
  const row = await trx.selectFrom("finance.invoices").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
  return row ?? notFound(FinanceErrorCode.INVOICE_NOT_FOUND, "The invoice", "invoiceId");
}

const voidSchema = z.object({
  invoiceId: fields.id("invoiceId"),
  reason: fields.text("Reason", 500, { multiline: true }),
});

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
  await scope.emit(InvoiceVoided, row.id, { invoiceId: row.id, reason: data.reason });
  return toInvoice(row);
}
