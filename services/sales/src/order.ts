import {
  type ActionScope,
  currencyScale,
  Dec,
  type DeliveredEvent,
  defineStateMachine,
  fields,
  nextDocumentNumber,
  notFound,
  parseInput,
  refuse,
  sql,
} from "@erp/core";
import type { Kysely, Selectable, Transaction } from "kysely";
import { z } from "zod";
import type { OrderStatus, SalesDatabase, SalesOrdersTable } from "./db.js";
import { SalesErrorCode } from "./errors.js";
import { type PricedLine, priceLines, storedLine } from "./pricing.js";

/** The order lifecycle; every other move is refused with INVALID_STATE_TRANSITION. */
export const orderLifecycle = defineStateMachine<OrderStatus>("Sales order", {
  DRAFT: ["PENDING_CONFIRMATION", "CANCELLED"],
  PENDING_CONFIRMATION: ["CONFIRMED", "REJECTED"],
  CONFIRMED: ["PARTIALLY_SHIPPED", "SHIPPED", "CANCELLED"],
  PARTIALLY_SHIPPED: ["PARTIALLY_SHIPPED", "SHIPPED"],
  SHIPPED: [],
  CANCELLED: [],
  REJECTED: [],
});

export interface SalesOrder {
  id: string;
  number: string;
  customerId: string;
  warehouseId: string;
  currency: string;
  status: OrderStatus;
  statusReason: string | null;
  salesperson: string | null;
  notes: string | null;
  quoteId: string | null;
  version: number;
  placedAt: string;
  confirmedAt: string | null;
  cursorPosition: string;
}

export function toSalesOrder(row: Selectable<SalesOrdersTable>): SalesOrder {
  return {
    id: row.id,
    number: row.number,
    customerId: row.customer_id,
    warehouseId: row.warehouse_id,
    currency: row.currency.trim(),
    status: row.status,
    statusReason: row.status_reason,
    salesperson: row.salesperson,
    notes: row.notes,
    quoteId: row.quote_id,
    version: row.version,
    placedAt: new Date(row.placed_at).toISOString(),
    confirmedAt: row.confirmed_at ? new Date(row.confirmed_at).toISOString() : null,
    cursorPosition: row.seq,
  };
}

export function orderActions(status: OrderStatus): ("CONFIRM" | "CANCEL" | "SHIP")[] {
  const next = orderLifecycle.nextStates(status);
  return [
    ...(next.includes("PENDING_CONFIRMATION") ? (["CONFIRM"] as const) : []),
    ...(next.includes("CANCELLED") ? (["CANCEL"] as const) : []),
    ...(next.includes("SHIPPED") ? (["SHIP"] as const) : []),
  ];
}

/** A customer sales has heard of and who may order; refuses CUSTOMER_NOT_FOUND or CUSTOMER_BLOCKED. */
export async function assertCustomerMayOrder(db: Kysely<SalesDatabase>, customerId: string, field = "customerId") {
  const customer = await db
    .selectFrom("sales.known_customers")
    .selectAll()
    .where("customer_id", "=", customerId)
    .executeTakeFirst();
  if (!customer) return notFound(SalesErrorCode.CUSTOMER_NOT_FOUND, "The customer", field);
  if (customer.status === "BLOCKED")
    refuse(SalesErrorCode.CUSTOMER_BLOCKED, `${customer.name} is blocked and cannot order`, field);
  return customer;
}

const lineSchema = z.object({
  productId: z.string(),
  quantity: z.string(),
  unitPrice: z.string().nullish(),
  discountPercent: z.string().nullish(),
  taxRate: z.string().nullish(),
});

const placeSchema = z.object({
  customerId: fields.id("customerId"),
  warehouseId: fields.id("warehouseId"),
  currency: z.string(),
  lines: z.array(lineSchema),
  salesperson: fields.optionalText("Salesperson", 200),
  notes: fields.optionalText("Notes", 2000, { multiline: true }),
});

/** A warehouse sales has heard of from inventory; refuses WAREHOUSE_NOT_FOUND. */
export async function assertWarehouseKnown(db: Kysely<SalesDatabase>, warehouseId: string, field = "warehouseId") {
  const found = await db
    .selectFrom("sales.known_warehouses")
    .select("warehouse_id")
    .where("warehouse_id", "=", warehouseId)
    .executeTakeFirst();
  if (!found) notFound(SalesErrorCode.WAREHOUSE_NOT_FOUND, "The warehouse", field);
}

export async function placeSalesOrder(
  scope: ActionScope<SalesDatabase>,
  input: z.input<typeof placeSchema>,
  quoteId?: string,
) {
  const data = parseInput(placeSchema, input);
  await assertCustomerMayOrder(scope.trx, data.customerId);
  await assertWarehouseKnown(scope.trx, data.warehouseId);
  const lines = await priceLines(scope.trx, data.lines, data.currency);
  return createOrder(scope, { ...data, lines, quoteId: quoteId ?? null });
}

export async function createOrder(
  scope: ActionScope<SalesDatabase>,
  order: {
    customerId: string;
    warehouseId: string;
    currency: string;
    lines: PricedLine[];
    salesperson?: string | null;
    notes?: string | null;
    quoteId: string | null;
  },
): Promise<SalesOrder> {
  const row = await scope.trx
    .insertInto("sales.sales_orders")
    .values({
      number: await nextDocumentNumber(scope.trx, "sales.order_number_seq", "SO"),
      customer_id: order.customerId,
      warehouse_id: order.warehouseId,
      currency: order.currency,
      salesperson: order.salesperson ?? null,
      notes: order.notes ?? null,
      quote_id: order.quoteId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.trx
    .insertInto("sales.lines")
    .values(order.lines.map((l) => ({ ...storedLine(l), order_id: row.id })))
    .execute();
  const salesOrder = toSalesOrder(row);
  await scope.audit("SalesOrder", row.id, { number: row.number, lines: order.lines.length });
  await scope.emit({
    type: "sales.order.placed",
    aggregateType: "SalesOrder",
    aggregateId: row.id,
    payload: { orderId: row.id, number: row.number, customerId: row.customer_id, currency: salesOrder.currency },
  });
  return salesOrder;
}

export async function lockOrder(trx: Transaction<SalesDatabase>, id: string, field = "salesOrderId") {
  const row = await trx
    .selectFrom("sales.sales_orders")
    .selectAll()
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  return row ?? notFound(SalesErrorCode.ORDER_NOT_FOUND, "The sales order", field);
}

export async function moveOrder(
  scope: ActionScope<SalesDatabase>,
  current: Selectable<SalesOrdersTable>,
  to: OrderStatus,
  changes: Partial<{ status_reason: string | null; confirmed_at: Date }> = {},
): Promise<SalesOrder> {
  orderLifecycle.assertTransition(current.status, to);
  const row = await scope.trx
    .updateTable("sales.sales_orders")
    .set((eb) => ({ ...changes, status: to, version: eb("version", "+", 1), updated_at: sql`now()` }))
    .where("id", "=", current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.audit("SalesOrder", row.id, { from: current.status, to, ...changes });
  return toSalesOrder(row);
}

const orderIdSchema = z.object({ salesOrderId: fields.id("salesOrderId") });

/**
 * Asks inventory to reserve every line and finance to check the credit (a saga with two legs):
 * the order waits in PENDING_CONFIRMATION until both agree (→ CONFIRMED, confirmIfBothAgreed)
 * or one refuses (→ REJECTED with the reason). Sales itself holds neither stock nor credit.
 */
export async function confirmSalesOrder(scope: ActionScope<SalesDatabase>, input: z.input<typeof orderIdSchema>) {
  const data = parseInput(orderIdSchema, input);
  const current = await lockOrder(scope.trx, data.salesOrderId);
  orderLifecycle.assertTransition(current.status, "PENDING_CONFIRMATION");
  await assertCustomerMayOrder(scope.trx, current.customer_id, "salesOrderId");
  const lines = await scope.trx
    .selectFrom("sales.lines")
    .selectAll()
    .where("order_id", "=", current.id)
    .orderBy("line_number")
    .execute();
  const order = await moveOrder(scope, current, "PENDING_CONFIRMATION");
  await scope.emit({
    type: "sales.order.confirmation_requested",
    aggregateType: "SalesOrder",
    aggregateId: order.id,
    payload: {
      orderId: order.id,
      customerId: order.customerId,
      reference: { type: "SalesOrder", id: order.id },
      warehouseId: order.warehouseId,
      total: orderTotal(lines, order.currency),
      lines: lines.map((l) => ({ lineId: l.id, productId: l.product_id, quantity: new Dec(l.quantity).toFixed() })),
    },
  });
  return order;
}

const cancelSchema = orderIdSchema.extend({ reason: fields.text("Reason", 500, { multiline: true }) });

export async function cancelSalesOrder(scope: ActionScope<SalesDatabase>, input: z.input<typeof cancelSchema>) {
  const data = parseInput(cancelSchema, input);
  const current = await lockOrder(scope.trx, data.salesOrderId);
  const order = await moveOrder(scope, current, "CANCELLED", { status_reason: data.reason });
  const lines = await scope.trx
    .selectFrom("sales.lines")
    .select("reservation_id")
    .where("order_id", "=", order.id)
    .execute();
  await scope.emit({
    type: "sales.order.cancelled",
    aggregateType: "SalesOrder",
    aggregateId: order.id,
    payload: { orderId: order.id, reason: data.reason, reservationIds: lines.flatMap((l) => l.reservation_id ?? []) },
  });
  return order;
}

/** Gross total of stored lines, for the credit check. */
function orderTotal(lines: { net_amount: string; tax_amount: string }[], currency: string) {
  const total = lines.reduce((sum, l) => sum.plus(l.net_amount).plus(l.tax_amount), new Dec(0));
  return { amount: total.toFixed(currencyScale(currency)), currency };
}

interface ReservedPayload {
  reference: { type: string; id: string };
  reservations: { id: string; productId: string; quantity: string }[];
}

/**
 * The confirmation saga has two legs: inventory reserves the stock, finance checks the credit.
 * The order is CONFIRMED when both said yes, REJECTED as soon as one says no; whatever the
 * other leg already did is compensated (reservations released, credit hold dropped).
 */
async function confirmIfBothAgreed(scope: ActionScope<SalesDatabase>, orderId: string): Promise<void> {
  const current = await lockOrder(scope.trx, orderId);
  if (current.status !== "PENDING_CONFIRMATION" || !current.stock_reserved || !current.credit_approved) return;
  const order = await moveOrder(scope, current, "CONFIRMED", { confirmed_at: new Date() });
  await scope.emit({
    type: "sales.order.confirmed",
    aggregateType: "SalesOrder",
    aggregateId: order.id,
    payload: { orderId: order.id, customerId: order.customerId, currency: order.currency },
  });
}

/** Inventory reserved every line: remember each line's reservation; confirm if finance agreed too. */
export async function confirmWithReservations(event: DeliveredEvent, scope: ActionScope<SalesDatabase>): Promise<void> {
  const { reference, reservations } = event.payload as unknown as ReservedPayload;
  if (reference.type !== "SalesOrder") return;
  const current = await lockOrder(scope.trx, reference.id);
  if (current.status !== "PENDING_CONFIRMATION") {
    // Too late: the order was rejected meanwhile, so the stock goes back.
    await scope.emit({
      type: "sales.order.reservations_declined",
      aggregateType: "SalesOrder",
      aggregateId: current.id,
      payload: { orderId: current.id, reservationIds: reservations.map((r) => r.id) },
    });
    return;
  }
  const lines = await scope.trx
    .selectFrom("sales.lines")
    .select(["id", "product_id"])
    .where("order_id", "=", current.id)
    .orderBy("line_number")
    .execute();
  // Inventory answers the saga's request with one reservation per line, in the order requested;
  // anything else (say, a manual reservation naming this order) is not the answer.
  const answers =
    lines.length === reservations.length && lines.every((l, i) => reservations[i]!.productId === l.product_id);
  if (!answers) return;
  for (const [i, line] of lines.entries())
    await scope.trx
      .updateTable("sales.lines")
      .set({ reservation_id: reservations[i]!.id })
      .where("id", "=", line.id)
      .execute();
  await scope.trx
    .updateTable("sales.sales_orders")
    .set({ stock_reserved: true })
    .where("id", "=", current.id)
    .execute();
  await confirmIfBothAgreed(scope, current.id);
}

/** Finance found room on the customer's credit line. */
export async function confirmWithCredit(event: DeliveredEvent, scope: ActionScope<SalesDatabase>): Promise<void> {
  const { reference } = event.payload as { reference: { type: string; id: string } };
  if (reference.type !== "SalesOrder") return;
  const current = await lockOrder(scope.trx, reference.id);
  if (current.status !== "PENDING_CONFIRMATION") return;
  await scope.trx
    .updateTable("sales.sales_orders")
    .set({ credit_approved: true })
    .where("id", "=", current.id)
    .execute();
  await confirmIfBothAgreed(scope, current.id);
}

async function rejectOrder(scope: ActionScope<SalesDatabase>, orderId: string, reason: string): Promise<void> {
  const current = await lockOrder(scope.trx, orderId);
  if (current.status !== "PENDING_CONFIRMATION") return;
  const order = await moveOrder(scope, current, "REJECTED", { status_reason: reason });
  const lines = await scope.trx
    .selectFrom("sales.lines")
    .select("reservation_id")
    .where("order_id", "=", order.id)
    .execute();
  await scope.emit({
    type: "sales.order.rejected",
    aggregateType: "SalesOrder",
    aggregateId: order.id,
    payload: { orderId: order.id, reason, reservationIds: lines.flatMap((l) => l.reservation_id ?? []) },
  });
}

/** Inventory could not reserve: the order is REJECTED with inventory's reason. */
export async function rejectForStock(event: DeliveredEvent, scope: ActionScope<SalesDatabase>): Promise<void> {
  const { reference, reason } = event.payload as { reference: { type: string; id: string }; reason: string };
  if (reference.type === "SalesOrder") await rejectOrder(scope, reference.id, reason);
}

/** Finance refused the credit: the order is REJECTED with finance's reason. */
export async function rejectForCredit(event: DeliveredEvent, scope: ActionScope<SalesDatabase>): Promise<void> {
  const { reference, reason } = event.payload as { reference: { type: string; id: string }; reason: string };
  if (reference.type === "SalesOrder") await rejectOrder(scope, reference.id, reason);
}
