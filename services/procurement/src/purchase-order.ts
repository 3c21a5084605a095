import {
  type ActionScope,
  Dec,
  defineStateMachine,
  fields,
  type Money,
  money,
  nextDocumentNumber,
  parseInput,
  sql,
  versionConflict,
} from "@erp/core";
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import { expectedDateWindow } from "./config.js";
import type { OrderStatus, ProcurementDatabase, PurchaseOrderLinesTable, PurchaseOrdersTable } from "./db.js";
import { notFound, ProcurementErrorCode, refuse } from "./errors.js";
import { orderTotal, type PricedOrderLine, priceOrderLines } from "./products.js";
import { assertSupplierActive } from "./supplier.js";

/** The purchase order lifecycle; every other move is refused with INVALID_STATE_TRANSITION. */
export const orderLifecycle = defineStateMachine<OrderStatus>("Purchase order", {
  DRAFT: ["PENDING_APPROVAL", "APPROVED", "CANCELLED"],
  PENDING_APPROVAL: ["APPROVED", "REJECTED", "CANCELLED"],
  APPROVED: ["PARTIALLY_RECEIVED", "RECEIVED", "CANCELLED"],
  PARTIALLY_RECEIVED: ["PARTIALLY_RECEIVED", "RECEIVED", "CLOSED"],
  RECEIVED: ["CLOSED"],
  CLOSED: [],
  REJECTED: [],
  CANCELLED: [],
});

/** Orders still expecting something: reorder drafting leaves their products alone. */
export const OPEN_STATUSES: OrderStatus[] = ["DRAFT", "PENDING_APPROVAL", "APPROVED", "PARTIALLY_RECEIVED"];
/** Orders the supplier is delivering against: what `Product.onOrder` counts. */
export const ORDERED_STATUSES: OrderStatus[] = ["APPROVED", "PARTIALLY_RECEIVED"];

export interface PurchaseOrder {
  id: string;
  number: string;
  supplierId: string;
  currency: string;
  status: OrderStatus;
  statusReason: string | null;
  total: Money;
  requestedBy: string;
  requiredApprovals: number;
  notes: string | null;
  version: number;
  createdAt: string;
  submittedAt: string | null;
  approvedAt: string | null;
}

const instant = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toPurchaseOrder(row: Selectable<PurchaseOrdersTable>): PurchaseOrder {
  const currency = row.currency.trim();
  return {
    id: row.id,
    number: row.number,
    supplierId: row.supplier_id,
    currency,
    status: row.status,
    statusReason: row.status_reason,
    total: money(row.total, currency),
    requestedBy: row.requested_by,
    requiredApprovals: row.required_approvals,
    notes: row.notes,
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    submittedAt: instant(row.submitted_at),
    approvedAt: instant(row.approved_at),
  };
}

export interface PurchaseOrderLine {
  id: string;
  purchaseOrderId: string;
  lineNumber: number;
  productId: string;
  sku: string;
  quantity: string;
  unitPrice: Money;
  amount: Money;
  expectedDate: string | null;
  receivedQuantity: string;
  billedQuantity: string;
}

export function toOrderLine(row: Selectable<PurchaseOrderLinesTable>, currency: string): PurchaseOrderLine {
  return {
    id: row.id,
    purchaseOrderId: row.purchase_order_id,
    lineNumber: row.line_number,
    productId: row.product_id,
    sku: row.sku,
    quantity: new Dec(row.quantity).toFixed(),
    unitPrice: money(row.unit_price, currency),
    amount: money(row.amount, currency),
    expectedDate: row.expected_date,
    receivedQuantity: new Dec(row.received_quantity).toFixed(),
    billedQuantity: new Dec(row.billed_quantity).toFixed(),
  };
}

const lineSchema = z.object({
  productId: z.string(),
  quantity: z.string(),
  unitPrice: z.string().nullish(),
  expectedDate: fields.dateWithin("Expected date", expectedDateWindow).nullish(),
});

const draftSchema = z.object({
  supplierId: fields.id("supplierId"),
  currency: z.string().nullish(),
  lines: z.array(lineSchema),
  notes: fields.optionalText("Notes", 2000, { multiline: true }),
});

export async function draftPurchaseOrder(scope: ActionScope<ProcurementDatabase>, input: z.input<typeof draftSchema>) {
  const data = parseInput(draftSchema, input);
  const supplier = await assertSupplierActive(scope.trx, data.supplierId);
  const currency = data.currency ?? supplier.currency.trim();
  const lines = await priceOrderLines(
    scope.trx,
    { supplierId: supplier.id, currency, today: scope.today() },
    data.lines,
  );
  return createOrder(scope, { supplierId: supplier.id, currency, lines, notes: data.notes });
}

/** Writes a DRAFT order and its priced lines, requested by the caller. */
export async function createOrder(
  scope: ActionScope<ProcurementDatabase>,
  order: { supplierId: string; currency: string; lines: PricedOrderLine[]; notes: string | null },
): Promise<PurchaseOrder> {
  const row = await scope.trx
    .insertInto("procurement.purchase_orders")
    .values({
      number: await nextDocumentNumber(scope.trx, "procurement.purchase_order_number_seq", "PO"),
      supplier_id: order.supplierId,
      currency: order.currency,
      total: orderTotal(order.lines).toFixed(),
      requested_by: scope.actor.subject,
      notes: order.notes,
      status_reason: null,
      submitted_at: null,
      approved_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await insertLines(scope.trx, row.id, order.lines);
  await scope.audit("PurchaseOrder", row.id, { number: row.number, lines: order.lines.length, total: row.total });
  return toPurchaseOrder(row);
}

async function insertLines(trx: Transaction<ProcurementDatabase>, orderId: string, lines: PricedOrderLine[]) {
  await trx
    .insertInto("procurement.purchase_order_lines")
    .values(
      lines.map((l) => ({
        purchase_order_id: orderId,
        line_number: l.lineNumber,
        product_id: l.productId,
        sku: l.sku,
        quantity: l.quantity,
        unit_price: l.unitPrice,
        amount: l.amount,
        expected_date: l.expectedDate,
      })),
    )
    .execute();
}

const reviseSchema = z.object({
  purchaseOrderId: fields.id("purchaseOrderId"),
  expectedVersion: z.number().int(),
  lines: z.array(lineSchema).nullish(),
  notes: fields.optionalText("Notes", 2000, { multiline: true }),
});

export async function revisePurchaseOrder(
  scope: ActionScope<ProcurementDatabase>,
  input: z.input<typeof reviseSchema>,
) {
  const data = parseInput(reviseSchema, input);
  const current = await lockOrder(scope.trx, data.purchaseOrderId);
  if (current.status !== "DRAFT")
    refuse(
      ProcurementErrorCode.INVALID_STATE_TRANSITION,
      `Only a DRAFT order can be revised; this one is ${current.status}`,
    );
  if (current.version !== data.expectedVersion) versionConflict();
  await assertSupplierActive(scope.trx, current.supplier_id, "purchaseOrderId");
  const currency = current.currency.trim();
  let total = current.total;
  if (data.lines) {
    const lines = await priceOrderLines(
      scope.trx,
      { supplierId: current.supplier_id, currency, today: scope.today() },
      data.lines,
    );
    await scope.trx
      .deleteFrom("procurement.purchase_order_lines")
      .where("purchase_order_id", "=", current.id)
      .execute();
    await insertLines(scope.trx, current.id, lines);
    total = orderTotal(lines).toFixed();
  }
  const row = await scope.trx
    .updateTable("procurement.purchase_orders")
    .set((eb) => ({
      total,
      notes: "notes" in input ? data.notes : current.notes,
      version: eb("version", "+", 1),
      updated_at: sql`now()`,
    }))
    .where("id", "=", current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.audit("PurchaseOrder", row.id, { revised: Object.keys(input), total });
  return toPurchaseOrder(row);
}

export const orderIdSchema = z.object({ purchaseOrderId: fields.id("purchaseOrderId") });

const reasonSchema = orderIdSchema.extend({ reason: fields.text("Reason", 500, { multiline: true }) });

/** Cancels an order nothing was received against (APPROVED at the latest). */
export async function cancelPurchaseOrder(
  scope: ActionScope<ProcurementDatabase>,
  input: z.input<typeof reasonSchema>,
) {
  const data = parseInput(reasonSchema, input);
  const current = await lockOrder(scope.trx, data.purchaseOrderId);
  return toPurchaseOrder(await moveOrder(scope, current, "CANCELLED", { status_reason: data.reason }));
}

/** Closes a PARTIALLY_RECEIVED order: what was not delivered is not expected any more. */
export async function closePurchaseOrderShort(
  scope: ActionScope<ProcurementDatabase>,
  input: z.input<typeof reasonSchema>,
) {
  const data = parseInput(reasonSchema, input);
  const current = await lockOrder(scope.trx, data.purchaseOrderId);
  if (current.status !== "PARTIALLY_RECEIVED")
    refuse(
      ProcurementErrorCode.INVALID_STATE_TRANSITION,
      `Only a PARTIALLY_RECEIVED order can be closed short; this one is ${current.status}`,
    );
  return toPurchaseOrder(await moveOrder(scope, current, "CLOSED", { status_reason: data.reason }));
}

export async function lockOrder(trx: Transaction<ProcurementDatabase>, id: string, field = "purchaseOrderId") {
  const row = await trx
    .selectFrom("procurement.purchase_orders")
    .selectAll()
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  return row ?? notFound(ProcurementErrorCode.PURCHASE_ORDER_NOT_FOUND, "The purchase order", field);
}

type OrderChanges = Partial<{
  status_reason: string | null;
  required_approvals: number;
  submitted_at: Date;
  approved_at: Date;
}>;

/** Moves an order along its lifecycle, bumping its version and auditing the move. */
export async function moveOrder(
  scope: ActionScope<ProcurementDatabase>,
  current: Selectable<PurchaseOrdersTable>,
  to: OrderStatus,
  changes: OrderChanges = {},
): Promise<Selectable<PurchaseOrdersTable>> {
  orderLifecycle.assertTransition(current.status, to);
  const row = await scope.trx
    .updateTable("procurement.purchase_orders")
    .set((eb) => ({ ...changes, status: to, version: eb("version", "+", 1), updated_at: sql`now()` }))
    .where("id", "=", current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.audit("PurchaseOrder", row.id, { from: current.status, to, ...changes });
  return row;
}

export async function orderLines(trx: Transaction<ProcurementDatabase>, orderId: string) {
  return trx
    .selectFrom("procurement.purchase_order_lines")
    .selectAll()
    .where("purchase_order_id", "=", orderId)
    .orderBy("line_number")
    .forUpdate()
    .execute();
}
