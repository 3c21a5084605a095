import { SupplierBillMatched } from "@erp/contracts";
import {
  type ActionScope,
  assertFitsColumn,
  type BusinessError,
  BusinessRuleViolation,
  businessError,
  checkLineQuantity,
  currencyScale,
  Dec,
  fields,
  type Money,
  money,
  nextDocumentNumber,
  parseInput,
} from "@erp/core";
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import { documentDateWindow, dueDateWindow, procurementSettings } from "./config.js";
import type { BillHoldReasonsTable, ProcurementDatabase, SupplierBillLinesTable, SupplierBillsTable } from "./db.js";
import { notFound, ProcurementErrorCode, refuse } from "./errors.js";
import { checkPrice } from "./products.js";
import { lockOrder, moveOrder, orderLines } from "./purchase-order.js";
import { lockSupplier } from "./supplier.js";

export interface SupplierBill {
  id: string;
  number: string;
  supplierId: string;
  purchaseOrderId: string;
  supplierInvoiceNumber: string;
  billDate: string;
  dueDate: string;
  status: Selectable<SupplierBillsTable>["status"];
  currency: string;
  total: Money;
  receivedValue: Money;
  priceVariance: Money;
  paidAmount: Money;
  recordedBy: string;
  releasedBy: string | null;
  releasedAt: string | null;
  createdAt: string;
}

export function toSupplierBill(row: Selectable<SupplierBillsTable>): SupplierBill {
  const currency = row.currency.trim();
  return {
    id: row.id,
    number: row.number,
    supplierId: row.supplier_id,
    purchaseOrderId: row.purchase_order_id,
    supplierInvoiceNumber: row.supplier_invoice_number,
    billDate: row.bill_date,
    dueDate: row.due_date,
    status: row.status,
    currency,
    total: money(row.total, currency),
    receivedValue: money(row.received_value, currency),
    priceVariance: money(new Dec(row.total).minus(row.received_value), currency),
    paidAmount: money(row.paid_amount, currency),
    recordedBy: row.recorded_by,
    releasedBy: row.released_by,
    releasedAt: row.released_at ? new Date(row.released_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export interface SupplierBillLine {
  billId: string;
  lineNumber: number;
  purchaseOrderLineId: string;
  quantity: string;
  unitPrice: Money;
  amount: Money;
}

export const toSupplierBillLine = (row: Selectable<SupplierBillLinesTable>, currency: string): SupplierBillLine => ({
  billId: row.bill_id,
  lineNumber: row.line_number,
  purchaseOrderLineId: row.purchase_order_line_id,
  quantity: new Dec(row.quantity).toFixed(),
  unitPrice: money(row.unit_price, currency),
  amount: money(row.amount, currency),
});

export type HoldReason = Pick<Selectable<BillHoldReasonsTable>, "code" | "message"> & {
  lineNumber: number;
  billId: string;
};

const billSchema = z.object({
  supplierId: fields.id("supplierId"),
  purchaseOrderId: fields.id("purchaseOrderId"),
  supplierInvoiceNumber: fields.text("Supplier invoice number", 100),
  billDate: fields.dateWithin("Bill date", documentDateWindow),
  dueDate: fields.dateWithin("Due date", dueDateWindow).nullish(),
  lines: z
    .array(z.object({ purchaseOrderLineId: z.string(), quantity: z.string(), unitPrice: z.string() }))
    .min(1, "Give 1 to 100 lines")
    .max(100, "Give 1 to 100 lines"),
});

const BILLABLE = ["APPROVED", "PARTIALLY_RECEIVED", "RECEIVED", "CLOSED"];

/**
 * Records a supplier's invoice and runs the three-way match (order, receipt, bill): every line's
 * billed quantity with the earlier bills at most what was received, and its unit price within the
 * price tolerance of the PO price. MATCHED goes to finance as a payable; otherwise ON_HOLD with each reason.
 */
export async function recordSupplierBill(scope: ActionScope<ProcurementDatabase>, input: z.input<typeof billSchema>) {
  const data = parseInput(billSchema, input);
  const supplier = await lockSupplier(scope.trx, data.supplierId);
  const order = await lockOrder(scope.trx, data.purchaseOrderId);
  if (order.supplier_id !== supplier.id)
    refuse(ProcurementErrorCode.VALIDATION_FAILED, "The purchase order is another supplier's", "purchaseOrderId");
  if (!BILLABLE.includes(order.status))
    refuse(ProcurementErrorCode.INVALID_STATE_TRANSITION, `A ${order.status} purchase order cannot be billed`);
  const duplicate = await scope.trx
    .selectFrom("procurement.supplier_bills")
    .select("number")
    .where("supplier_id", "=", supplier.id)
    .where("supplier_invoice_number", "=", data.supplierInvoiceNumber)
    .executeTakeFirst();
  if (duplicate)
    refuse(
      ProcurementErrorCode.DUPLICATE_SUPPLIER_INVOICE,
      `${supplier.name}'s invoice ${data.supplierInvoiceNumber} is already recorded as ${duplicate.number}`,
      "supplierInvoiceNumber",
    );
  const currency = order.currency.trim();
  const { lines, holds } = await matchLines(scope.trx, order.id, currency, data.lines);
  const total = lines.reduce((s, l) => s.plus(l.amount), new Dec(0));
  const receivedValue = lines.reduce((s, l) => s.plus(l.receivedValue), new Dec(0));
  assertFitsColumn("The bill total", total, "lines");
  const dueDate =
    data.dueDate ??
    new Date(Date.parse(`${data.billDate}T00:00:00Z`) + supplier.payment_terms_days * 86_400_000)
      .toISOString()
      .slice(0, 10);
  const bill = await scope.trx
    .insertInto("procurement.supplier_bills")
    .values({
      number: await nextDocumentNumber(scope.trx, "procurement.supplier_bill_number_seq", "BILL"),
      supplier_id: supplier.id,
      purchase_order_id: order.id,
      supplier_invoice_number: data.supplierInvoiceNumber,
      bill_date: data.billDate,
      due_date: dueDate,
      currency,
      total: total.toFixed(),
      received_value: receivedValue.toFixed(),
      status: holds.length ? "ON_HOLD" : "MATCHED",
      recorded_by: scope.actor.subject,
      released_by: null,
      released_at: null,
      matched_at: holds.length ? null : scope.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.trx
    .insertInto("procurement.supplier_bill_lines")
    .values(
      lines.map((l, i) => ({
        bill_id: bill.id,
        line_number: i + 1,
        purchase_order_line_id: l.purchaseOrderLineId,
        quantity: l.quantity.toFixed(),
        unit_price: l.unitPrice.toFixed(),
        amount: l.amount.toFixed(),
      })),
    )
    .execute();
  if (holds.length)
    await scope.trx
      .insertInto("procurement.bill_hold_reasons")
      .values(holds.map((h) => ({ ...h, bill_id: bill.id })))
      .execute();
  await scope.audit("SupplierBill", bill.id, { number: bill.number, status: bill.status, holds: holds.length });
  if (!holds.length) await matched(scope, bill, null);
  return toSupplierBill(bill);
}

type Hold = Omit<HoldReason, "billId" | "lineNumber"> & { line_number: number };

/** Checks each bill line against its PO line; returns the priced lines and every hold reason. */
async function matchLines(
  trx: Transaction<ProcurementDatabase>,
  orderId: string,
  currency: string,
  requested: { purchaseOrderLineId: string; quantity: string; unitPrice: string }[],
) {
  const poLines = await orderLines(trx, orderId);
  const billedBefore = await billedQuantities(
    trx,
    poLines.map((l) => l.id),
  );
  const tolerance = new Dec(procurementSettings().priceTolerancePercent);
  const scale = currencyScale(currency);
  const errors: BusinessError[] = [];
  const holds: Hold[] = [];
  const lines = requested.flatMap((r, i) => {
    const at = (f: string) => `lines.${i}.${f}`;
    const line = poLines.find((l) => l.id === r.purchaseOrderLineId);
    if (!line) {
      const field = at("purchaseOrderLineId");
      errors.push(
        businessError(ProcurementErrorCode.PURCHASE_ORDER_LINE_NOT_FOUND, "The order has no such line", field),
      );
      return [];
    }
    const quantity = checkLineQuantity(r.quantity, 6, at("quantity"), errors);
    const unitPrice = checkPrice(r.unitPrice, at("unitPrice"), errors);
    const billed = (billedBefore.get(line.id) ?? new Dec(0)).plus(quantity);
    billedBefore.set(line.id, billed);
    if (billed.gt(line.received_quantity))
      holds.push({
        code: "QUANTITY_ABOVE_RECEIVED",
        message: `${line.sku}: ${billed.toFixed()} billed in all, ${new Dec(line.received_quantity).toFixed()} received`,
        line_number: i + 1,
      });
    const poPrice = new Dec(line.unit_price);
    if (unitPrice.minus(poPrice).abs().gt(poPrice.times(tolerance).div(100)))
      holds.push({
        code: "PRICE_OUTSIDE_TOLERANCE",
        message: `${line.sku}: billed ${unitPrice.toFixed()} per unit, ordered at ${poPrice.toFixed()} (tolerance ${tolerance.toFixed()} %)`,
        line_number: i + 1,
      });
    const round = (d: Dec) => d.toDecimalPlaces(scale, Dec.ROUND_HALF_EVEN);
    return [
      {
        purchaseOrderLineId: line.id,
        quantity,
        unitPrice,
        amount: round(quantity.times(unitPrice)),
        receivedValue: round(quantity.times(poPrice)),
      },
    ];
  });
  if (errors.length) throw new BusinessRuleViolation(errors);
  return { lines, holds };
}

/** Quantity billed so far per PO line, on every bill whatever its status (a held bill still claims its goods). */
async function billedQuantities(trx: Transaction<ProcurementDatabase>, lineIds: string[]) {
  const rows = lineIds.length
    ? await trx
        .selectFrom("procurement.supplier_bill_lines")
        .select(["purchase_order_line_id", (eb) => eb.fn.sum<string>("quantity").as("billed")])
        .where("purchase_order_line_id", "in", lineIds)
        .groupBy("purchase_order_line_id")
        .execute()
    : [];
  return new Map(rows.map((r) => [r.purchase_order_line_id, new Dec(r.billed)]));
}

/**
 * A bill became a payable: its quantities count as billed on the order (leaving goods received
 * not invoiced), finance hears of it, and a RECEIVED order billed in full is CLOSED.
 */
async function matched(
  scope: ActionScope<ProcurementDatabase>,
  bill: Selectable<SupplierBillsTable>,
  releasedBy: string | null,
) {
  const lines = await scope.trx
    .selectFrom("procurement.supplier_bill_lines")
    .selectAll()
    .where("bill_id", "=", bill.id)
    .execute();
  for (const l of lines)
    await scope.trx
      .updateTable("procurement.purchase_order_lines")
      .set((eb) => ({ billed_quantity: eb("billed_quantity", "+", l.quantity) }))
      .where("id", "=", l.purchase_order_line_id)
      .execute();
  const b = toSupplierBill(bill);
  await scope.emit(SupplierBillMatched, bill.id, {
    billId: b.id,
    supplierId: b.supplierId,
    supplierInvoiceNumber: b.supplierInvoiceNumber,
    purchaseOrderId: b.purchaseOrderId,
    billDate: b.billDate,
    dueDate: b.dueDate,
    total: b.total,
    receivedValue: b.receivedValue,
    priceVariance: b.priceVariance,
    releasedBy,
  });
  const order = await lockOrder(scope.trx, bill.purchase_order_id);
  if (order.status !== "RECEIVED") return;
  const poLines = await orderLines(scope.trx, order.id);
  if (poLines.every((l) => new Dec(l.billed_quantity).gte(l.received_quantity)))
    await moveOrder(scope, order, "CLOSED", { status_reason: "Received and billed in full" });
}

const releaseSchema = z.object({
  supplierBillId: fields.id("supplierBillId"),
  comment: fields.optionalText("Comment", 500, { multiline: true }),
});

/** An approver releases a held bill (not the one who recorded it): it becomes MATCHED and a payable. */
export async function releaseBillHold(scope: ActionScope<ProcurementDatabase>, input: z.input<typeof releaseSchema>) {
  const data = parseInput(releaseSchema, input);
  const current = await scope.trx
    .selectFrom("procurement.supplier_bills")
    .selectAll()
    .where("id", "=", data.supplierBillId)
    .forUpdate()
    .executeTakeFirst();
  if (!current) return notFound(ProcurementErrorCode.SUPPLIER_BILL_NOT_FOUND, "The supplier bill", "supplierBillId");
  if (current.status !== "ON_HOLD")
    refuse(ProcurementErrorCode.BILL_NOT_ON_HOLD, `The bill is ${current.status}, not ON_HOLD`, "supplierBillId");
  if (current.recorded_by === scope.actor.subject)
    refuse(ProcurementErrorCode.SELF_APPROVAL, "You recorded this bill; another approver must release it");
  const bill = await scope.trx
    .updateTable("procurement.supplier_bills")
    .set({ status: "MATCHED", released_by: scope.actor.subject, released_at: scope.now(), matched_at: scope.now() })
    .where("id", "=", current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.audit("SupplierBill", bill.id, { from: "ON_HOLD", to: "MATCHED", comment: data.comment });
  await matched(scope, bill, scope.actor.subject);
  return toSupplierBill(bill);
}
